"""The report as an XLSX workbook (core.xlsx, the shared writer): a summary sheet, one
sheet per table, the origin–destination matrix and the method. Suppressed cells hold
the mark "<5" as text, never a number."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sitetrack.core.xlsx import BOLD, HEADER, TITLE, XlsxBook
from sitetrack.returns.report import Figure, ReturnReport, Table


def _count(f: Figure):
    return f.mark if f.suppressed else f.n


def _share(f: Figure):
    return "" if f.suppressed or f.share is None else round(f.share * 100, 1)


def _table(book: XlsxBook, t: Table, *, interval: bool, shares: bool = True) -> None:
    sheet = book.sheet(t.title[:31], widths=[34, 12, *([14] * (len(t.columns) * 2))], freeze_top_row=True)
    head = [t.group_label or _("Households"), _("Households")]
    for _c, label in t.columns:
        head.append(label)
        if shares:
            head.append(_("%% %(answer)s") % {"answer": label})
    if interval and shares:
        head += [f"{_('95% CI')} {label}" for _c, label in t.columns]
    sheet.row(head, HEADER)
    for row in [*t.rows, *([t.total] if t.total else [])]:
        values = [row.label, _count(row.total)]
        for f in row.cells:
            values.append(_count(f))
            if shares:
                values.append(_share(f))
        if interval and shares:
            values += ["" if f.suppressed else f.interval for f in row.cells]
        sheet.row(values, BOLD if row is t.total else None)


def render_xlsx(report: ReturnReport) -> bytes:
    book = XlsxBook()
    summary = book.sheet(_("Summary"), widths=[48, 30])
    summary.row([report.title], TITLE)
    summary.row([report.survey.operation.name, report.month_label])
    summary.row([_("Households interviewed"), _count(report.households)], [BOLD, None])
    summary.row([_("Sites covered"), report.sites], [BOLD, None])
    summary.row([])
    summary.row([_("Intention"), _("Households"), _("Share (%)"), _("95% CI")], HEADER)
    total = report.tables[0].total
    for (_c, label), f in zip(report.tables[0].columns, total.cells, strict=True):
        summary.row([label, _count(f), _share(f), "" if f.suppressed else f.interval])
    summary.row([])
    summary.row([report.method])
    for t in report.tables:
        _table(book, t, interval=report.is_sample)
    _table(book, report.timing, interval=report.is_sample)
    for ranked in report.answers:
        sheet = book.sheet(ranked.title[:31], widths=[44, 12, 12, 16])
        sheet.row([_("Answer"), _("Households"), _("Share (%)"), _("95% CI")], HEADER)
        for _code, label, f in ranked.rows:
            sheet.row([label, _count(f), _share(f), "" if f.suppressed else f.interval])
    _table(book, report.od, interval=False, shares=False)
    if report.comparison:
        sheet = book.sheet(_("Last month"), widths=[40, 16, 16, 16])
        sheet.row(
            [_("Intention"), report.month_label, report.comparison.previous_month, _("Change (points)")],
            HEADER,
        )
        for label, now, then, change in report.comparison.rows:
            sheet.row(
                [
                    label,
                    _share(now) if not now.suppressed else now.mark,
                    _share(then) if not then.suppressed else then.mark,
                    "" if change is None else round(change, 1),
                ]
            )
    return book.save()
