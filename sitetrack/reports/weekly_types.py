"""The weekly report's records: what its selectors return to the page, the PDF, the XLSX
and the HXL (split from selectors.py, which computes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import translation

from sitetrack.assessments.models import Round
from sitetrack.core.models import Operation
from sitetrack.reports import indicators as ind


@dataclass(frozen=True)
class SectorInfo:
    code: str
    label: str
    short: str
    hxl: str


@dataclass
class IndicatorGap:
    """One service indicator that misses its threshold on one site."""

    code: str
    label: str
    sector: str
    unit: str
    value: float | None
    threshold: float
    direction: str  # "min" (at least) or "max" (at most)
    threshold_text: str
    gap: float | None  # how far from the threshold, always positive when missed


@dataclass
class SiteRow:
    code: str
    name: str
    admin1_pcode: str
    admin1_name: str
    admin2_pcode: str
    admin2_name: str
    individuals: int | None
    households: int | None
    arrivals: int | None
    departures: int | None
    previous_individuals: int | None
    change_individuals: int | None
    severities: dict[str, int | None]
    severe: dict[str, bool]  # per sector: is its need severe (`severe_need`)
    priorities: list[str]
    gaps: list[IndicatorGap]
    critical_gap_count: int
    severe_sectors: list[str]
    partners: str
    assessed: bool = True
    # For sites not assessed this round: the round their last validated figures come from.
    source_round_number: int | None = None
    source_round_kind: str = ""
    source_round_end: date | None = None

    @property
    def has_critical_gap(self) -> bool:
        return self.critical_gap_count > 0

    @property
    def gap_sectors(self) -> list[str]:
        """The sectors whose thresholds this site misses, in catalogue order."""
        return list(dict.fromkeys(g.sector for g in self.gaps))


@dataclass
class SectorGapRow:
    site: SiteRow
    severity: int | None
    severe: bool
    gap: IndicatorGap | None


@dataclass
class SectorGapSite:
    """One site of a sector's gap list with all the sector's thresholds it misses."""

    site: SiteRow
    severity: int | None
    severe: bool
    gaps: list[IndicatorGap]


@dataclass
class SectorGapList:
    sector: SectorInfo
    sites: int
    people: int
    rows: list[SectorGapRow]
    indicators: list[ind.IndicatorColumn]

    def by_site(self) -> list[SectorGapSite]:
        """The rows grouped by site, in list order (site code)."""
        groups: dict[str, SectorGapSite] = {}
        for r in self.rows:
            group = groups.get(r.site.code)
            if group is None:
                group = groups[r.site.code] = SectorGapSite(r.site, r.severity, r.severe, [])
            if r.gap is not None:
                group.gaps.append(r.gap)
        return list(groups.values())

    def ranked(self) -> list[SectorGapSite]:
        """Sites with the most critical gaps first: the most thresholds missed, then the
        highest severity, then the most people; site code last, so the order is stable."""
        return sorted(
            self.by_site(),
            key=lambda g: (-len(g.gaps), -(g.severity or 0), -(g.site.individuals or 0), g.site.code),
        )


@dataclass
class PriorityRank:
    sector: SectorInfo
    first: int
    second: int
    third: int
    sites: int
    score: int


@dataclass
class KeyFigures:
    """The headline figures. Totals count the validated assessments of the round's open
    sites; `open_sites` says how many sites there were to assess (coverage). The change
    since the previous round compares like with like: only the `compared_sites` validated
    in both rounds, never a total of 14 sites with one of 40."""

    sites_assessed: int
    open_sites: int
    individuals: int
    households: int
    arrivals: int
    departures: int
    previous_sites_assessed: int | None
    previous_open_sites: int | None
    previous_individuals: int | None
    previous_households: int | None
    compared_sites: int | None
    change_individuals: int | None
    change_households: int | None
    sites_not_assessed: int
    individuals_not_assessed_last_known: int
    sites_with_critical_gaps: int

    @property
    def coverage_percent(self) -> int | None:
        """Sites assessed out of the open sites, in whole percent (rounded down, so a
        round with one site missing never reads 100 %)."""
        return self.sites_assessed * 100 // self.open_sites if self.open_sites else None

    @property
    def previous_coverage_percent(self) -> int | None:
        if not self.previous_open_sites or self.previous_sites_assessed is None:
            return None
        return self.previous_sites_assessed * 100 // self.previous_open_sites


@dataclass
class WeeklyReport:
    operation: Operation
    round: Round
    previous_round: Round | None
    language: str
    generated_at: datetime
    severe_from: int
    key_figures: KeyFigures
    sectors: list[SectorInfo]
    indicators: list[ind.IndicatorColumn]
    sites: list[SiteRow]
    not_assessed: list[SiteRow]
    priorities: list[PriorityRank]
    sector_gaps: list[SectorGapList]

    def gaps_for(self, sector: str) -> SectorGapList:
        return next(g for g in self.sector_gaps if g.sector.code == sector)

    @property
    def title(self) -> str:
        with translation.override(self.language):
            from django.utils.translation import gettext

            return gettext("Weekly Site Needs Report — round %(number)s") % {"number": self.round.number}


# Short sector names for narrow table columns and sheet names (legend shows full names).
