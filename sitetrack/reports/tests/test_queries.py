"""The weekly report's query count does not grow with the number of sites (no N+1)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sitetrack.assessments.models import AssessmentStatus, SiteAssessment
from sitetrack.core.catalogue import catalogue_for
from sitetrack.core.testing import BaseCase
from sitetrack.reports.selectors import weekly_report
from sitetrack.reports.tests.fixtures import make_round
from sitetrack.sites.models import Site, SiteType


class WeeklyReportQueryTests(BaseCase):
    def build(self, n: int, prefix: str):
        round1 = make_round(self.operation, 1)
        round2 = make_round(self.operation, 2)
        sites = Site.objects.bulk_create(
            Site(
                operation=self.operation,
                code=f"{prefix}-{i:03d}",
                name=f"Site {i}",
                site_type=SiteType.SPONTANEOUS_SITE,
                admin_area=self.arr1_3 if i % 2 else self.bimbo,
                management_agency=self.ngo,
            )
            for i in range(n)
        )
        rows = []
        for i, site in enumerate(sites):
            for rnd in (round1, round2):
                if rnd is round2 and i % 5 == 0:
                    continue  # some sites not assessed this week
                rows.append(
                    SiteAssessment(
                        round=rnd,
                        site=site,
                        status=AssessmentStatus.VALIDATED,
                        was_validated=True,
                        individuals=100 + i,
                        households=20,
                        need_wash=5,
                        priority_1="wash",
                        indicators={"water_litres_per_day": 500, "latrines_functional": 1},
                    )
                )
        SiteAssessment.objects.bulk_create(rows)
        return round2

    def count(self, n: int, prefix: str) -> int:
        round2 = self.build(n, prefix)
        catalogue_for(self.operation)  # the catalogue is loaded once per process
        with CaptureQueriesContext(connection) as ctx:
            report = weekly_report(round2, language="en")
        self.assertGreater(len(report.sites), 0)
        self.assertGreater(len(report.gaps_for("wash").rows), 0)
        # Clean up for the next size (same rounds numbers).
        SiteAssessment.objects.all().delete()
        round2.__class__.objects.all().delete()
        return len(ctx.captured_queries)

    def test_the_query_count_is_the_same_for_3_and_30_sites(self):
        small = self.count(3, "A")
        large = self.count(30, "B")
        self.assertEqual(small, large)
        # 14: the open sites of both rounds are counted in a query of their own, and the
        # catalogue versions assessments may use are read in one.
        self.assertLessEqual(small, 14)
