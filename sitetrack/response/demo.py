"""Demo step (response): the organisations' 3W activities across the demo sites (January –
March 2014) with their monthly figures, a few area-wide activities, and referrals in every
state. Run after the operation, sites and assessments steps: add
"sitetrack.response.demo" to `sitetrack.demo.builders.STEPS`.

Demo months are long past their deadlines, so the figures are written in bulk here (the
services would rightly refuse them); each value still respects the services' rules (bands
add up to the total, the activity type's sector and unit).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from sitetrack.core.models import Organisation
from sitetrack.response.models import (
    Activity,
    ActivityReport,
    ActivitySource,
    ActivityStatus,
    ActivityType,
    Referral,
    ReferralComment,
    ReferralStatus,
)
from sitetrack.response.services.activities import deadline_for

# Which organisations work in which sectors (acronyms of the operation step).
PROFILES = {
    "IOM": ["cccm", "shelter_nfi"],
    "UNHCR": ["protection", "shelter_nfi"],
    "UNICEF": ["wash", "education", "nutrition"],
    "DRC": ["protection", "cccm"],
    "ACTED": ["cccm", "wash"],
    "NRC": ["shelter_nfi", "education"],
    "PU-AMI": ["health", "wash"],
    "CRS": ["food_security", "shelter_nfi"],
    "MSF": ["health", "nutrition"],
    "Mercy Corps": ["livelihoods", "wash"],
    "Caritas": ["food_security", "protection"],
    "CRCA": ["health", "wash"],
}
MONTHS = [date(2014, 1, 1), date(2014, 2, 1), date(2014, 3, 1)]
BANDS = ("f_0_17", "m_0_17", "f_18_59", "m_18_59", "f_60_plus", "m_60_plus")
SHARES = (0.24, 0.22, 0.2, 0.18, 0.09, 0.07)


def _split(total: int) -> dict[str, int]:
    parts = [int(total * s) for s in SHARES]
    parts[0] += total - sum(parts)
    return dict(zip(BANDS, parts, strict=True))


def build(ctx) -> None:
    operation = ctx.operation
    if Activity.objects.filter(operation=operation).exists():
        ctx.log("response: activities already present; left as they are")
        return
    rng = ctx.rng
    orgs = {o.acronym: o for o in Organisation.objects.filter(acronym__in=PROFILES)}
    types: dict[str, list[ActivityType]] = {}
    for t in ActivityType.objects.exclude(code__endswith="-other"):
        types.setdefault(t.sector, []).append(t)
    sites = list(ctx.sites) or list(operation.sites.select_related("admin_area"))
    activities = []
    for acronym, sectors in PROFILES.items():
        org = orgs.get(acronym)
        if org is None:
            continue
        for site in rng.sample(sites, k=min(len(sites), rng.randint(4, 9))):
            sector = rng.choice(sectors)
            activity_type = rng.choice(types[sector])
            targeted = rng.randint(2, 40) * 50
            status = rng.choices(
                [
                    ActivityStatus.ONGOING,
                    ActivityStatus.COMPLETED,
                    ActivityStatus.PLANNED,
                    ActivityStatus.SUSPENDED,
                ],
                weights=[6, 2, 1, 1],
            )[0]
            activities.append(
                Activity(
                    operation=operation,
                    organisation=org,
                    funding_organisation=orgs.get(rng.choice(["UNHCR", "UNICEF", "IOM"]))
                    if rng.random() < 0.4
                    else None,
                    sector=sector,
                    activity_type=activity_type,
                    site=site,
                    admin_area=site.admin_area,
                    start_date=date(2014, 1, rng.randint(1, 20)),
                    end_date=date(2014, 3, 31) if status == ActivityStatus.COMPLETED else None,
                    status=status,
                    unit=activity_type.unit,
                    targeted=targeted,
                    **{f"targeted_{k}": v for k, v in _split(targeted).items()},
                    targeted_pwd=targeted // 20,
                    source=ActivitySource.WEB,
                )
            )
    # Area-wide work: mobile clinics and protection monitoring across arrondissements.
    areas = sorted({s.admin_area.parent for s in sites if s.admin_area.parent_id}, key=lambda a: a.pcode)[:4]
    for area, (acronym, code) in zip(
        areas,
        [
            ("MSF", "health-mobile-clinic"),
            ("DRC", "prot-monitoring"),
            ("UNICEF", "wash-hygiene-promo"),
            ("CRCA", "health-referral"),
        ],
        strict=False,
    ):
        if acronym in orgs:
            activity_type = ActivityType.objects.get(code=code)
            activities.append(
                Activity(
                    operation=operation,
                    organisation=orgs[acronym],
                    sector=activity_type.sector,
                    activity_type=activity_type,
                    admin_area=area,
                    start_date=date(2014, 1, 6),
                    status=ActivityStatus.ONGOING,
                    unit=activity_type.unit,
                    targeted=5000,
                    source=ActivitySource.WEB,
                )
            )
    Activity.objects.bulk_create(activities)
    periods = {}
    for month in MONTHS:
        period, _ = operation.reporting_periods.get_or_create(
            month=month, defaults={"deadline": deadline_for(month)}
        )
        periods[month] = period
    reports = []
    for activity in Activity.objects.filter(operation=operation).exclude(status=ActivityStatus.PLANNED):
        for month in MONTHS:
            if activity.start_date and month < activity.start_date.replace(day=1):
                continue
            reached = int((activity.targeted or 0) * rng.uniform(0.15, 0.4))
            reports.append(
                ActivityReport(
                    activity=activity,
                    period=periods[month],
                    reached=reached,
                    **({f"reached_{k}": v for k, v in _split(reached).items()} if activity.site_id else {}),
                    reached_pwd=reached // 25,
                    quantity=rng.randint(1, 60) if activity.unit else None,
                )
            )
    ActivityReport.objects.bulk_create(reports)
    referrals = _referrals(ctx, orgs, sites)
    facilities, orders = _works(ctx, orgs, sites)
    ctx.log(
        f"response: {len(activities)} activities, {len(reports)} monthly reports, {referrals} referrals, "
        f"{facilities} facility lines, {orders} work orders"
    )


# Facilities per site: (kind, label, units, sex-segregated, lockable).
FACILITY_PLAN = [
    ("latrine", "Block A (women)", 10, True, True),
    ("latrine", "Block A (men)", 10, True, False),
    ("latrine", "Block B", 6, False, False),
    ("shower", "Block A", 8, True, True),
    ("water_point", "Tap stand", 3, None, None),
    ("drainage", "Main channel", 1, None, None),
    ("lighting", "Solar lamps, main paths", 12, None, None),
    ("communal_shelter", "Community hall", 1, None, None),
    ("waste_point", "Collection point", 2, None, None),
]
# Work orders: (kind, facility kind, title, priority, organisation, status, cost).
WORK_PLAN = [
    ("maintenance", "latrine", "Desludge latrine block B", "urgent", "ACTED", "in_progress", 1800),
    ("maintenance", "water_point", "Repair broken tap stand", "high", "UNICEF", "done", 450),
    ("improvement", "lighting", "Add solar lamps near the latrines", "medium", "NRC", "assigned", 2400),
    (
        "maintenance",
        "drainage",
        "Clear the main drainage channel before the rains",
        "high",
        None,
        "requested",
        600,
    ),
    ("improvement", "shower", "Locks on the women's showers", "medium", "NRC", "cancelled", 300),
]


def _works(ctx, orgs: dict, sites: list) -> tuple[int, int]:
    """Each demo site's facility inventory (checked in February–March 2014, some units
    out of order) and work orders in every state, through the models (history kept)."""
    from sitetrack.response.models import Facility, WorkOrder

    rng = ctx.rng
    facilities = orders = 0
    imo = ctx.users.get("imo")
    for index, site in enumerate(sites):
        checked = date(2014, 2, 10) + timedelta(days=index % 30)
        lines = {}
        for kind, label, units, segregated, lockable in FACILITY_PLAN:
            broken = rng.random() < 0.2
            lines[kind] = Facility.objects.create(
                site=site,
                kind=kind,
                label=label,
                quantity=units,
                condition="broken" if broken else rng.choice(["good", "fair", "poor"]),
                usable=not broken,
                sex_segregated=segregated,
                lockable=lockable,
                checked_on=checked,
            )
            facilities += 1
        for kind, facility_kind, title, priority, acronym, status, cost in WORK_PLAN[: 2 + index % 4]:
            requested = checked + timedelta(days=1)
            started = requested + timedelta(days=3) if status in ("in_progress", "done") else None
            WorkOrder.objects.create(
                operation=ctx.operation,
                site=site,
                facility=lines[facility_kind],
                kind=kind,
                title=title,
                priority=priority,
                organisation=orgs.get(acronym) if acronym else None,
                status=status,
                requested_on=requested,
                due_date=requested + timedelta(days=14),
                started_on=started,
                completed_on=started + timedelta(days=5) if status == "done" else None,
                estimated_cost=cost,
                actual_cost=int(cost * rng.uniform(0.8, 1.2)) if status == "done" else None,
                created_by=imo,
            )
            orders += 1
    return facilities, orders


def _referrals(ctx, orgs: dict, sites: list) -> int:
    """Referrals in every state, made on 2014 dates (so some are overdue)."""
    rng = ctx.rng
    imo = ctx.users.get("imo")
    plan = [
        ("wash", "UNICEF", "Latrines full, desludging needed", ReferralStatus.RESOLVED),
        ("health", "MSF", "No health post on site since the clashes", ReferralStatus.IN_PROGRESS),
        ("shelter_nfi", "NRC", "Tarpaulins torn after the storm", ReferralStatus.ACKNOWLEDGED),
        ("protection", "UNHCR", "Unaccompanied children identified", ReferralStatus.OPEN),
        ("food_security", "CRS", "New arrivals without food rations", ReferralStatus.DECLINED),
        ("wash", "ACTED", "Water point broken", ReferralStatus.OPEN),
        ("nutrition", "MSF", "Malnutrition screening requested", ReferralStatus.RESOLVED),
        ("education", "NRC", "No temporary learning space", ReferralStatus.OPEN),
    ]
    created = 0
    for index, (sector, acronym, title, status) in enumerate(plan):
        site = rng.choice(sites)
        made = timezone.make_aware(datetime(2014, 2, 3 + index * 3, 9, 0))
        referral = Referral.objects.create(
            operation=ctx.operation,
            site=site,
            sector=sector,
            to_organisation=orgs.get(acronym),
            focal_point_name=f"{acronym} {sector} focal point",
            focal_point_email=f"{sector}.focal@demo.sitetrack.example",
            title=title,
            description=f"{title} ({site.name}).",
            status=status,
            due_date=made.date() + timedelta(days=14),
            declined_reason="Outside our current funding; referred back to the cluster."
            if status == ReferralStatus.DECLINED
            else "",
            created_by=imo,
            acknowledged_at=made + timedelta(days=2) if status not in (ReferralStatus.OPEN,) else None,
            closed_at=made + timedelta(days=rng.randint(5, 20))
            if status in (ReferralStatus.RESOLVED, ReferralStatus.DECLINED)
            else None,
        )
        Referral.objects.filter(pk=referral.pk).update(created_at=made)
        if status != ReferralStatus.OPEN:
            ReferralComment.objects.create(
                referral=referral, author=imo, text="Follow-up with the site committee.", status=status
            )
        created += 1
    return created


def build_at_scale(operation, *, organisations: int = 50, activities: int = 20_000, seed: int = 14) -> dict:
    """Benchmark data: `organisations` organisations and `activities` site activities over
    the operation's sites, ongoing during its weekly rounds, each with figures for the
    month of the operation's last weekly round. Bulk inserts (no history: bench data)."""
    import random

    from sitetrack.assessments.models import Round, RoundKind

    rng = random.Random(seed)
    orgs = [
        Organisation.objects.get_or_create(
            name=f"Benchmark partner {i:02d}",
            defaults={"acronym": f"BP{i:02d}", "kind": rng.choice(["ingo", "nngo", "un", "cbo"])},
        )[0]
        for i in range(organisations)
    ]
    types = list(ActivityType.objects.exclude(code__endswith="-other"))
    sites = list(operation.sites.select_related("admin_area").only("pk", "admin_area"))
    last = Round.objects.filter(operation=operation, kind=RoundKind.WEEKLY).order_by("-period_end").first()
    start = (
        date(2000, 1, 1)
        if last is None
        else Round.objects.filter(operation=operation).order_by("period_start").first().period_start
    )
    month = (last.period_end if last else date.today()).replace(day=1)
    period, _ = operation.reporting_periods.get_or_create(
        month=month, defaults={"deadline": deadline_for(month)}
    )
    batch = []
    for _i in range(activities):
        site, activity_type = rng.choice(sites), rng.choice(types)
        targeted = rng.randint(1, 60) * 50
        batch.append(
            Activity(
                operation=operation,
                organisation=rng.choice(orgs),
                sector=activity_type.sector,
                activity_type=activity_type,
                site=site,
                admin_area=site.admin_area,
                start_date=start,
                status=ActivityStatus.ONGOING,
                unit=activity_type.unit,
                targeted=targeted,
            )
        )
    created = Activity.objects.bulk_create(batch, batch_size=2000)
    ActivityReport.objects.bulk_create(
        [ActivityReport(activity=a, period=period, reached=(a.targeted or 0) // 3) for a in created],
        batch_size=2000,
    )
    return {"organisations": len(orgs), "activities": len(created), "round": last.number if last else None}
