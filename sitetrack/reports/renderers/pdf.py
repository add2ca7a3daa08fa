"""The weekly report as PDF (WeasyPrint): A4 landscape, readable printed in black and white.

The PDF is built for printing at national scale (thousands of sites):
- the long tables are fixed-pitch listings (renderers/listing.py): one table cell per row
  instead of twenty, which is what makes WeasyPrint fast enough;
- every site is in the site table; the per-sector gap lists print the sites with the most
  critical gaps first, at most `GAP_SITES` of them (`SECTOR_GAP_SITES` in a sector's own
  edition), with a note that the others are in the XLSX workbook and on the web page;
- severe needs are bold between brackets and critical sites carry ⚠ and a black rule:
  no colour and no background pattern is needed to read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from weasyprint import HTML

from sitetrack.reports.formatting import decimal, number, signed
from sitetrack.reports.renderers.html import report_context
from sitetrack.reports.renderers.listing import Bold, Column, Listing
from sitetrack.reports.selectors import SectorGapList, SiteRow, WeeklyReport

# Sites printed per sector gap list: in the whole report, and in a sector's own edition.
GAP_SITES = 50
SECTOR_GAP_SITES = 200

# Listings: font size, cell padding and the critical rule (mm); the characters that fit
# across A4 landscape minus the page margins (10 mm each side).
LISTING_PT = 7
LISTING_PAD_MM = 1.2
LISTING_RULE_MM = 0.9
MONO_ADVANCE_EM = 0.6021  # DejaVu Sans Mono: every glyph is 1233/2048 em wide
TEXT_WIDTH_MM = 297 - 2 * 10 - LISTING_PAD_MM
LINE_CHARS = int(TEXT_WIDTH_MM / (LISTING_PT * MONO_ADVANCE_EM * 25.4 / 72)) - 1

# Rows per listing table (each repeats its header on the pages it runs across): WeasyPrint
# lays out a table that breaks across pages in time growing with its length, so short
# tables keep the PDF linear in the number of sites.
CHUNK = 200


def _severity(value: int | None, severe: bool) -> str:
    if value is None:
        return "–"
    return Bold(f"[{value}]") if severe else str(value)


def site_listing(report: WeeklyReport) -> str:
    short = {s.code: s.short for s in report.sectors}
    columns = [
        Column("", most=1, space=0),
        Column(_("Code"), most=16),
        Column(_("Site"), flex=True, least=14, space=2),
        Column(_("Admin 2"), most=18, least=8, space=2),
        Column(_("People"), ">", space=2),
        Column(_("HH"), ">", space=2),
        Column(_("Change"), ">", space=2),
        Column(_("Arr."), ">", space=2),
        Column(_("Dep."), ">", space=2),
        *[Column(s.short, "^", least=3, space=2 if i == 0 else 1) for i, s in enumerate(report.sectors)],
        Column(_("Priorities 1-2-3"), most=15, least=5, space=2),
        Column(_("Thresholds missed"), most=16, least=6),
    ]
    rows = []
    for row in report.sites:
        critical = row.has_critical_gap
        rows.append(
            (
                "crit" if critical else "",
                [
                    Bold("⚠") if critical else "",
                    Bold(row.code) if critical else row.code,
                    row.name,
                    row.admin2_name,
                    number(row.individuals),
                    number(row.households),
                    signed(row.change_individuals),
                    number(row.arrivals),
                    number(row.departures),
                    *[_severity(row.severities[s.code], row.severe[s.code]) for s in report.sectors],
                    " ".join(short.get(p, p) for p in row.priorities),
                    f"{row.critical_gap_count} " + " ".join(short.get(c, c) for c in row.gap_sectors)
                    if row.gaps
                    else "",
                ],
            )
        )
    listing = Listing(columns, [cells for _cls, cells in rows], line_chars=LINE_CHARS)
    return listing.table([(cls, listing.row(cells)) for cls, cells in rows], css="sites", chunk=CHUNK)


def _source(row: SiteRow) -> str:
    if not row.source_round_number:
        return _("never assessed")
    from django.utils.formats import date_format

    return _("round %(number)s (ended %(end)s)") % {
        "number": row.source_round_number,
        "end": date_format(row.source_round_end, "j M Y"),
    }


def missing_listing(report: WeeklyReport) -> str:
    short = {s.code: s.short for s in report.sectors}
    columns = [
        Column(_("Code"), most=16),
        Column(_("Site"), flex=True, least=14),
        Column(_("Admin 2"), most=18, least=8, space=2),
        Column(_("People (last known)"), ">", space=2),
        Column(_("HH (last known)"), ">", space=2),
        Column(_("From round"), most=30, least=12, space=2),
        Column(_("Severe needs then"), most=40, least=10),
    ]
    rows = [
        [
            row.code,
            row.name,
            row.admin2_name,
            number(row.individuals),
            number(row.households),
            _source(row),
            " ".join(short.get(c, c) for c in row.severe_sectors),
        ]
        for row in report.not_assessed
    ]
    listing = Listing(columns, rows, line_chars=LINE_CHARS)
    return listing.table([("lk", listing.row(cells)) for cells in rows], css="missing", chunk=CHUNK)


@dataclass
class GapListing:
    list: SectorGapList
    heading: str
    html: str
    shown: int
    more: int
    more_text: str


def gap_listing(report: WeeklyReport, gaps: SectorGapList, limit: int) -> GapListing:
    ranked = gaps.ranked()
    shown = ranked[:limit] if limit else ranked
    columns = [
        Column("#", ">"),
        Column(_("Code"), most=16),
        Column(_("Site"), flex=True, least=14),
        Column(_("Admin 2"), most=18, least=8, space=2),
        Column(_("People"), ">", space=2),
        Column(_("Severity"), "^", space=2),
        Column(_("Indicator"), most=46, least=16, space=2),
        Column(_("Value"), ">", space=2),
        Column(_("Threshold"), ">", space=2),
        Column(_("Gap"), ">", space=2),
        Column(_("Partners present"), most=20, least=8, space=2),
    ]
    blocks = []
    for rank, g in enumerate(shown, start=1):
        site = [
            str(rank),
            g.site.code,
            g.site.name,
            g.site.admin2_name,
            number(g.site.individuals),
            _severity(g.severity, g.severe),
        ]
        lines = [
            [
                gap.label,
                Bold(decimal(gap.value)),
                f"{'≥' if gap.direction == 'min' else '≤'} {decimal(gap.threshold)}",
                decimal(gap.gap),
            ]
            for gap in g.gaps
        ] or [[_("severe need"), "–", "–", "–"]]
        parts = [site + lines[0] + [g.site.partners or "–"]]
        parts += [[""] * len(site) + line + [""] for line in lines[1:]]
        blocks.append(("", parts))
    listing = Listing(columns, [p for _cls, parts in blocks for p in parts], line_chars=LINE_CHARS)
    html = listing.table([(cls, listing.block(parts)) for cls, parts in blocks], css="gaps", chunk=CHUNK)
    heading = ngettext(
        "%(sites)s site, %(people)s people", "%(sites)s sites, %(people)s people", gaps.sites
    ) % {"sites": number(gaps.sites), "people": number(gaps.people)}
    more = len(ranked) - len(shown)
    return GapListing(gaps, heading, mark_safe(html) if shown else "", len(shown), more, number(more))


def pdf_context(report: WeeklyReport, *, sector: str = "") -> dict:
    context = report_context(report, sector=sector)
    limit = SECTOR_GAP_SITES if sector else GAP_SITES
    context |= {
        # As text: the template would localise numbers ("1,2mm" in French).
        "listing_pt": f"{LISTING_PT}",
        "listing_pad_mm": f"{LISTING_PAD_MM}",
        "listing_rule_mm": f"{LISTING_RULE_MM}",
        "listing_rule_pad_mm": f"{LISTING_PAD_MM - LISTING_RULE_MM:.2f}",
        "gap_listings": [gap_listing(report, g, limit) for g, _chunks in context["gap_lists"]],
    }
    if context["show_sites"]:
        context["site_listing"] = mark_safe(site_listing(report))
        context["missing_listing"] = mark_safe(missing_listing(report))
    return context


def render_pdf_html(report: WeeklyReport, *, sector: str = "") -> str:
    """The HTML WeasyPrint prints (not the HTML download, which keeps every row)."""
    with translation.override(report.language):
        return render_to_string("reports/weekly_pdf.html", pdf_context(report, sector=sector))


def render_pdf_document(report: WeeklyReport, *, sector: str = ""):
    """The laid-out document (pages and boxes), for tests that check the layout."""
    return HTML(string=render_pdf_html(report, sector=sector)).render()


def render_pdf(report: WeeklyReport, *, sector: str = "") -> bytes:
    return render_pdf_document(report, sector=sector).write_pdf()
