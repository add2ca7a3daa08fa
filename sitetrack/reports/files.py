"""The weekly report's files, by format: one place that knows names and content types."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sitetrack.reports.selectors import WeeklyReport

FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "hxl": ("text/csv; charset=utf-8", "hxl.csv"),
    "html": ("text/html; charset=utf-8", "html"),
}
FORMAT_LABELS = {"pdf": _("PDF"), "xlsx": _("Excel (XLSX)"), "hxl": _("HXL CSV"), "html": _("HTML")}


@dataclass
class ReportFile:
    name: str
    content: bytes
    content_type: str


def file_name(report: WeeklyReport, fmt: str, *, sector: str = "") -> str:
    parts = ["weekly-report", report.operation.slug, f"round-{report.round.number}"]
    if sector:
        parts.append(sector.replace("_", "-"))
    parts.append(report.language)
    return "-".join(parts) + "." + FORMATS[fmt][1]


def render_file(report: WeeklyReport, fmt: str, *, sector: str = "") -> ReportFile:
    """One format of the report. Raises KeyError for an unknown format."""
    content_type = FORMATS[fmt][0]
    if fmt == "pdf":
        from sitetrack.reports.renderers.pdf import render_pdf

        content = render_pdf(report, sector=sector)
    elif fmt == "xlsx":
        from sitetrack.reports.renderers.xlsx import render_xlsx

        content = render_xlsx(report, sector=sector)
    elif fmt == "hxl":
        from sitetrack.reports.renderers.hxl import render_hxl

        content = render_hxl(report)
    else:
        from sitetrack.reports.renderers.html import render_document

        content = render_document(report, sector=sector).encode("utf-8")
    # The HXL CSV is always the whole site table, whoever it is for.
    return ReportFile(file_name(report, fmt, sector="" if fmt == "hxl" else sector), content, content_type)
