"""The weekly report as PDF (WeasyPrint): A4 landscape, black-and-white safe."""

from __future__ import annotations

from weasyprint import HTML

from sitetrack.reports.renderers.html import render_document
from sitetrack.reports.selectors import WeeklyReport


def render_pdf_document(report: WeeklyReport, *, sector: str = ""):
    """The laid-out document (pages and boxes), for tests that check the layout."""
    return HTML(string=render_document(report, sector=sector)).render()


def render_pdf(report: WeeklyReport, *, sector: str = "") -> bytes:
    return render_pdf_document(report, sector=sector).write_pdf()
