"""Query counts of pages and API calls stay constant in the number of sites.

Each test measures one URL with 5 sites and again with 50 (each site with two weekly
rounds of validated assessments, a management agency and population flows) and asserts
the same number of queries, plus an upper bound: an N+1 query (a relation read per row)
fails here long before a national operation notices it.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sitetrack.assessments.models import (
    AssessmentStatus,
    FlowDirection,
    PopulationFlow,
    Round,
    RoundKind,
    RoundStatus,
    SiteAssessment,
)
from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site, SiteType

FEW, MANY = 5, 50
# Generous bounds: a page is a handful of queries, whatever the operation's size.
MAX_QUERIES_PAGE = 40
MAX_QUERIES_API = 20


class QueryCountCase(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        monday = dt.date(2014, 2, 3)
        cls.round1 = Round.objects.create(
            operation=cls.operation,
            kind=RoundKind.WEEKLY,
            number=1,
            period_start=monday,
            period_end=monday + dt.timedelta(days=6),
            status=RoundStatus.CLOSED,
        )
        cls.round2 = Round.objects.create(
            operation=cls.operation,
            kind=RoundKind.WEEKLY,
            number=2,
            period_start=monday + dt.timedelta(days=7),
            period_end=monday + dt.timedelta(days=13),
        )
        cls.added = 0

    def grow_to(self, count: int) -> None:
        """Add sites (spread over two admin3 areas) with assessments in both rounds."""
        areas = [self.arr1_3, self.arr3_3]
        new_sites = [
            Site(
                operation=self.operation,
                code=f"{areas[i % 2].pcode}-S{100 + i:03d}",
                name=f"Site {i}",
                site_type=SiteType.SPONTANEOUS_SITE,
                admin_area=areas[i % 2],
                management_agency=self.ngo,
                latitude=4.4,
                longitude=18.5,
                area_m2=20000,
            )
            for i in range(self.added, count)
        ]
        Site.objects.bulk_create(new_sites)
        sites = Site.objects.filter(code__in=[s.code for s in new_sites])
        for round_ in (self.round1, self.round2):
            assessments = SiteAssessment.objects.bulk_create(
                [
                    SiteAssessment(
                        round=round_,
                        site=site,
                        status=AssessmentStatus.VALIDATED,
                        was_validated=True,
                        households=100,
                        individuals=500,
                        f_18_59=250,
                        m_18_59=250,
                        arrivals=10,
                        departures=5,
                        need_wash=4,
                        need_health=2,
                        priority_1="wash",
                        priority_2="health",
                        indicators={"water_litres_per_day": 5000, "latrines_functional": 10},
                        validated_by=self.imani,
                        visit_date=round_.period_start,
                    )
                    for site in sites
                ]
            )
            PopulationFlow.objects.bulk_create(
                [
                    PopulationFlow(
                        assessment=a, direction=FlowDirection.ARRIVAL, area=self.bimbo, individuals=10
                    )
                    for a in assessments
                ]
            )
        self.added = count

    def count_queries(self, url: str, client) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        self.assertEqual(response.status_code, 200, f"{url}: {response.status_code}")
        return len(queries)

    def assert_constant(self, url: str, *, api: bool, bound: int) -> None:
        client = self.api_as(self.imani) if api else self.client
        if not api:
            self.login(self.imani)
        self.grow_to(FEW)
        self.count_queries(url, client)  # warm caches (catalogue, session) outside the count
        few = self.count_queries(url, client)
        self.grow_to(MANY)
        many = self.count_queries(url, client)
        self.assertEqual(few, many, f"{url}: {few} queries with {FEW} sites, {many} with {MANY}")
        self.assertLessEqual(many, bound, f"{url}: {many} queries")


class ApiQueryCountTests(QueryCountCase):
    def test_the_site_list_api_makes_the_same_queries_for_5_and_50_sites(self) -> None:
        self.assert_constant(f"/api/sites/?operation={self.operation.slug}", api=True, bound=MAX_QUERIES_API)

    def test_the_admin_area_api_makes_the_same_queries_for_5_and_50_sites(self) -> None:
        self.assert_constant("/api/admin-areas/", api=True, bound=MAX_QUERIES_API)

    def test_the_assessment_list_api_makes_the_same_queries_for_5_and_50_sites(self) -> None:
        self.assert_constant(
            f"/api/assessments/?operation={self.operation.slug}", api=True, bound=MAX_QUERIES_API
        )

    def test_the_round_list_api_makes_the_same_queries_for_5_and_50_sites(self) -> None:
        self.assert_constant(f"/api/rounds/?operation={self.operation.slug}", api=True, bound=MAX_QUERIES_API)


class PageQueryCountTests(QueryCountCase):
    def test_the_site_list_page_makes_the_same_queries_for_5_and_50_sites(self) -> None:
        self.assert_constant("/sites/", api=False, bound=MAX_QUERIES_PAGE)

    def test_the_round_board_makes_the_same_queries_for_5_and_50_sites(self) -> None:
        self.assert_constant(f"/assessments/rounds/{self.round2.pk}/", api=False, bound=MAX_QUERIES_PAGE)

    def test_the_weekly_report_page_makes_the_same_queries_for_5_and_50_sites(self) -> None:
        self.assert_constant(f"/reports/weekly/{self.round2.number}/", api=False, bound=MAX_QUERIES_PAGE)
