"""The report as PDF (WeasyPrint), A4 portrait, from the same body as the web page."""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML

from sitetrack.returns.renderers.charts import report_charts
from sitetrack.returns.report import ReturnReport


def print_html(report: ReturnReport) -> str:
    return render_to_string("returns/report_pdf.html", {"report": report, "charts": report_charts(report)})


def render_pdf(report: ReturnReport) -> bytes:
    return HTML(string=print_html(report)).write_pdf()
