"""The response strategy: the cluster's objectives for the operation, their indicators
with baselines and targets, and their progress computed from the 3W activities and the
validated assessments (in SQL; one or two aggregate queries per indicator).

`strategy_progress(operation, month)` is what the strategy page shows and what the
monthly report carries (sitetrack.monthly may call it):

    [{"id", "code": "SO1", "title": ..., "sector": "wash", "sector_label": ...,
      "indicators": [{"id", "label", "measure", "sector", "baseline", "target", "value",
                      "progress"}]}]

Objectives and indicators are written by `services.strategy` (IMOs, administrators).
`progress` is (value - baseline) / (target - baseline) in percent (None when the target
equals the baseline); a target below the baseline (fewer people in need) works the same.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Q, Subquery, Sum

from sitetrack.core.sectors import Sector
from sitetrack.response.models import (
    Activity,
    ActivityReport,
    ActivityStatus,
    IndicatorMeasure,
    StrategyObjective,
)

if TYPE_CHECKING:
    from sitetrack.core.models import Operation


def _month_end(month: date) -> date:
    return month.replace(day=monthrange(month.year, month.month)[1])


def _activities(operation: Operation, sector: str, month: date):
    qs = Activity.objects.filter(
        operation=operation, status__in=[ActivityStatus.ONGOING, ActivityStatus.COMPLETED]
    ).during(month, _month_end(month))
    return qs.filter(sector=sector) if sector else qs


def people_in_need(operation: Operation, sector: str, month: date) -> int:
    """People in open sites whose latest validated assessment up to the month's end has a
    severe need (severity at or above SITETRACK_SEVERE_NEED) in the sector (any sector
    when none is given)."""
    from sitetrack.assessments.models import SiteAssessment
    from sitetrack.reports.selectors import severe_need_default
    from sitetrack.sites.models import Site

    severe = severe_need_default()
    latest = (
        SiteAssessment.objects.validated()
        .filter(site=OuterRef("pk"), round__period_end__lte=_month_end(month))
        .order_by("-round__period_end", "-pk")
        .values("pk")[:1]
    )
    ids = Site.objects.filter(operation=operation).annotate(latest=Subquery(latest)).values("latest")
    sectors = [sector] if sector else list(Sector.values)
    need = Q()
    for code in sectors:
        need |= Q(**{f"need_{code}__gte": severe})
    total = SiteAssessment.objects.filter(pk__in=ids).filter(need).aggregate(n=Sum("individuals"))["n"]
    return total or 0


def measure_value(operation: Operation, measure: str, sector: str, month: date) -> int:
    if measure == IndicatorMeasure.PEOPLE_IN_NEED:
        return people_in_need(operation, sector, month)
    if measure == IndicatorMeasure.PEOPLE_REACHED:
        reports = ActivityReport.objects.filter(activity__operation=operation, period__month=month)
        if sector:
            reports = reports.filter(activity__sector=sector)
        return reports.aggregate(n=Sum("reached"))["n"] or 0
    if measure == IndicatorMeasure.PEOPLE_TARGETED:
        return _activities(operation, sector, month).aggregate(n=Sum("targeted"))["n"] or 0
    if measure == IndicatorMeasure.SITES_REACHED:
        return _activities(operation, sector, month).aggregate(n=Count("site", distinct=True))["n"] or 0
    raise ValueError(measure)


def _progress(value: int, baseline: int, target: int) -> float | None:
    if target == baseline:
        return None
    return round((value - baseline) * 100 / (target - baseline), 1)


def strategy_progress(operation: Operation, month: date) -> list[dict[str, Any]]:
    """Every objective of the operation with its indicators' values in `month` (the
    first day of a month) and their progress from baseline to target."""
    out = []
    objectives = StrategyObjective.objects.filter(operation=operation).prefetch_related("indicators")
    for objective in objectives:
        indicators = []
        for indicator in objective.indicators.all():
            sector = indicator.sector or objective.sector
            value = measure_value(operation, indicator.measure, sector, month)
            indicators.append(
                {
                    "id": indicator.pk,
                    "label": indicator.label or str(indicator.get_measure_display()),
                    "measure": indicator.measure,
                    "sector": sector,
                    "baseline": indicator.baseline,
                    "target": indicator.target,
                    "value": value,
                    "progress": _progress(value, indicator.baseline, indicator.target),
                }
            )
        out.append(
            {
                "id": objective.pk,
                "code": objective.code,
                "title": objective.title,
                "sector": objective.sector,
                "sector_label": str(Sector(objective.sector).label) if objective.sector else "",
                "description": objective.description,
                "indicators": indicators,
            }
        )
    return out
