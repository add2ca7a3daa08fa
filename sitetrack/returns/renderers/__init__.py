"""The report's files: PDF, XLSX, HXL CSV and the print HTML, from a ReturnReport (whose
cells are already suppressed)."""

from __future__ import annotations

from django.utils import translation

from sitetrack.returns.report import ReturnReport


def filename(report: ReturnReport, ext: str) -> str:
    return f"return-intentions-{report.survey.operation.slug}-{report.survey.key}-{report.language}.{ext}"


def render_file(report: ReturnReport, fmt: str) -> tuple[str, bytes]:
    with translation.override(report.language):
        if fmt == "pdf":
            from sitetrack.returns.renderers.pdf import render_pdf

            return filename(report, "pdf"), render_pdf(report)
        if fmt == "xlsx":
            from sitetrack.returns.renderers.xlsx import render_xlsx

            return filename(report, "xlsx"), render_xlsx(report)
        if fmt == "hxl":
            from sitetrack.returns.renderers.hxl import render_hxl

            return filename(report, "csv"), render_hxl(report)
        if fmt == "html":
            from sitetrack.returns.renderers.pdf import print_html

            return filename(report, "html"), print_html(report).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}")
