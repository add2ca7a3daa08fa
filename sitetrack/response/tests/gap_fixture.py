"""A hand-built round for the gap analysis (see test_gaps.py for the expected matrix).

Round 1 (6–12 January 2014), validated assessments:
    M'Poko     1,000 people; WASH severity 5 and 10 l/person/day (threshold 15): 1 gap;
               health 4; protection 2
    Boy-Rabe     400 people; protection 4; WASH 2
    Don Bosco    200 people; health 1
Activities (January 2014):
    M'Poko WASH: DRC ongoing, 300 reached in January; NRC ongoing, 100 reached
    M'Poko health: only a planned one, and an "ongoing" one that ended in December
    Boy-Rabe protection: DRC ongoing, nothing reported yet
    Boy-Rabe WASH: DRC completed
    Don Bosco education: DRC, NRC and IRC ongoing
"""

from __future__ import annotations

from datetime import date

from sitetrack.assessments.models import AssessmentStatus, Round, RoundKind, SiteAssessment
from sitetrack.core.models import Organisation
from sitetrack.response.models import Activity, ActivityReport, ActivityType
from sitetrack.response.services import reporting_period_get
from sitetrack.sites.models import Site, SiteType


def _assess(round, site, **values):
    return SiteAssessment.objects.create(
        round=round, site=site, status=AssessmentStatus.VALIDATED, was_validated=True, **values
    )


def _activity(case, org, site, code, status="ongoing", **extra):
    activity_type = ActivityType.objects.get(code=code)
    return Activity.objects.create(
        operation=case.operation,
        organisation=org,
        sector=activity_type.sector,
        activity_type=activity_type,
        site=site,
        admin_area=site.admin_area,
        start_date=extra.pop("start_date", date(2014, 1, 1)),
        status=status,
        **extra,
    )


def build_gap_fixture(case) -> None:
    case.don_bosco = Site.objects.create(
        operation=case.operation,
        code="CF7111-S002",
        name="Don Bosco",
        site_type=SiteType.COLLECTIVE_CENTRE,
        admin_area=case.arr1_3,
    )
    case.round = Round.objects.create(
        operation=case.operation,
        kind=RoundKind.WEEKLY,
        number=1,
        period_start=date(2014, 1, 6),
        period_end=date(2014, 1, 12),
    )
    _assess(
        case.round,
        case.mpoko,
        individuals=1000,
        households=200,
        need_wash=5,
        need_health=4,
        need_protection=2,
        indicators={"water_litres_per_day": 10000},
    )
    _assess(case.round, case.boy_rabe, individuals=400, households=80, need_protection=4, need_wash=2)
    _assess(case.round, case.don_bosco, individuals=200, households=40, need_health=1)

    case.nrc = Organisation.objects.create(name="Norwegian Refugee Council", acronym="NRC", kind="ingo")
    case.irc = Organisation.objects.create(name="International Rescue Committee", acronym="IRC", kind="ingo")
    january = reporting_period_get(operation=case.operation, month="2014-01")
    drc_wash = _activity(case, case.ngo, case.mpoko, "wash-latrines")
    nrc_wash = _activity(case, case.nrc, case.mpoko, "wash-hygiene-kits")
    ActivityReport.objects.create(activity=drc_wash, period=january, reached=300)
    ActivityReport.objects.create(activity=nrc_wash, period=january, reached=100)
    _activity(case, case.ngo, case.mpoko, "health-mobile-clinic", status="planned")
    _activity(
        case,
        case.irc,
        case.mpoko,
        "health-vaccination",
        start_date=date(2013, 11, 1),
        end_date=date(2013, 12, 31),
    )
    _activity(case, case.ngo, case.boy_rabe, "prot-monitoring")
    _activity(case, case.ngo, case.boy_rabe, "wash-latrines", status="completed")
    for org in (case.ngo, case.nrc, case.irc):
        _activity(case, org, case.don_bosco, "edu-school-kits")
