"""The monthly report as a web page and as a PDF (WeasyPrint, A4 portrait): one context
and one body template for both, charts as SVG."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sitetrack.monthly import charts
from sitetrack.monthly.types import MonthlyReport

# Rows of the admin area tables printed in the PDF, largest first (the web page shows them all).
PDF_ADMIN1_ROWS = 25
PDF_ADMIN2_ROWS = 40
PDF_ORGANISATION_ROWS = 30


def file_name(report: MonthlyReport) -> str:
    return f"monthly-report-{report.operation.slug}-{report.month_key}-{report.language}.pdf"


def report_context(report: MonthlyReport, *, for_pdf: bool = False) -> dict:
    """What the templates need: the report, its charts (SVG) and its labels."""
    with translation.override(report.language):
        trend_svg = charts.trend_chart_svg(
            charts.month_labels([p.month for p in report.trend]),
            [p.figures.individuals for p in report.trend],
            [p.panel_individuals for p in report.trend],
            report.panel_sites,
        )
        map_svg = charts.population_map_svg(report.operation, report.map_sites)
        month_label = date_format(report.month, "F Y")
        round_label = _("Weekly round %(number)s · %(start)s – %(end)s") % {
            "number": report.round.number,
            "start": date_format(report.round.period_start, "j M Y"),
            "end": date_format(report.round.period_end, "j M Y"),
        }
        previous_label = date_format(report.previous_month, "F Y") if report.previous_month else ""
        title = _("Monthly DTM report — %(month)s") % {"month": month_label}
        footer = _("SiteTrack · Monthly DTM report · generated %(when)s") % {
            "when": date_format(report.generated_at, "j M Y H:i")
        }
    admin1 = report.by_admin1[:PDF_ADMIN1_ROWS] if for_pdf else report.by_admin1
    admin2 = report.by_admin2[:PDF_ADMIN2_ROWS] if for_pdf else report.by_admin2
    organisations = report.by_organisation[:PDF_ORGANISATION_ROWS] if for_pdf else report.by_organisation
    return {
        "report": report,
        "title": title,
        "month_label": month_label,
        "previous_label": previous_label,
        "round_label": round_label,
        "footer_label": footer,
        "page_label": _("Page"),
        "trend_svg": trend_svg,
        "map_svg": map_svg,
        "trend_uri": charts.svg_data_uri(trend_svg),
        "map_uri": charts.svg_data_uri(map_svg),
        "admin1_rows": admin1,
        "admin1_more": len(report.by_admin1) - len(admin1),
        "admin2_rows": admin2,
        "admin2_more": len(report.by_admin2) - len(admin2),
        "organisation_rows": organisations,
        "organisations_more": len(report.by_organisation) - len(organisations),
        "for_pdf": for_pdf,
    }


def render_html_document(report: MonthlyReport) -> str:
    with translation.override(report.language):
        return render_to_string("monthly/pdf.html", report_context(report, for_pdf=True))


def render_pdf(report: MonthlyReport) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html_document(report)).write_pdf()
