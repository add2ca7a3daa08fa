"""The weekly report as HTML: the context every HTML-based format shares, and the
standalone document (the HTML download: every row of every list; the PDF has its own
print layout, see renderers/pdf.py)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sitetrack.reports.charts import png_data_uri, priority_chart_png
from sitetrack.reports.selectors import WeeklyReport


def chunks(rows: list, size: int | None) -> list[list]:
    if not size:
        return [rows]
    return [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]


def report_context(
    report: WeeklyReport, *, sector: str = "", chart: bool = True, chunk: int | None = None
) -> dict:
    """What the templates need. With a sector, only that sector's gap list is shown
    (a sector subscriber's summary) and the site tables are left out."""
    gap_lists = [g for g in report.sector_gaps if not sector or g.sector.code == sector]
    sector_label = next((s.label for s in report.sectors if s.code == sector), "")
    round_label = _("Round %(number)s · %(start)s – %(end)s") % {
        "number": report.round.number,
        "start": date_format(report.round.period_start, "j M Y"),
        "end": date_format(report.round.period_end, "j M Y"),
    }
    return {
        "report": report,
        "gap_lists": [(g, chunks(g.rows, chunk)) for g in gap_lists],
        "site_chunks": chunks(report.sites, chunk),
        "missing_chunks": chunks(report.not_assessed, chunk),
        "sector": sector,
        "sector_label": sector_label,
        "show_sites": not sector,
        "short": {s.code: s.short for s in report.sectors},
        "chart_uri": png_data_uri(priority_chart_png(report.priorities)) if chart else "",
        "round_label": round_label,
        "page_label": _("Page"),
        "footer_label": _("SiteTrack · Weekly Site Needs Report · generated %(when)s")
        % {"when": date_format(report.generated_at, "j M Y H:i")},
    }


def render_document(report: WeeklyReport, *, sector: str = "") -> str:
    with translation.override(report.language):
        return render_to_string("reports/weekly_document.html", report_context(report, sector=sector))
