"""Monthly rounds for the profile tests, with figures chosen to be checked by hand.

Monthly round 3 (this month), validated: M'Poko 1,200 people / 240 households (5.0 per
household), 100 tents (41.7 %), 140 makeshift; water 18,000 l/day (15 l/person/day: met),
50 latrines (24 people per latrine: amber against ≤ 20), covered 2,400 m² (2 m²/person:
red against ≥ 3.5), site area 600,000 m² (500 m²/person: met); WASH need 5 (severe),
first priority WASH; a committee, no complaints mechanism recorded. Boy-Rabe 450 / 90.
Don Bosco is only submitted: no profile. Rounds 1 and 2 give M'Poko 900 and 1,000 people.
DRC runs an ongoing WASH activity at M'Poko during round 3; a completed one of another
partner does not count.
"""

from __future__ import annotations

import datetime

from sitetrack.assessments.models import AssessmentStatus, Round, RoundKind, SiteAssessment, VisitMethod
from sitetrack.core.models import Organisation
from sitetrack.response.models import Activity, ActivityStatus, ActivityType
from sitetrack.sites.models import Site, SiteType

MPOKO_BANDS = {
    "f_0_4": 100,
    "f_5_11": 120,
    "f_12_17": 90,
    "f_18_59": 250,
    "f_60_plus": 40,
    "m_0_4": 110,
    "m_5_11": 115,
    "m_12_17": 85,
    "m_18_59": 250,
    "m_60_plus": 40,
}


def month_round(operation, number: int) -> Round:
    start = datetime.date(2014, number, 1)
    end = datetime.date(2014, number + 1, 1) - datetime.timedelta(days=1)
    return Round.objects.create(
        operation=operation, kind=RoundKind.MONTHLY, number=number, period_start=start, period_end=end
    )


def assess(round: Round, site: Site, *, status: str = AssessmentStatus.VALIDATED, **values) -> SiteAssessment:
    return SiteAssessment.objects.create(
        round=round,
        site=site,
        status=status,
        was_validated=status in (AssessmentStatus.VALIDATED, AssessmentStatus.LOCKED),
        **values,
    )


def build_profile_fixture(case) -> None:
    """Adds three monthly rounds, a third site and two activities to a BaseCase class."""
    case.mpoko.management_agency = case.ngo
    case.mpoko.save()
    case.arr1.boundary = {
        "type": "Polygon",
        "coordinates": [[[18.50, 4.36], [18.56, 4.36], [18.56, 4.42], [18.50, 4.42], [18.50, 4.36]]],
    }
    case.arr1.save()
    case.arr1_3.boundary = {
        "type": "Polygon",
        "coordinates": [[[18.51, 4.38], [18.53, 4.38], [18.53, 4.41], [18.51, 4.41], [18.51, 4.38]]],
    }
    case.arr1_3.min_lon, case.arr1_3.min_lat, case.arr1_3.max_lon, case.arr1_3.max_lat = (
        18.51,
        4.38,
        18.53,
        4.41,
    )
    case.arr1_3.save()
    case.don_bosco = Site.objects.create(
        operation=case.operation,
        code="CF7111-S002",
        name="Don Bosco",
        site_type=SiteType.COLLECTIVE_CENTRE,
        admin_area=case.arr1_3,
    )
    case.round1 = month_round(case.operation, 1)
    case.round2 = month_round(case.operation, 2)
    case.round3 = month_round(case.operation, 3)
    assess(case.round1, case.mpoko, individuals=900, households=180)
    assess(case.round2, case.mpoko, individuals=1000, households=200)
    assess(case.round2, case.boy_rabe, individuals=500, households=100)
    case.mpoko_assessment = assess(
        case.round3,
        case.mpoko,
        individuals=1200,
        households=240,
        arrivals=250,
        departures=50,
        hh_tent=100,
        hh_makeshift=140,
        need_wash=5,
        need_health=3,
        need_protection=2,
        priority_1="wash",
        priority_2="health",
        priority_3="protection",
        visit_date=datetime.date(2014, 3, 12),
        method=VisitMethod.KEY_INFORMANT,
        indicators={
            "water_litres_per_day": 18000,
            "latrines_functional": 50,
            "covered_area_m2": 2400,
            "site_committee": True,
        },
        **MPOKO_BANDS,
    )
    case.boy_rabe_assessment = assess(case.round3, case.boy_rabe, individuals=450, households=90)
    assess(case.round3, case.don_bosco, status=AssessmentStatus.SUBMITTED, individuals=800, households=160)
    kind, _ = ActivityType.objects.get_or_create(
        code="profile-test-water-trucking",
        defaults={"sector": "wash", "name_en": "Water trucking", "name_fr": "Approvisionnement en eau"},
    )
    other = Organisation.objects.create(name="Oxfam Intermón", acronym="OXFAM", kind="ingo")
    for organisation, status in ((case.ngo, ActivityStatus.ONGOING), (other, ActivityStatus.COMPLETED)):
        Activity.objects.create(
            operation=case.operation,
            organisation=organisation,
            sector="wash",
            activity_type=kind,
            site=case.mpoko,
            admin_area=case.mpoko.admin_area,
            start_date=datetime.date(2014, 2, 1),
            status=status,
        )
