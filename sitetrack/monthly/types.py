"""The monthly DTM report's records: what `selectors.monthly_report` returns to the web
page, the PDF and the command (split from selectors.py, which computes them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sitetrack.assessments.models import Round
from sitetrack.core.models import Operation
from sitetrack.reports.weekly_types import SectorInfo


def percent(part: int | None, whole: int | None) -> int | None:
    """Whole percent rounded down, as the weekly report's coverage (a round with one site
    missing never reads 100 %)."""
    if not whole or part is None:
        return None
    return part * 100 // whole


@dataclass
class Figures:
    """Totals of one reporting round (optionally of one group of sites: an admin area, a
    site type) with their coverage, and the change since the previous month's round over
    the sites validated in both (like with like)."""

    key: str
    label: str
    sites_assessed: int
    open_sites: int
    individuals: int
    households: int
    previous_sites_assessed: int | None = None
    previous_open_sites: int | None = None
    previous_individuals: int | None = None
    compared_sites: int | None = None
    change_individuals: int | None = None
    arrivals: int | None = None
    departures: int | None = None

    @property
    def coverage_percent(self) -> int | None:
        return percent(self.sites_assessed, self.open_sites)

    @property
    def previous_coverage_percent(self) -> int | None:
        return percent(self.previous_sites_assessed, self.previous_open_sites)


@dataclass
class MonthPoint:
    """One month of the trend: its reporting round's totals and coverage, the change from
    the month before over the sites validated in both, and the population of the panel
    (the sites validated in every month of the trend)."""

    month: date
    round: Round
    figures: Figures
    panel_individuals: int


@dataclass
class RoundFlows:
    """Arrivals and departures reported in one weekly round of the month."""

    round: Round
    sites_assessed: int
    open_sites: int
    arrivals: int
    departures: int

    @property
    def coverage_percent(self) -> int | None:
        return percent(self.sites_assessed, self.open_sites)


@dataclass
class SiteEvent:
    """A site opened or closed (merged, relocated) in the month."""

    code: str
    name: str
    date: date | None
    status: str
    status_label: str


@dataclass
class PriorityShift:
    """A sector's place in the ranking of priority needs this month and the month before
    (rank 1 = most named; `moved` > 0 when it climbed)."""

    sector: SectorInfo
    rank: int
    score: int
    sites: int
    first: int
    previous_rank: int | None
    previous_score: int | None

    @property
    def moved(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank


@dataclass
class ReturnHeadline:
    """What the return intentions app says about the month, rendered as it comes."""

    title: str
    rows: list[tuple[str, str]]


@dataclass
class MapSite:
    code: str
    name: str
    latitude: float
    longitude: float
    individuals: int


@dataclass
class MonthlyReport:
    operation: Operation
    month: date
    round: Round
    previous_month: date | None
    previous_round: Round | None
    language: str
    generated_at: datetime
    key: Figures
    trend: list[MonthPoint]
    panel_sites: int
    by_admin1: list[Figures]
    by_admin2: list[Figures]
    by_site_type: list[Figures]
    opened: list[SiteEvent]
    closed: list[SiteEvent]
    flows: list[RoundFlows]
    priorities: list[PriorityShift]
    by_sector: list[dict[str, Any]]
    by_organisation: list[dict[str, Any]]
    returns: ReturnHeadline | None
    map_sites: list[MapSite] = field(default_factory=list)
    # response.strategy.strategy_progress for the month: objectives with their indicators.
    strategy: list[dict[str, Any]] = field(default_factory=list)
    # response.infrastructure.work_order_stats, overdue counted at `work_orders_on`.
    work_orders: dict[str, Any] = field(default_factory=dict)
    work_orders_on: date | None = None

    @property
    def month_arrivals(self) -> int:
        return sum(f.arrivals for f in self.flows)

    @property
    def month_departures(self) -> int:
        return sum(f.departures for f in self.flows)

    @property
    def month_key(self) -> str:
        return self.month.strftime("%Y-%m")
