"""Reads of the response: activities with their figures, organisations, referral
statistics. Figures are computed here (in SQL); pages, the API, files and reports call
these. The gap analysis is in `gaps.py`."""

from __future__ import annotations

from datetime import date
from statistics import median
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from sitetrack.core.models import Organisation
from sitetrack.core.sectors import Sector
from sitetrack.response.access import visible_activities
from sitetrack.response.cleaning import parse_month
from sitetrack.response.models import (
    REFERRAL_CLOSED,
    Activity,
    ActivityReport,
    OrganisationAlias,
    OrganisationType,
    Referral,
    ReferralStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sitetrack.core.models import Operation


def organisation_type_label(kind: str) -> str:
    """The label of an organisation type ("cbo" included, which core's field lacks)."""
    try:
        return str(OrganisationType(kind).label)
    except ValueError:
        return kind


def annotate_reached(qs: QuerySet[Activity], month: date | None = None) -> QuerySet[Activity]:
    """Add `reached_total`: people reached in `month`, or over the activity's months (the
    sum of monthly figures, the way 3W dashboards add them) when no month is given; and
    `quantity_total` likewise."""
    reports = ActivityReport.objects.filter(activity=OuterRef("pk"))
    if month is not None:
        reports = reports.filter(period__month=month)
    reached = reports.values("activity").annotate(total=Sum("reached")).values("total")
    quantity = reports.values("activity").annotate(total=Sum("quantity")).values("total")
    return qs.annotate(
        reached_total=Coalesce(Subquery(reached, output_field=IntegerField()), Value(0)),
        quantity_total=Subquery(quantity),
    )


def activity_list(
    *,
    user: AbstractBaseUser,
    operation: Operation,
    sector: str = "",
    organisation: str = "",
    status: str = "",
    site: str = "",
    area: str = "",
    month: str = "",
) -> QuerySet[Activity]:
    """The activities this user may see, filtered, with their people reached."""
    qs = visible_activities(user, operation).select_related(
        "operation", "organisation", "funding_organisation", "activity_type", "site", "admin_area"
    )
    if sector:
        qs = qs.filter(sector=sector)
    if organisation:
        text = organisation.strip()
        qs = qs.filter(Q(organisation__acronym__iexact=text) | Q(organisation__name__iexact=text))
    if status:
        qs = qs.filter(status=status)
    if site:
        qs = qs.filter(site__code__iexact=site.strip())
    if area:
        from sitetrack.geo.models import AdminArea

        node = AdminArea.objects.filter(pcode__iexact=area.strip()).only("path").first()
        qs = qs.filter(admin_area__path__startswith=node.path) if node else qs.none()
    first = parse_month(month) if month else None
    return annotate_reached(qs, first).order_by("sector", "organisation__name", "pk")


def organisation_list(*, operation: Operation, q: str = "") -> QuerySet[Organisation]:
    """Every organisation, with how many activities it has in this operation."""
    qs = Organisation.objects.annotate(
        activity_count=Count("activities", filter=Q(activities__operation=operation)),
        pending_review=Count("review", filter=Q(review__reviewed_at__isnull=True)),
    )
    if q:
        term = q.strip()
        qs = qs.filter(
            Q(name__icontains=term) | Q(acronym__icontains=term) | Q(aliases__name__icontains=term)
        )
    return qs.distinct().order_by("name")


def organisation_aliases(organisation: Organisation) -> list[str]:
    return list(OrganisationAlias.objects.filter(organisation=organisation).values_list("name", flat=True))


def response_by_sector(*, operation: Operation, month: date | None = None) -> list[dict[str, Any]]:
    """Interventions per sector (for the monthly report): activities, organisations,
    sites, people reached."""
    activities = Activity.objects.filter(operation=operation).exclude(status="planned")
    rows = {
        row["sector"]: row
        for row in activities.values("sector").annotate(
            activities=Count("pk"),
            organisations=Count("organisation", distinct=True),
            sites=Count("site", distinct=True),
        )
    }
    reports = ActivityReport.objects.filter(activity__operation=operation)
    if month is not None:
        reports = reports.filter(period__month=month)
    reached = dict(
        reports.values_list("activity__sector")
        .annotate(total=Sum("reached"))
        .values_list("activity__sector", "total")
    )
    return [
        {
            "sector": sector,
            "label": str(label),
            "activities": rows.get(sector, {}).get("activities", 0),
            "organisations": rows.get(sector, {}).get("organisations", 0),
            "sites": rows.get(sector, {}).get("sites", 0),
            "reached": reached.get(sector) or 0,
        }
        for sector, label in Sector.choices
    ]


def referral_stats(*, operation: Operation, today: date) -> list[dict[str, Any]]:
    """Per sector: open (not resolved nor declined), overdue, resolved, declined, and the
    median days from referral to resolution."""
    referrals = Referral.objects.filter(operation=operation)
    counts = {
        row["sector"]: row
        for row in referrals.values("sector").annotate(
            open=Count("pk", filter=~Q(status__in=REFERRAL_CLOSED)),
            overdue=Count("pk", filter=~Q(status__in=REFERRAL_CLOSED) & Q(due_date__lt=today)),
            resolved=Count("pk", filter=Q(status=ReferralStatus.RESOLVED)),
            declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)),
        )
    }
    # Durations are computed in SQL; only the resolved ones' medians are taken here (no
    # median aggregate on SQLite).
    durations: dict[str, list[float]] = {}
    for sector, duration in (
        referrals.filter(status=ReferralStatus.RESOLVED, closed_at__isnull=False)
        .annotate(took=ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField()))
        .values_list("sector", "took")
    ):
        durations.setdefault(sector, []).append(duration.total_seconds() / 86400)
    rows = []
    for sector, label in Sector.choices:
        row = counts.get(sector, {})
        days = durations.get(sector)
        rows.append(
            {
                "sector": sector,
                "label": str(label),
                "open": row.get("open", 0),
                "overdue": row.get("overdue", 0),
                "resolved": row.get("resolved", 0),
                "declined": row.get("declined", 0),
                "median_days_to_resolution": round(median(days), 1) if days else None,
            }
        )
    return rows
