"""Gap analysis: for each site and sector, need against coverage.

Need comes from the Weekly Site Needs Report of the round (`reports.selectors.weekly_report`:
each site's latest validated assessment — this round's, or the last one before it for
sites not assessed this round — with its sector severities and the thresholds it misses).
This module does not recompute those rules; it reads them.

Coverage is ours: the organisations with an ongoing activity at the site in the sector
during the round, and the people they reached in the month the round ends in, against the
site's population.

A cell is
    gap            severe need (or a missed threshold) and no partner
    under_covered  need, partners present, but fewer than COVERAGE_TARGET of the people reached
    covered        need, partners present, and reached at least COVERAGE_TARGET
                   (or no reached figures yet: partners present)
    over_served    no severe need, and OVER_SERVED or more partners
    ""             nothing to say
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from sitetrack.assessments.severity import is_severe
from sitetrack.core.access import site_scope_q, visible_sites
from sitetrack.reports.selectors import SiteRow, severe_need_default, weekly_report
from sitetrack.response.models import Activity, ActivityReport, ActivityStatus
from sitetrack.response.versions import cached

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sitetrack.assessments.models import Round

# Share of a site's people reached above which a sector's need counts as covered.
COVERAGE_TARGET = 0.5
# Partners in one sector on one site from which, without severe need, it is over-served.
OVER_SERVED = 3

GAP, UNDER, COVERED, OVER, NONE = "gap", "under_covered", "covered", "over_served", ""
STATUS_LABELS = {
    GAP: _("Need, no partner"),
    UNDER: _("Need, under-covered"),
    COVERED: _("Need, covered"),
    OVER: _("Over-served"),
    NONE: "",
}


@dataclass
class GapCell:
    sector: str
    severity: int | None
    gap_count: int  # thresholds of the sector the site misses
    partners: int
    activities: int
    reached: int
    coverage: float | None  # reached / population
    status: str

    @property
    def needs(self) -> bool:
        return self.status in (GAP, UNDER, COVERED)


@dataclass
class GapRow:
    code: str
    name: str
    admin1_pcode: str
    admin2_pcode: str
    population: int | None
    assessed: bool
    cells: list[GapCell]


@dataclass
class GapMatrix:
    round: Round
    sectors: list  # reports.selectors.SectorInfo
    rows: list[GapRow]
    totals: dict[str, dict[str, int]] = field(default_factory=dict)  # sector → status → sites
    severe_from: int = 4


def _classify(*, severe: bool, gap_count: int, partners: int, coverage: float | None) -> str:
    needs = severe or gap_count > 0
    if needs and partners == 0:
        return GAP
    if needs:
        return UNDER if coverage is not None and coverage < COVERAGE_TARGET else COVERED
    if partners >= OVER_SERVED:
        return OVER
    return NONE


def coverage_by_site_sector(round: Round) -> tuple[dict, dict]:
    """(site code, sector) → (partners, activities), and → people reached in the month
    the round ends in; site-level activities ongoing during the round. Two queries."""
    ongoing = (
        Activity.objects.for_operation(round.operation)
        .filter(status=ActivityStatus.ONGOING, site__isnull=False)
        .during(round.period_start, round.period_end)
    )
    presence = {
        (row["site__code"], row["sector"]): (row["partners"], row["activities"])
        for row in ongoing.values("site__code", "sector").annotate(
            partners=Count("organisation", distinct=True), activities=Count("pk")
        )
    }
    month = round.period_end.replace(day=1)
    reached = {
        (row["activity__site__code"], row["activity__sector"]): row["reached"] or 0
        for row in ActivityReport.objects.filter(activity__in=ongoing, period__month=month)
        .values("activity__site__code", "activity__sector")
        .annotate(reached=Sum("reached"))
    }
    return presence, reached


def _row(site: SiteRow, sectors, presence, reached, severe_from: int) -> GapRow:
    population = site.individuals
    gap_counts: dict[str, int] = {}
    for gap in site.gaps:
        gap_counts[gap.sector] = gap_counts.get(gap.sector, 0) + 1
    cells = []
    for sector in sectors:
        key = (site.code, sector.code)
        partners, activities = presence.get(key, (0, 0))
        people = reached.get(key, 0)
        coverage = (people / population) if (population and key in reached) else None
        severity = site.severities.get(sector.code)
        cells.append(
            GapCell(
                sector=sector.code,
                severity=severity,
                gap_count=gap_counts.get(sector.code, 0),
                partners=partners,
                activities=activities,
                reached=people,
                coverage=coverage,
                status=_classify(
                    severe=is_severe(severity, severe_from),
                    gap_count=gap_counts.get(sector.code, 0),
                    partners=partners,
                    coverage=coverage,
                ),
            )
        )
    return GapRow(
        code=site.code,
        name=site.name,
        admin1_pcode=site.admin1_pcode,
        admin2_pcode=site.admin2_pcode,
        population=population,
        assessed=site.assessed,
        cells=cells,
    )


def gap_matrix(
    round: Round,
    *,
    user: AbstractBaseUser | None = None,
    language: str = "en",
    severe_from: int | None = None,
) -> GapMatrix:
    """Sites × sectors for a weekly round: every open site with validated figures (this
    round's or its last ones), limited to the user's scope when a user is given. The
    operation-wide matrix is cached at the data version (`response.versions`); the scope
    is applied after (users who see the whole operation get the cached matrix itself)."""
    severe_from = severe_from or severe_need_default()
    matrix = cached(
        "gaps",
        (round.pk, language, severe_from),
        lambda: _compute(round, language=language, severe_from=severe_from),
        shared=True,
    )
    if user is None:
        return matrix
    scope = site_scope_q(user, round.operation)
    if scope is None:
        return matrix
    allowed = set(visible_sites(user, round.operation).values_list("code", flat=True))
    rows = [r for r in matrix.rows if r.code in allowed]
    return GapMatrix(
        round=round,
        sectors=matrix.sectors,
        rows=rows,
        totals=gap_totals(matrix.sectors, rows),
        severe_from=severe_from,
    )


def gap_totals(sectors, rows: list[GapRow]) -> dict[str, dict[str, int]]:
    """Sites per sector and gap status among `rows` (the matrix's totals, and the dashboard's)."""
    totals = {s.code: {GAP: 0, UNDER: 0, COVERED: 0, OVER: 0} for s in sectors}
    for row in rows:
        for cell in row.cells:
            if cell.status:
                totals[cell.sector][cell.status] += 1
    return totals


def _compute(round: Round, *, language: str, severe_from: int) -> GapMatrix:
    report = weekly_report(round, language=language, severe_from=severe_from)
    presence, reached = coverage_by_site_sector(round)
    site_rows = [*report.sites, *(r for r in report.not_assessed if r.source_round_number is not None)]
    rows = [_row(s, report.sectors, presence, reached, severe_from) for s in site_rows]
    rows.sort(key=lambda r: r.code)
    return GapMatrix(
        round=round,
        sectors=report.sectors,
        rows=rows,
        totals=gap_totals(report.sectors, rows),
        severe_from=severe_from,
    )
