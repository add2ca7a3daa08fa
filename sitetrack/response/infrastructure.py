"""Reads of the site facility inventories and work orders (the figures are computed
here, in SQL), and the hook through which counted functional facilities feed the
assessments' derived indicators.

Functional facilities are the units of usable inventory lines. The "functional count" of
a kind on a site is the sum of its usable lines' units; its date is the latest
`checked_on` of that kind on the site (an inventory is as recent as its latest check).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, FloatField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, Coalesce

from sitetrack.response.models import (
    WORK_ORDER_CLOSED,
    Facility,
    FacilityKind,
    WorkOrder,
    WorkOrderPriority,
    WorkOrderStatus,
)

if TYPE_CHECKING:
    from django.db.models import Expression, QuerySet

    from sitetrack.core.models import Operation

# The kinds whose functional counts the assessments' indicators use, and the indicator
# (catalogue code) each stands for. Every one that a derived indicator reads
# (core.catalogue.DERIVED_FORMULAS: latrines_functional in people_per_latrine,
# water_points in people_per_water_point) is fed by `functional_indicator`.
FUNCTIONAL_KINDS = {
    FacilityKind.LATRINE: "latrines_functional",
    FacilityKind.SHOWER: "showers_functional",
    FacilityKind.WATER_POINT: "water_points",
}
# The other way round: indicator code -> facility kind.
INDICATOR_KINDS = {indicator: str(kind) for kind, indicator in FUNCTIONAL_KINDS.items()}


def functional_facilities(
    *, operation: Operation, sites: QuerySet | None = None
) -> dict[str, dict[str, Any]]:
    """Per site code: the functional latrine, shower and water-point counts and their
    dates, e.g. {"CF7111-S001": {"latrine": 12, "latrine_on": date(2014, 2, 3),
    "shower": 0, "shower_on": ..., "water_point": None, "water_point_on": None}}; a kind
    without inventory is None. Sites without any inventory are left out. One query."""
    qs = Facility.objects.filter(site__operation=operation, kind__in=list(FUNCTIONAL_KINDS))
    if sites is not None:
        qs = qs.filter(site__in=sites)
    out: dict[str, dict[str, Any]] = {}
    rows = qs.values("site__code", "kind").annotate(
        functional=Coalesce(Sum("quantity", filter=Q(usable=True)), 0), on=Max("checked_on")
    )
    for row in rows:
        entry = out.setdefault(
            row["site__code"],
            {k: v for kind in FUNCTIONAL_KINDS for k, v in ((kind, None), (f"{kind}_on", None))},
        )
        entry[row["kind"]] = row["functional"]
        entry[f"{row['kind']}_on"] = row["on"]
    return out


def functional_count_expression(kind: str, site_ref: str, since_ref: str, fallback: Expression) -> Expression:
    """SQL for "the site's counted functional `kind` units if the inventory was checked
    after `since_ref` (a date column of the outer query, e.g. the round's end), else
    `fallback`" — the hook `assessments.selectors.derived_expressions` calls for the
    functional latrines of people_per_latrine. `site_ref` names the outer query's site."""
    from django.db.models import Case, When
    from django.db.models.lookups import GreaterThan

    lines = Facility.objects.filter(site=OuterRef(site_ref), kind=kind).order_by().values("site")
    counted = lines.annotate(n=Coalesce(Sum("quantity", filter=Q(usable=True)), 0)).values("n")
    checked = lines.annotate(on=Max("checked_on")).values("on")
    return Case(
        When(
            GreaterThan(Subquery(checked[:1]), F(since_ref)),
            then=Cast(Subquery(counted[:1]), FloatField()),
        ),
        default=fallback,
        output_field=FloatField(),
    )


def functional_indicator(code: str, prefix: str, reported: Expression) -> Expression:
    """SQL for an assessment's indicator `code` as the derived indicators read it: the
    site's counted functional facilities of the kind that stands for the indicator
    (`INDICATOR_KINDS`) when its inventory was checked after the round ended, else
    `reported` (the assessment's own figure). Indicators no facility kind stands for are
    `reported` as they are. `prefix` leads from the outer query to the assessment
    ("" on SiteAssessment, "assessment__" from a row pointing at one)."""
    kind = INDICATOR_KINDS.get(code)
    if kind is None:
        return reported
    return functional_count_expression(kind, f"{prefix}site", f"{prefix}round__period_end", reported)


def site_facility_summary(site) -> list[dict[str, Any]]:
    """Per facility kind on one site: lines, units, functional units, sex-segregated and
    lockable units, and the latest check."""
    rows = {
        r["kind"]: r
        for r in Facility.objects.filter(site=site)
        .values("kind")
        .annotate(
            lines=Count("pk"),
            units=Coalesce(Sum("quantity"), 0),
            functional=Coalesce(Sum("quantity", filter=Q(usable=True)), 0),
            segregated=Coalesce(Sum("quantity", filter=Q(sex_segregated=True)), 0),
            lockable=Coalesce(Sum("quantity", filter=Q(lockable=True)), 0),
            checked=Max("checked_on"),
        )
    }
    return [
        {"kind": kind, "label": str(label), **rows.get(kind, {"lines": 0, "units": 0, "functional": 0})}
        for kind, label in FacilityKind.choices
        if kind in rows
    ]


def work_order_stats(*, operation: Operation, today: date) -> dict[str, Any]:
    """Open, overdue, urgent open, done work orders and their costs (for the list page
    and the monthly report)."""
    open_q = ~Q(status__in=WORK_ORDER_CLOSED)
    return WorkOrder.objects.filter(operation=operation).aggregate(
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=open_q & Q(due_date__lt=today)),
        urgent=Count("pk", filter=open_q & Q(priority=WorkOrderPriority.URGENT)),
        done=Count("pk", filter=Q(status=WorkOrderStatus.DONE)),
        estimated_open=Sum("estimated_cost", filter=open_q),
        spent=Sum("actual_cost", filter=Q(status=WorkOrderStatus.DONE)),
    )
