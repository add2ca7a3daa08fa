"""The report as PDF (WeasyPrint), A4 portrait, from the same body as the web page.

The long tables (intentions by site, by origin, by destination) print as fixed-pitch
listings (reports/renderers/listing.py, one table cell per row): WeasyPrint lays out a
table cell in about half a millisecond, and these tables have hundreds of rows of six
cells. Their confidence intervals are in the XLSX workbook.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from weasyprint import HTML

from sitetrack.reports.renderers.listing import Bold, Column, Listing
from sitetrack.returns.renderers.charts import report_charts
from sitetrack.returns.report import Figure, ReturnReport, Table

LISTING_PT = 7
# A4 portrait minus 12 mm margins, in characters of DejaVu Sans Mono at LISTING_PT.
LINE_CHARS = int((210 - 24 - 2) / (LISTING_PT * 0.6021 * 25.4 / 72)) - 1
CHUNK = 200


def _cell(f: Figure) -> str:
    if f.suppressed:
        return f.mark
    return f"{f.text} ({f.percent})" if f.percent else f.text


def table_listing(table: Table) -> str:
    columns = [
        Column(table.group_label, flex=True, least=16),
        Column(_("Households"), ">", space=2),
        *[Column(label, ">", most=16, least=7, space=2) for _code, label in table.columns],
    ]
    rows = [[row.label, row.total.text, *[_cell(f) for f in row.cells]] for row in table.rows]
    total = table.total
    last = (
        [Bold(total.label), Bold(total.total.text), *[Bold(_cell(f)) for f in total.cells]] if total else None
    )
    listing = Listing(columns, rows + ([last] if last else []), line_chars=LINE_CHARS)
    html = [("", listing.row(cells)) for cells in rows]
    if last:
        html.append(("total", listing.row(last, bold=True)))
    return mark_safe(listing.table(html, css="ri", chunk=CHUNK))  # noqa: S308 - Listing escapes every value


def print_html(report: ReturnReport, charts: dict | None = None) -> str:
    charts = report_charts(report) if charts is None else charts
    listings = [(t, table_listing(t)) for t in report.tables]
    return render_to_string(
        "returns/report_pdf.html", {"report": report, "charts": charts, "pdf_tables": listings}
    )


def render_pdf(report: ReturnReport) -> bytes:
    return HTML(string=print_html(report)).write_pdf()
