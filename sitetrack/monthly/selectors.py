"""The Monthly DTM report: every figure of it, computed in the database.

Which round represents a month: the month's *reporting round* is the last weekly round of
the operation whose period ends in that month (`period_end`, the date the weekly report
gives a round) and that has at least one validated assessment. Its totals are the weekly
report's totals for that round (the same `key_figures_for`, tested), so the monthly and the
weekly products never disagree. The monthly site-profile rounds are not used: not every
operation runs them, and their figures repeat a mid-month weekly round.

Comparisons are like with like: a change from the previous month is computed over the
sites validated (and open) in both reporting rounds, and every total carries its coverage
(sites assessed / open sites). The trend adds a panel: the population of the sites
validated in every month shown.

The figure rules themselves live in reports.selectors (open sites, validated assessments,
key figures, priority ranking) and response (interventions per sector, the strategy's
progress per objective, the work-order statistics); this
module groups them by month, admin area and site type, and never re-writes them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from typing import Any

from django.apps import apps
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Sum, When
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation

from sitetrack.assessments.models import Round, RoundKind, SiteAssessment
from sitetrack.core.models import Operation
from sitetrack.geo.models import AdminArea
from sitetrack.monthly.types import (
    Figures,
    MapSite,
    MonthlyReport,
    MonthPoint,
    PriorityShift,
    ReturnHeadline,
    RoundFlows,
    SiteEvent,
)
from sitetrack.reports.selectors import (
    key_figures_for,
    priority_ranking,
    round_assessed,
    sector_infos,
    signed_sum,
    sites_open_in_round,
)
from sitetrack.sites.models import Site, SiteStatus, SiteStatusChange, SiteType

# Months shown in the trend, the reporting month included.
TREND_MONTHS = 6
GROUPS = ("admin1", "admin2", "site_type")


class MonthWithoutData(LookupError):
    """No reporting round in the month; `months` are those that have one (newest first)."""

    def __init__(self, month: dt.date, months: list[dt.date]) -> None:
        self.month = month
        self.months = months
        known = ", ".join(m.strftime("%Y-%m") for m in months) or "none"
        super().__init__(f"No validated weekly round ends in {month:%Y-%m}. Months with data: {known}.")


def parse_month(text: str) -> dt.date:
    """ "2014-02" → 1 February 2014; a clear ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2014-02.")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def reporting_rounds(operation: Operation) -> QuerySet[Round]:
    """The operation's weekly rounds with validated figures, newest first."""
    validated = SiteAssessment.objects.validated().filter(round=OuterRef("pk"))
    return (
        Round.objects.filter(operation=operation, kind=RoundKind.WEEKLY)
        .filter(Exists(validated))
        .order_by("-period_end", "-number")
    )


def months_with_data(operation: Operation) -> list[dt.date]:
    """The months that have a reporting round, newest first (one grouped query)."""
    return list(
        reporting_rounds(operation)
        .annotate(month=TruncMonth("period_end"))
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()
    )


def month_round(operation: Operation, month: dt.date) -> Round | None:
    """The month's reporting round: its last weekly round with validated figures."""
    return reporting_rounds(operation).filter(period_end__gte=month, period_end__lte=month_end(month)).first()


def month_rounds(operation: Operation, month: dt.date) -> list[Round]:
    """Every weekly round with validated figures ending in the month, oldest first."""
    return list(
        reporting_rounds(operation)
        .filter(period_end__gte=month, period_end__lte=month_end(month))
        .order_by("period_end", "number")
    )


# --- figures by group ------------------------------------------------------------------


def admin_pcode(level: int, prefix: str = "") -> Case:
    """The P-code of the admin area of `level` (1 or 2) above a site's area, whatever
    level (1 to 4) the site is recorded at; NULL when the site is recorded above it."""
    whens = []
    for site_level in range(level, 5):
        hops = "parent__" * (site_level - level)
        whens.append(
            When(**{f"{prefix}admin_area__level": site_level}, then=F(f"{prefix}admin_area__{hops}pcode"))
        )
    return Case(*whens, default=None, output_field=CharField())


def _group_expression(group: str | None, prefix: str):
    if group is None:
        return None
    if group == "admin1":
        return admin_pcode(1, prefix)
    if group == "admin2":
        return admin_pcode(2, prefix)
    if group == "site_type":
        return F(f"{prefix}site_type")
    raise ValueError(f"unknown group {group!r}: use one of {', '.join(GROUPS)}")


def _group_labels(group: str | None, keys: set[str], language: str) -> dict[str, str]:
    if group == "site_type":
        with translation.override(language):
            return {value: str(label) for value, label in SiteType.choices}
    if group in ("admin1", "admin2"):
        return {a.pcode: a.name_in(language) or a.name_en for a in AdminArea.objects.filter(pcode__in=keys)}
    return {}


def area_figures(
    round: Round,
    previous: Round | None,
    *,
    group: str | None = None,
    sites: Q | None = None,
    language: str = "en",
) -> list[Figures]:
    """The totals of `round` and the change since `previous`, per group of sites ("admin1",
    "admin2", "site_type", or None for one row), limited to the `sites` (a Q on Site).

    The rules are key_figures_for's (tested equal): the validated assessments of the
    sites open in the round, coverage against those open sites, and the change over the
    sites validated in both rounds. Two grouped queries whatever the number of sites."""
    open_now = sites_open_in_round(round)
    if sites is not None:
        open_now = open_now.filter(sites)
    this = Q(round_id=round.pk, site_id__in=open_now.values("pk"))
    aggregates: dict = {
        "sites_assessed": Count("pk", filter=this),
        "individuals": Sum("individuals", filter=this, default=0),
        "households": Sum("households", filter=this, default=0),
        "arrivals": Sum("arrivals", filter=this, default=0),
        "departures": Sum("departures", filter=this, default=0),
    }
    open_counts: dict = {"open_sites": Count("pk", filter=Q(pk__in=open_now.values("pk")))}
    ids = [round.pk]
    if previous is not None:
        ids.append(previous.pk)
        open_before = sites_open_in_round(previous)
        if sites is not None:
            open_before = open_before.filter(sites)
        prev = Q(round_id=previous.pk, site_id__in=open_before.values("pk"))
        validated = SiteAssessment.objects.validated()
        both = Q(site_id__in=validated.filter(this).values("site_id")) & Q(
            site_id__in=validated.filter(prev).values("site_id")
        )
        aggregates |= {
            "previous_sites_assessed": Count("pk", filter=prev),
            "previous_individuals": Sum("individuals", filter=prev, default=0),
            "compared_sites": Count("pk", filter=this & both),
            "change_individuals": signed_sum("individuals", this & both, prev & both),
        }
        open_counts["previous_open_sites"] = Count("pk", filter=Q(pk__in=open_before.values("pk")))

    assessments = SiteAssessment.objects.validated().filter(round_id__in=ids)
    site_rows = Site.objects.for_operation(round.operation)
    expression = _group_expression(group, "site__")
    if expression is not None:
        assessments = assessments.annotate(group_key=expression).values("group_key")
        site_rows = site_rows.annotate(group_key=_group_expression(group, "")).values("group_key")
        figures = {r["group_key"]: r for r in assessments.annotate(**_prefixed(aggregates)).order_by()}
        opened = {r["group_key"]: r for r in site_rows.annotate(**open_counts).order_by()}
    else:
        figures = {None: assessments.aggregate(**_prefixed(aggregates))}
        opened = {None: site_rows.aggregate(**open_counts)}
    keys = {k for k, row in opened.items() if row["open_sites"] or row.get("previous_open_sites")} | set(
        k for k, row in figures.items() if row["kf_sites_assessed"] or row.get("kf_previous_sites_assessed")
    )
    labels = _group_labels(group, {k for k in keys if k}, language)
    rows = []
    for key in keys:
        values = {name[3:]: value for name, value in figures.get(key, {}).items() if name.startswith("kf_")}
        counts = opened.get(key, {})
        compared = values.get("compared_sites")
        rows.append(
            Figures(
                key=key or "",
                label=labels.get(key, key or ""),
                sites_assessed=values.get("sites_assessed") or 0,
                open_sites=counts.get("open_sites") or 0,
                individuals=values.get("individuals") or 0,
                households=values.get("households") or 0,
                arrivals=values.get("arrivals") or 0,
                departures=values.get("departures") or 0,
                previous_sites_assessed=values.get("previous_sites_assessed") if previous else None,
                previous_open_sites=counts.get("previous_open_sites") if previous else None,
                previous_individuals=values.get("previous_individuals") if previous else None,
                compared_sites=compared if previous else None,
                # Nothing to compare: no change, rather than a total against nothing.
                change_individuals=values.get("change_individuals") if compared else None,
            )
        )
    rows.sort(key=lambda f: (-f.individuals, f.label))
    return rows


def _prefixed(aggregates: dict) -> dict:
    # Aliases may not shadow the fields they sum (as in key_figures_for).
    return {f"kf_{name}": agg for name, agg in aggregates.items()}


def key_figures(round: Round, previous: Round | None, *, sites: Q | None = None) -> Figures:
    """The headline figures: the weekly report's own selector (key_figures_for) for the
    whole operation; `area_figures` (the same rules, tested equal) for some sites only."""
    if sites is not None:
        rows = area_figures(round, previous, sites=sites)
        return (
            rows[0]
            if rows
            else Figures(key="", label="", sites_assessed=0, open_sites=0, individuals=0, households=0)
        )
    kf = key_figures_for(round, previous)
    return Figures(
        key="",
        label="",
        sites_assessed=kf["sites_assessed"],
        open_sites=kf["open_sites"],
        individuals=kf["individuals"],
        households=kf["households"],
        arrivals=kf["arrivals"],
        departures=kf["departures"],
        previous_sites_assessed=kf["previous_sites_assessed"],
        previous_open_sites=kf["previous_open_sites"],
        previous_individuals=kf["previous_individuals"],
        compared_sites=kf["compared_sites"],
        change_individuals=kf["change_individuals"],
    )


# --- the month's parts ----------------------------------------------------------------------


def round_trend(
    rounds: list[Round], *, sites: Q | None = None, figures_for=None
) -> tuple[list[Figures], dict[int, int], int]:
    """For rounds in order (oldest first): each one's figures with the change from the one
    before it (like with like), the population of the panel per round (the sites validated
    and open in every one of the rounds), and the size of that panel. `figures_for(round,
    previous, sites=...)` replaces `key_figures` (the dashboard passes a cached one)."""
    figures_for = figures_for or key_figures
    ids = [r.pk for r in rounds]
    if not ids:
        return [], {}, 0
    validated = SiteAssessment.objects.validated()
    open_in_all = Q()
    for r in rounds:
        open_in_all &= Q(site_id__in=sites_open_in_round(r).values("pk"))
    counted = validated.filter(round_id__in=ids).filter(open_in_all)
    if sites is not None:
        counted = counted.filter(site_id__in=Site.objects.filter(sites).values("pk"))
    panel = counted.values("site_id").annotate(n=Count("round_id", distinct=True)).filter(n=len(ids))
    # The panel's ids read first (at most the operation's sites): as a subquery of the sum,
    # PostgreSQL ran the open-site tests once per assessment row (76 s at national size).
    panel_ids = list(panel.values_list("site_id", flat=True))
    panel_people = dict(
        validated.filter(round_id__in=ids, site_id__in=panel_ids)
        .values("round_id")
        .annotate(people=Sum("individuals", default=0))
        .values_list("round_id", "people")
    )
    figures = []
    previous: Round | None = None
    for r in rounds:
        figures.append(figures_for(r, previous, sites=sites))
        previous = r
    return figures, panel_people, len(panel_ids)


def trend(operation: Operation, month: dt.date, months: int = TREND_MONTHS) -> tuple[list[MonthPoint], int]:
    """The last `months` months with data up to `month` (oldest first), each with its
    reporting round's totals, coverage and change from the month before (like with like),
    and the population of the panel: the sites validated in every one of those rounds."""
    chosen: list[tuple[dt.date, Round]] = []
    for m in months_with_data(operation):
        if m <= month and len(chosen) < months:
            r = month_round(operation, m)
            if r is not None:
                chosen.append((m, r))
    chosen.reverse()
    figures, panel_people, panel_sites = round_trend([r for _, r in chosen])
    points = [
        MonthPoint(m, r, f, panel_people.get(r.pk, 0) or 0) for (m, r), f in zip(chosen, figures, strict=True)
    ]
    return points, panel_sites


def sites_opened_closed(operation: Operation, month: dt.date, language: str) -> tuple[list, list]:
    """Sites opened in the month (opening date, or a dated change to "open") and those
    closed, merged or relocated in it (a dated status change)."""
    end = month_end(month)
    with translation.override(language):
        labels = {value: str(label) for value, label in SiteStatus.choices}
    sites = Site.objects.for_operation(operation)
    reopened = SiteStatusChange.objects.filter(
        site=OuterRef("pk"), status=SiteStatus.OPEN, date__range=(month, end)
    )
    opened = [
        SiteEvent(code, name, day, SiteStatus.OPEN, labels[SiteStatus.OPEN])
        for code, name, day in sites.filter(Q(opened_on__range=(month, end)) | Exists(reopened))
        .order_by("code")
        .values_list("code", "name", "opened_on")
    ]
    changes = (
        SiteStatusChange.objects.filter(site__operation=operation, date__range=(month, end))
        .exclude(status=SiteStatus.OPEN)
        .order_by("date", "site__code")
        .values_list("site__code", "site__name", "date", "status")
    )
    closed = [
        SiteEvent(code, name, day, status, labels.get(status, status)) for code, name, day, status in changes
    ]
    return opened, closed


def round_flows(rounds: list[Round]) -> list[RoundFlows]:
    """Arrivals and departures of each weekly round of the month (key_figures_for)."""
    rows = []
    for r in rounds:
        kf = key_figures_for(r, None)
        rows.append(RoundFlows(r, kf["sites_assessed"], kf["open_sites"], kf["arrivals"], kf["departures"]))
    return rows


def priority_shifts(round: Round, previous: Round | None) -> list[PriorityShift]:
    """The ranking of priority needs (reports.selectors.priority_ranking) this month and
    where each sector stood the month before."""
    sectors = sector_infos()
    now = priority_ranking(round_assessed(round), sectors)
    before = priority_ranking(round_assessed(previous), sectors) if previous is not None else []
    before_rank = {p.sector.code: (i, p.score) for i, p in enumerate(before, start=1)}
    return [
        PriorityShift(
            sector=p.sector,
            rank=i,
            score=p.score,
            sites=p.sites,
            first=p.first,
            previous_rank=before_rank.get(p.sector.code, (None, None))[0],
            previous_score=before_rank.get(p.sector.code, (None, None))[1],
        )
        for i, p in enumerate(now, start=1)
    ]


def interventions_by_organisation(operation: Operation, month: dt.date) -> list[dict[str, Any]]:
    """Per organisation: its activities (not planned, as response_by_sector counts them),
    sectors, sites, and the people reached in the month (two grouped queries)."""
    from sitetrack.response.models import Activity, ActivityReport, ActivityStatus

    activities = Activity.objects.filter(operation=operation).exclude(status=ActivityStatus.PLANNED)
    rows = list(
        activities.values("organisation_id", "organisation__name", "organisation__acronym")
        .annotate(
            activities=Count("pk"),
            sectors=Count("sector", distinct=True),
            sites=Count("site", distinct=True),
        )
        .order_by("-activities", "organisation__name")
    )
    reached = dict(
        ActivityReport.objects.filter(activity__in=activities, period__month=month)
        .values("activity__organisation_id")
        .annotate(total=Sum("reached"))
        .values_list("activity__organisation_id", "total")
    )
    return [
        {
            "organisation": r["organisation__acronym"] or r["organisation__name"],
            "name": r["organisation__name"],
            "activities": r["activities"],
            "sectors": r["sectors"],
            "sites": r["sites"],
            "reached": reached.get(r["organisation_id"]) or 0,
        }
        for r in rows
    ]


def interventions_by_sector(operation: Operation, month: dt.date) -> list[dict[str, Any]]:
    """response.selectors.response_by_sector for the month, sectors with activities only."""
    from sitetrack.response.selectors import response_by_sector

    return [row for row in response_by_sector(operation=operation, month=month) if row["activities"]]


def strategy(operation: Operation, month: dt.date) -> list[dict[str, Any]]:
    """The response strategy's progress per objective in the month
    (response.strategy.strategy_progress, the strategy page's figures)."""
    from sitetrack.response.strategy import strategy_progress

    return strategy_progress(operation, month)


def work_orders_day(month: dt.date) -> dt.date:
    """The day the month's work orders are counted overdue at: its last day, or today
    while the month runs."""
    return min(month_end(month), timezone.localdate())


def work_orders(operation: Operation, month: dt.date) -> dict[str, Any]:
    """The work-order statistics (response.infrastructure.work_order_stats, the list
    page's figures) with overdue counted at `work_orders_day(month)`."""
    from sitetrack.response.infrastructure import work_order_stats

    return work_order_stats(operation=operation, today=work_orders_day(month))


def return_headline(operation: Operation, month: dt.date) -> ReturnHeadline | None:
    """The return intentions app's headline for the month, when that app is installed and
    offers `return_headline(operation=..., month=...)` (month: the first day of the month).
    It may return None, a mapping or an object with `title` and `rows` ((label, value))."""
    if not apps.is_installed("sitetrack.returns"):
        return None
    try:
        module = importlib.import_module("sitetrack.returns.selectors")
    except ImportError:
        return None
    function = getattr(module, "return_headline", None)
    if not callable(function):
        return None
    result = function(operation=operation, month=month)
    if not result:
        return None
    get = (
        result.get if isinstance(result, dict) else lambda name, default=None: getattr(result, name, default)
    )
    rows = [(str(label), str(value)) for label, value in (get("rows", None) or [])]
    return ReturnHeadline(title=str(get("title", "") or ""), rows=rows)


def map_sites(round: Round) -> list[MapSite]:
    """The sites assessed in the round that have coordinates, with their population."""
    return [
        MapSite(code, name, lat, lon, people or 0)
        for code, name, lat, lon, people in round_assessed(round)
        .filter(site__latitude__isnull=False, site__longitude__isnull=False)
        .order_by("-individuals", "site__code")
        .values_list("site__code", "site__name", "site__latitude", "site__longitude", "individuals")
    ]


def monthly_report(operation: Operation, month: dt.date, *, language: str = "en") -> MonthlyReport:
    """The whole monthly report of one month, in one language. Raises MonthWithoutData
    (naming the months that have data) when no validated weekly round ends in the month."""
    round = month_round(operation, month)
    if round is None:
        raise MonthWithoutData(month, months_with_data(operation))
    earlier = [m for m in months_with_data(operation) if m < month]
    previous_month = earlier[0] if earlier else None
    previous = month_round(operation, previous_month) if previous_month else None
    with translation.override(language):
        points, panel_sites = trend(operation, month)
        opened, closed = sites_opened_closed(operation, month, language)
        return MonthlyReport(
            operation=operation,
            month=month,
            round=round,
            previous_month=previous_month,
            previous_round=previous,
            language=language,
            generated_at=timezone.now(),
            key=key_figures(round, previous),
            trend=points,
            panel_sites=panel_sites,
            by_admin1=area_figures(round, previous, group="admin1", language=language),
            by_admin2=area_figures(round, previous, group="admin2", language=language),
            by_site_type=area_figures(round, previous, group="site_type", language=language),
            opened=opened,
            closed=closed,
            flows=round_flows(month_rounds(operation, month)),
            priorities=priority_shifts(round, previous),
            by_sector=interventions_by_sector(operation, month),
            by_organisation=interventions_by_organisation(operation, month),
            returns=return_headline(operation, month),
            map_sites=map_sites(round),
            strategy=strategy(operation, month),
            work_orders=work_orders(operation, month),
            work_orders_on=work_orders_day(month),
        )
