"""The report as an HXL-tagged CSV in long format: one row per published cell (a table,
a group, an answer), a header row in the report's language, then the hashtag row.

Tags (HXL dictionary): `#date+month`, `#meta+table`, `#group+code` / `#group+name` (the
site, site type or admin 2 the row is about), `#indicator+code` / `#indicator+name` (the
answer: an intention, a timing, a condition...), `#affected+hh+num` (households
interviewed, or the suppression mark "<5"), `#indicator+pct` (weighted share, %) and
`#indicator+pct+x_ci_low` / `+x_ci_high` (its 95% interval). Suppressed cells carry the
mark and no share, like every other output.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from sitetrack.returns.report import Figure, ReturnReport, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def rows(report: ReturnReport):
    month = report.survey.key

    def line(table: str, code: str, name: str, answer: str, answer_name: str, f: Figure):
        return [
            month,
            table,
            code,
            _safe(name),
            answer,
            _safe(answer_name),
            f.text.replace("\u202f", ""),
            "" if f.suppressed else _pct(f.share),
            "" if f.suppressed else _pct(f.low),
            "" if f.suppressed else _pct(f.high),
        ]

    def table_rows(t: Table):
        for row in [*t.rows, *([t.total] if t.total else [])]:
            code = row.code if row is not t.total else "*"
            yield line(t.slug, code, row.label, "*", _("All"), row.total)
            for (c, label), f in zip(t.columns, row.cells, strict=True):
                yield line(t.slug, code, row.label, c or "none", label, f)

    for t in [*report.tables, report.timing, report.od]:
        yield from table_rows(t)
    for ranked in report.answers:
        for code, label, f in ranked.rows:
            yield line(ranked.slug, "*", _("All"), code, label, f)


def render_hxl(report: ReturnReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            _("Month"),
            _("Table"),
            _("Group code"),
            _("Group"),
            _("Answer code"),
            _("Answer"),
            _("Households"),
            _("Share (%)"),
            _("95% CI low (%)"),
            _("95% CI high (%)"),
        ]
    )
    writer.writerow(
        [
            "#date+month",
            "#meta+table",
            "#group+code",
            "#group+name",
            "#indicator+code",
            "#indicator+name",
            "#affected+hh+num",
            "#indicator+pct",
            "#indicator+pct+x_ci_low",
            "#indicator+pct+x_ci_high",
        ]
    )
    writer.writerows(rows(report))
    return out.getvalue().encode("utf-8")
