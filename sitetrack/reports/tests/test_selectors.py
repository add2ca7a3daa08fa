from sitetrack.assessments.models import SiteAssessment
from sitetrack.core.catalogue import catalogue_for, catalogue_version_create
from sitetrack.core.testing import BaseCase
from sitetrack.reports.selectors import weekly_report
from sitetrack.reports.tests.fixtures import ROUND2, assess, build_weekly_fixture, make_round
from sitetrack.sites.models import SiteStatus
from sitetrack.sites.services import site_change_status


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
        # Like with like: only M'Poko and Boy-Rabe were validated in both rounds.
        self.assertEqual(kf.compared_sites, 2)
        self.assertEqual(kf.change_individuals, (1200 + 450) - (1000 + 500))
        self.assertEqual(kf.change_households, (240 + 90) - (200 + 100))
        self.assertEqual(kf.open_sites, 4)
        self.assertEqual(kf.coverage_percent, 75)
        self.assertEqual(kf.arrivals, 250 + 10 + 800)
        self.assertEqual(kf.departures, 50 + 60)
        self.assertEqual(kf.sites_not_assessed, 1)
        self.assertEqual(kf.individuals_not_assessed_last_known, 300)
        self.assertEqual(kf.sites_with_critical_gaps, 2)


class LikeWithLikeTests(BaseCase):
    """The headline change compares the sites validated in both rounds, and coverage is
    given beside the totals: a round where few sites are validated yet must not read as
    a mass departure."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)
        # Round 3: only M'Poko is validated so far (1,250 people, 50 more than in round 2).
        cls.round3 = make_round(cls.operation, 3)
        assess(cls.round3, cls.mpoko, individuals=1250, households=250)

    def test_the_change_counts_only_the_sites_validated_in_both_rounds(self):
        kf = weekly_report(self.round3, language="en").key_figures
        self.assertEqual(kf.individuals, 1250)
        self.assertEqual(kf.previous_individuals, 2450)
        # Not 1,250 - 2,450 = -1,200: M'Poko against M'Poko.
        self.assertEqual(kf.change_individuals, 50)
        self.assertEqual(kf.change_households, 10)
        self.assertEqual(kf.compared_sites, 1)
        self.assertEqual((kf.sites_assessed, kf.open_sites, kf.coverage_percent), (1, 4, 25))
        self.assertEqual((kf.previous_sites_assessed, kf.previous_open_sites), (3, 4))

    def test_no_site_in_both_rounds_gives_no_change_rather_than_a_difference_of_totals(self):
        round4 = make_round(self.operation, 4)
        assess(round4, self.boy_rabe, individuals=400, households=80)
        kf = weekly_report(round4, language="en").key_figures
        self.assertEqual(kf.compared_sites, 0)
        self.assertIsNone(kf.change_individuals)


class ClosedSiteTests(BaseCase):
    """A site counts in the rounds it was open in, by the dates of its status changes."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)
        cls.round3 = make_round(cls.operation, 3)  # 20 – 26 Jan 2014
        assess(cls.round3, cls.mpoko, individuals=1250, households=250)
        # Boy-Rabe closed on 15 January, in round 2; an assessment of round 3 was still
        # validated for it (a late import): it must not count.
        assess(cls.round3, cls.boy_rabe, individuals=450, households=90)
        site_change_status(site=cls.boy_rabe, user=None, status=SiteStatus.CLOSED, date="2014-01-15")
        # Bimbo was merged into M'Poko on 22 January, after round 2.
        site_change_status(
            site=cls.bimbo_site, user=None, status=SiteStatus.MERGED, date="2014-01-22", target=cls.mpoko
        )

    def codes(self, rows) -> list[str]:
        return [r.code for r in rows]

    def test_a_site_closed_before_the_round_is_neither_assessed_nor_missing_in_it(self):
        report = weekly_report(self.round3, language="en")
        self.assertEqual(self.codes(report.sites), ["CF7111-S001"])
        self.assertNotIn("CF7131-S001", self.codes(report.not_assessed))
        kf = report.key_figures
        self.assertEqual((kf.sites_assessed, kf.individuals), (1, 1250))
        # Open on 20 January: M'Poko and Don Bosco; Bimbo was merged on the 22nd, so it
        # was open when the round began and is listed as not assessed.
        self.assertEqual(kf.open_sites, 3)
        self.assertEqual(self.codes(report.not_assessed), ["CF111-S001", "CF7111-S002"])

    def test_a_site_closed_after_the_round_still_counts_in_it(self):
        report = weekly_report(self.round2, language="en")
        self.assertIn("CF7131-S001", self.codes(report.sites))
        self.assertEqual(self.codes(report.not_assessed), ["CF111-S001"])
        self.assertEqual(report.key_figures.open_sites, 4)

    def test_a_site_merged_before_the_round_is_not_listed_in_it(self):
        round4 = make_round(self.operation, 4)  # 27 Jan – 2 Feb 2014
        report = weekly_report(round4, language="en")
        self.assertEqual(self.codes(report.not_assessed), ["CF7111-S001", "CF7111-S002"])
        self.assertEqual(report.key_figures.open_sites, 2)


class CatalogueVersionGapTests(BaseCase):
    """Gaps are measured against the catalogue each assessment was collected with, as on
    the site page and in the API: a threshold change does not rewrite last week."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)
        first = catalogue_for(cls.operation).version
        SiteAssessment.objects.filter(round=cls.round2).update(catalogue_version=first)
        # The cluster lowers the water threshold from 15 to 10 l/person/day afterwards.
        catalogue_version_create(
            operation=cls.operation, user=cls.imani, changes={"litres_per_person_day": {"threshold": 10}}
        )

    def test_the_report_keeps_the_threshold_of_the_assessments_version(self):
        report = weekly_report(self.round2, language="en")
        mpoko = next(r for r in report.sites if r.code == "CF7111-S001")
        water = next(g for g in mpoko.gaps if g.code == "litres_per_person_day")
        self.assertEqual(water.threshold, 15)
        self.assertAlmostEqual(water.gap, 5.0)
        self.assertIn("15", water.threshold_text)
        self.assertEqual(report.key_figures.sites_with_critical_gaps, 2)
        self.assertEqual(report.gaps_for("wash").sites, 2)

    def test_an_assessment_of_the_new_version_uses_the_new_threshold(self):
        new = catalogue_for(self.operation).version
        SiteAssessment.objects.filter(round=self.round2, site=self.mpoko).update(catalogue_version=new)
        mpoko = next(r for r in weekly_report(self.round2, language="en").sites if r.code == "CF7111-S001")
        self.assertNotIn("litres_per_person_day", [g.code for g in mpoko.gaps])


class SeverityRuleTests(BaseCase):
    """One rule decides what is severe; every format marks what it decided."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)

    def test_the_threshold_of_the_rule_moves_every_mark_together(self):
        for severe_from, expected in ((4, ["protection"]), (2, ["protection", "wash"]), (5, [])):
            report = weekly_report(self.round2, language="en", severe_from=severe_from)
            boy_rabe = next(r for r in report.sites if r.code == "CF7131-S001")
            self.assertEqual(boy_rabe.severe_sectors, expected, severe_from)
            self.assertEqual([s for s, v in boy_rabe.severe.items() if v], expected)
            protection = [r.site.code for r in report.gaps_for("protection").rows]
            self.assertEqual("CF7131-S001" in protection, "protection" in expected)
