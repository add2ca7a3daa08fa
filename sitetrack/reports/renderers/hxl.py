"""The weekly report as an HXL-tagged CSV: one row per open site, a header row in the
report's language, then the hashtag row (the same in every language).

Sites not assessed this round carry their last known figures, marked in the
#status+figures column ("assessed" or "last_known") with the round they come from.
"""

from __future__ import annotations

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _

from sitetrack.reports.selectors import SiteRow, WeeklyReport


def columns(report: WeeklyReport) -> list[tuple[str, str]]:
    cols = [
        (_("Site code"), "#loc+code"),
        (_("Site"), "#loc+name"),
        (_("Admin 1 P-code"), "#adm1+code"),
        (_("Admin 1"), "#adm1+name"),
        (_("Admin 2 P-code"), "#adm2+code"),
        (_("Admin 2"), "#adm2+name"),
        (_("Figures"), "#status+figures"),
        (_("Round of the figures"), "#meta+round"),
        (_("Round ended"), "#date+reported"),
        (_("People"), "#population+idps+ind"),
        (_("Households"), "#population+idps+hh"),
        (_("Change in people"), "#population+idps+ind+change"),
        (_("Arrivals"), "#population+idps+ind+arrivals"),
        (_("Departures"), "#population+idps+ind+departures"),
    ]
    cols += [(_("Severity: %(sector)s") % {"sector": s.label}, f"#severity+{s.hxl}") for s in report.sectors]
    cols += [
        (_("Priority 1"), "#sector+priority+first"),
        (_("Priority 2"), "#sector+priority+second"),
        (_("Priority 3"), "#sector+priority+third"),
        (_("Thresholds missed"), "#indicator+gaps+num"),
        (_("Partners present"), "#org+partners"),
    ]
    return cols


def _values(report: WeeklyReport, row: SiteRow) -> list:
    priorities = row.priorities + [""] * (3 - len(row.priorities))
    if row.assessed:
        status, round_number, ended = "assessed", report.round.number, report.round.period_end
    else:
        status = "last_known" if row.source_round_number else "never_assessed"
        round_number, ended = row.source_round_number, row.source_round_end
    values = [
        row.code,
        row.name,
        row.admin1_pcode,
        row.admin1_name,
        row.admin2_pcode,
        row.admin2_name,
        status,
        round_number,
        ended.isoformat() if ended else "",
        row.individuals,
        row.households,
        row.change_individuals if row.assessed else None,
        row.arrivals,
        row.departures,
        *[row.severities[s.code] for s in report.sectors],
        *priorities,
        row.critical_gap_count,
        row.partners,
    ]
    return ["" if v is None else v for v in values]


def render_hxl(report: WeeklyReport) -> bytes:
    with translation.override(report.language):
        cols = columns(report)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c[0] for c in cols])
        writer.writerow([c[1] for c in cols])
        for row in report.sites:
            writer.writerow(_values(report, row))
        for row in report.not_assessed:
            writer.writerow(_values(report, row))
        # UTF-8 with a byte-order mark so that spreadsheet programs read accents right.
        return ("\ufeff" + out.getvalue()).encode("utf-8")
