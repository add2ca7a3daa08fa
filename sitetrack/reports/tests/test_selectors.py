from sitetrack.core.testing import BaseCase
from sitetrack.reports.selectors import weekly_report
from sitetrack.reports.tests.fixtures import ROUND2, build_weekly_fixture


class WeeklyReportSelectorTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)

    def test_it_computes_the_key_figures_from_validated_assessments(self):
        kf = weekly_report(self.round2, language="en").key_figures
        self.assertEqual(kf.sites_assessed, ROUND2["sites"])
        self.assertEqual(kf.individuals, 1200 + 450 + 800)
        self.assertEqual(kf.households, 240 + 90 + 160)
        self.assertEqual(kf.previous_individuals, 1000 + 500 + 300)
        self.assertEqual(kf.change_individuals, 2450 - 1800)
        self.assertEqual(kf.change_households, 490 - 360)
        self.assertEqual(kf.arrivals, 250 + 10 + 800)
        self.assertEqual(kf.departures, 50 + 60)
        self.assertEqual(kf.sites_not_assessed, 1)
        self.assertEqual(kf.individuals_not_assessed_last_known, 300)
        self.assertEqual(kf.sites_with_critical_gaps, 2)
