"""Interventions per sector (for the monthly DTM report), computed in SQL."""

from __future__ import annotations

from sitetrack.core.testing import BaseCase
from sitetrack.response.models import ActivityReport
from sitetrack.response.selectors import response_by_sector
from sitetrack.response.services import reporting_period_get
from sitetrack.response.tests.helpers import make_activity, other_organisation


class ResponseBySectorTests(BaseCase):
    def test_it_counts_activities_organisations_sites_and_people_reached(self):
        nrc = other_organisation()
        a = make_activity(self, self.ngo)
        b = make_activity(self, nrc, site=self.boy_rabe, admin_area=self.arr3_3)
        make_activity(self, nrc, status="planned")  # planned work is not an intervention
        january = reporting_period_get(operation=self.operation, month="2014-01")
        february = reporting_period_get(operation=self.operation, month="2014-02")
        ActivityReport.objects.create(activity=a, period=january, reached=100)
        ActivityReport.objects.create(activity=b, period=january, reached=40)
        ActivityReport.objects.create(activity=a, period=february, reached=70)
        rows = {r["sector"]: r for r in response_by_sector(operation=self.operation, month=january.month)}
        self.assertEqual(
            (
                rows["wash"]["activities"],
                rows["wash"]["organisations"],
                rows["wash"]["sites"],
                rows["wash"]["reached"],
            ),
            (2, 2, 2, 140),
        )
        self.assertEqual(rows["health"]["activities"], 0)
        self.assertEqual(response_by_sector(operation=self.operation)[1]["reached"], 210)
