"""The weekly report as an HXL-tagged CSV: one row per open site, a header row in the
report's language, then the hashtag row (the same in every language).

The hashtags follow the HXL dictionary and what DTM and OCHA publish on HDX (see
docs/reports.md): the internally displaced people and households a round counts are
`#affected+idps+ind` and `#affected+idps+hh`; every row carries `#country+code`,
`#country+name`, `#adm1+code` and `#adm2+code`, so a pipeline can sum
`#affected+idps+ind` by `#adm1+code` as it does on DTM's files.

Sites not assessed this round are listed with their last known figures, marked in
`#status+figures` ("assessed", "last_known" or "never_assessed"). Those figures sit in
their own columns under `#population` (`+x_lastknown`), which no `#affected` pattern
matches: a plain sum of `#affected+idps+ind` counts each site once, from this round.
Arrivals, departures and the change since the previous round are `#indicator` columns
for the same reason (libhxl reads a pattern from the first non-empty column it matches).

No byte-order mark: libhxl (and most CSV readers of pipelines) would read it into the
first header. Text that a spreadsheet would run as a formula is written as text.
"""

from __future__ import annotations

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _

from sitetrack.reports.selectors import SiteRow, WeeklyReport

# A cell starting with one of these is a formula (or DDE command) in Excel, LibreOffice
# and Google Sheets; OWASP's advice for CSV files: prefix such text with a quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_text(value: str) -> str:
    """Text a spreadsheet will show as text, never run (`=HYPERLINK(...)`, `+cmd|...`)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def columns(report: WeeklyReport) -> list[tuple[str, str]]:
    cols = [
        (_("Country P-code"), "#country+code"),
        (_("Country"), "#country+name"),
        (_("Admin 1 P-code"), "#adm1+code"),
        (_("Admin 1"), "#adm1+name"),
        (_("Admin 2 P-code"), "#adm2+code"),
        (_("Admin 2"), "#adm2+name"),
        (_("Site code"), "#loc+code"),
        (_("Site"), "#loc+name"),
        (_("Figures"), "#status+figures"),
        (_("Round of the figures"), "#meta+round"),
        (_("Round ended"), "#date+reported"),
        (_("People (this round)"), "#affected+idps+ind"),
        (_("Households (this round)"), "#affected+idps+hh"),
        (_("People (last known, not this round)"), "#population+idps+ind+x_lastknown"),
        (_("Households (last known, not this round)"), "#population+idps+hh+x_lastknown"),
        (_("Change in people since the previous round"), "#indicator+num+x_change_ind"),
        (_("Arrivals"), "#indicator+num+x_arrivals_ind"),
        (_("Departures"), "#indicator+num+x_departures_ind"),
    ]
    cols += [
        (_("Severity: %(sector)s") % {"sector": s.label}, f"#severity+num+{s.hxl}") for s in report.sectors
    ]
    cols += [
        (_("Priority 1"), "#sector+priority+first"),
        (_("Priority 2"), "#sector+priority+second"),
        (_("Priority 3"), "#sector+priority+third"),
        (_("Thresholds missed"), "#indicator+num+x_gaps"),
        (_("Management agency"), "#org+impl"),
    ]
    return cols


def _values(report: WeeklyReport, row: SiteRow, country: tuple[str, str]) -> list:
    priorities = row.priorities + [""] * (3 - len(row.priorities))
    if row.assessed:
        status, round_number, ended = "assessed", report.round.number, report.round.period_end
        people = [row.individuals, row.households, None, None]
        flows = [row.change_individuals, row.arrivals, row.departures]
    else:
        status = "last_known" if row.source_round_number else "never_assessed"
        round_number, ended = row.source_round_number, row.source_round_end
        people = [None, None, row.individuals, row.households]
        flows = [None, None, None]
    values = [
        *country,
        row.admin1_pcode,
        row.admin1_name,
        row.admin2_pcode,
        row.admin2_name,
        row.code,
        row.name,
        status,
        round_number,
        ended.isoformat() if ended else "",
        *people,
        *flows,
        *[row.severities[s.code] for s in report.sectors],
        *priorities,
        row.critical_gap_count,
        row.partners,
    ]
    return ["" if v is None else safe_text(v) if isinstance(v, str) else v for v in values]


def render_hxl(report: WeeklyReport) -> bytes:
    with translation.override(report.language):
        cols = columns(report)
        area = report.operation.country
        french = report.language.startswith("fr")
        country = (area.pcode, (area.name_fr if french and area.name_fr else area.name_en))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([safe_text(c[0]) for c in cols])
        writer.writerow([c[1] for c in cols])
        for row in report.sites:
            writer.writerow(_values(report, row, country))
        for row in report.not_assessed:
            writer.writerow(_values(report, row, country))
        return out.getvalue().encode("utf-8")
