"""Three weekly rounds over two months, numbers chosen so the figures can be checked by hand.

Round 1, 20–26 Jan 2014 (January's reporting round), validated: M'Poko 1,000 people / 200
households, Boy-Rabe 500 / 100, Bimbo 300 / 60, Kokoro 200 / 40. Don Bosco opens on
5 February, so it is not open in January: 4 of 4 open sites assessed, 2,000 people.
Round 2, 3–9 Feb: M'Poko 1,100 (+100 arrived), Boy-Rabe 480 (20 left).
Round 3, 17–23 Feb (February's reporting round): M'Poko 1,200 / 240 (+250, −50), Boy-Rabe
450 / 90 (+10, −60), Don Bosco 800 / 160 (+800); Bimbo only submitted. Kokoro closed on
10 February. Round 4, 3–9 March: one submitted assessment only, so March has no data.

February against January: 3 of 4 open sites assessed, 2,450 people, +150 over the 2 sites
validated in both months (M'Poko and Boy-Rabe: 1,650 against 1,500). Arrivals in
February's rounds 1,160, departures 130. Bangui (CF71): 2,450 people, 3 of 3 open;
Ombella M'Poko (CF11): 0 of 1 open.
"""

from __future__ import annotations

import datetime

from sitetrack.assessments.models import AssessmentStatus, Round, RoundKind, SiteAssessment
from sitetrack.sites.models import Site, SiteStatus, SiteStatusChange, SiteType

JANUARY = datetime.date(2014, 1, 1)
FEBRUARY = datetime.date(2014, 2, 1)
MARCH = datetime.date(2014, 3, 1)


def weekly(operation, number: int, start: datetime.date) -> Round:
    return Round.objects.create(
        operation=operation,
        kind=RoundKind.WEEKLY,
        number=number,
        period_start=start,
        period_end=start + datetime.timedelta(days=6),
    )


def assess(round: Round, site: Site, *, status: str = AssessmentStatus.VALIDATED, **values) -> SiteAssessment:
    return SiteAssessment.objects.create(
        round=round,
        site=site,
        status=status,
        was_validated=status in (AssessmentStatus.VALIDATED, AssessmentStatus.LOCKED),
        **values,
    )


def build_monthly_fixture(case) -> None:
    case.don_bosco = Site.objects.create(
        operation=case.operation,
        code="CF7111-S002",
        name="Don Bosco",
        site_type=SiteType.COLLECTIVE_CENTRE,
        admin_area=case.arr1_3,
        latitude=4.37,
        longitude=18.56,
        opened_on=datetime.date(2014, 2, 5),
    )
    case.bimbo_site = Site.objects.create(
        operation=case.operation,
        code="CF111-S001",
        name="Site de Bimbo",
        site_type=SiteType.SPONTANEOUS_SITE,
        admin_area=case.bimbo,
    )
    case.kokoro = Site.objects.create(
        operation=case.operation,
        code="CF7131-S002",
        name="Kokoro",
        site_type=SiteType.COLLECTIVE_CENTRE,
        admin_area=case.arr3_3,
        status=SiteStatus.CLOSED,
    )
    SiteStatusChange.objects.create(
        site=case.kokoro, status=SiteStatus.CLOSED, date=datetime.date(2014, 2, 10)
    )
    case.round1 = weekly(case.operation, 1, datetime.date(2014, 1, 20))
    case.round2 = weekly(case.operation, 2, datetime.date(2014, 2, 3))
    case.round3 = weekly(case.operation, 3, datetime.date(2014, 2, 17))
    case.round4 = weekly(case.operation, 4, datetime.date(2014, 3, 3))
    assess(case.round1, case.mpoko, individuals=1000, households=200, priority_1="food_security")
    assess(case.round1, case.boy_rabe, individuals=500, households=100, priority_1="wash")
    assess(case.round1, case.bimbo_site, individuals=300, households=60)
    assess(case.round1, case.kokoro, individuals=200, households=40)
    assess(case.round2, case.mpoko, individuals=1100, households=220, arrivals=100, departures=0)
    assess(case.round2, case.boy_rabe, individuals=480, households=96, arrivals=0, departures=20)
    assess(
        case.round3,
        case.mpoko,
        individuals=1200,
        households=240,
        arrivals=250,
        departures=50,
        priority_1="wash",
        priority_2="food_security",
    )
    assess(
        case.round3,
        case.boy_rabe,
        individuals=450,
        households=90,
        arrivals=10,
        departures=60,
        priority_1="protection",
        priority_2="wash",
    )
    assess(case.round3, case.don_bosco, individuals=800, households=160, arrivals=800, departures=0)
    assess(case.round3, case.bimbo_site, status=AssessmentStatus.SUBMITTED, individuals=320, households=64)
    assess(case.round4, case.mpoko, status=AssessmentStatus.SUBMITTED, individuals=1250, households=250)


def build_strategy_and_work_orders(case) -> None:
    """One WASH objective with two indicators and three work orders (response app).

    In February: activity at M'Poko targeting 900 people, 300 reached, so "people reached"
    (0 → 600) is at 50 % and "people targeted" (0 → 1,800) at 50 %. Work orders: two open
    (one urgent, due 5 Feb: overdue at the end of February; one due in March), one done."""
    from decimal import Decimal

    from sitetrack.response.models import ActivityReport, WorkOrder
    from sitetrack.response.services import objective_create, objective_indicator_add, reporting_period_get
    from sitetrack.response.tests.helpers import make_activity

    activity = make_activity(case, case.ngo, targeted=900)
    ActivityReport.objects.create(
        activity=activity, period=reporting_period_get(operation=case.operation, month="2014-02"), reached=300
    )
    case.objective = objective_create(
        operation=case.operation, user=case.imani, code="SO1", title="Safe WASH in sites", sector="wash"
    )
    for measure, target in (("people_reached", 600), ("people_targeted", 1800)):
        objective_indicator_add(
            objective=case.objective, user=case.imani, measure=measure, baseline=0, target=target
        )
    common = {"operation": case.operation, "site": case.mpoko, "requested_on": datetime.date(2014, 1, 20)}
    WorkOrder.objects.create(
        title="Latrine doors",
        priority="urgent",
        due_date=datetime.date(2014, 2, 5),
        estimated_cost=Decimal(1200),
        **common,
    )
    WorkOrder.objects.create(
        title="Drainage", due_date=datetime.date(2014, 3, 10), estimated_cost=Decimal(300), **common
    )
    WorkOrder.objects.create(title="Water point", status="done", actual_cost=Decimal(450), **common)
