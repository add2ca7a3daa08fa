"""A hand-built sample: the report's weighted shares and 95% intervals against values
computed here from the textbook formulas (Wilson's score interval on Kish's effective
sample size), not by the app's code."""

from __future__ import annotations

import math

from sitetrack.core.testing import BaseCase
from sitetrack.returns.choices import Intention, Timing
from sitetrack.returns.report import returns_report
from sitetrack.returns.tests.helpers import add, make_survey

Z = 1.959963984540054


def wilson_by_hand(p: float, n: float) -> tuple[float, float]:
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


class WeightedSampleTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.survey = make_survey(cls.operation, sampling_method="stratified")
        # M'Poko: 14 households weighing 2 (8 return, 6 integrate); Boy-Rabe: 10 weighing 1
        # (5 return, 5 undecided). No cell under 5: nothing is suppressed.
        add(cls.survey, cls.mpoko, Intention.RETURN, count=8, weight=2.0, timing=Timing.WITHIN_MONTH)
        add(cls.survey, cls.mpoko, Intention.INTEGRATE, count=6, weight=2.0)
        add(cls.survey, cls.boy_rabe, Intention.RETURN, count=5, weight=1.0, timing=Timing.ONE_TO_THREE)
        add(cls.survey, cls.boy_rabe, Intention.UNDECIDED, count=5, weight=1.0)

    def test_the_overall_share_is_the_weighted_proportion_with_a_wilson_interval_on_kish_n(self):
        report = returns_report(self.survey)
        total = report.table("site").total
        columns = [c for c, _l in report.table("site").columns]
        returning = total.cells[columns.index(Intention.RETURN)]
        weights = [2.0] * 14 + [1.0] * 10
        p = (8 * 2 + 5 * 1) / sum(weights)  # 21 / 38
        n_eff = sum(weights) ** 2 / sum(w * w for w in weights)  # 38² / 66
        low, high = wilson_by_hand(p, n_eff)
        self.assertEqual(returning.n, 13)
        self.assertAlmostEqual(returning.share, 21 / 38, places=9)
        self.assertAlmostEqual(returning.low, low, places=9)
        self.assertAlmostEqual(returning.high, high, places=9)
        # The unweighted share would be 13/24 = 0.542; weighting moves it to 0.553.
        self.assertNotAlmostEqual(returning.share, 13 / 24, places=3)

    def test_a_site_row_uses_its_own_households_as_the_base(self):
        report = returns_report(self.survey)
        table = report.table("site")
        columns = [c for c, _l in table.columns]
        mpoko = next(r for r in table.rows if r.code == "CF7111-S001")
        cell = mpoko.cells[columns.index(Intention.RETURN)]
        low, high = wilson_by_hand(8 / 14, 14.0)  # equal weights: n_eff = n
        self.assertEqual((cell.n, mpoko.total.n), (8, 14))
        self.assertAlmostEqual(cell.share, 8 / 14, places=9)
        self.assertAlmostEqual(cell.low, low, places=9)
        self.assertAlmostEqual(cell.high, high, places=9)

    def test_timing_is_among_those_intending_to_return(self):
        report = returns_report(self.survey)
        row = report.timing.rows[0]
        columns = [c for c, _l in report.timing.columns]
        self.assertEqual(row.total.n, 13)
        within = row.cells[columns.index(Timing.WITHIN_MONTH)]
        self.assertAlmostEqual(within.share, 16 / 21, places=9)

    def test_a_census_has_shares_but_no_interval(self):
        self.survey.sampling_method = "census"
        self.survey.save()
        report = returns_report(self.survey)
        cell = report.table("site").total.cells[0]
        self.assertIsNotNone(cell.share)
        self.assertIsNone(cell.low)
        self.assertEqual(cell.interval, "")


class ComparisonAndAnswersTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        import datetime as dt

        super().setUpTestData()
        cls.february = make_survey(cls.operation, month=dt.date(2014, 2, 1), sampling_method="census")
        add(cls.february, cls.mpoko, Intention.RETURN, count=10)
        add(cls.february, cls.mpoko, Intention.UNDECIDED, count=30)
        cls.march = make_survey(cls.operation, sampling_method="census")
        add(cls.march, cls.mpoko, Intention.RETURN, count=18, answers={"obstacles": ["no_transport"]})
        add(
            cls.march,
            cls.mpoko,
            Intention.UNDECIDED,
            count=22,
            answers={"obstacles": ["insecurity", "no_transport"]},
        )

    def test_the_change_since_last_month_is_in_percentage_points(self):
        report = returns_report(self.march)
        rows = {label: (now, then, change) for label, now, then, change in report.comparison.rows}
        now, then, change = rows["Return to place of origin"]
        self.assertAlmostEqual(now.share, 18 / 40)
        self.assertAlmostEqual(then.share, 10 / 40)
        self.assertAlmostEqual(change, (18 / 40 - 10 / 40) * 100)
        self.assertEqual(report.comparison.previous_month, "February 2014")

    def test_obstacles_are_ranked_by_the_households_naming_them(self):
        report = returns_report(self.march)
        obstacles = next(r for r in report.answers if r.slug == "obstacles")
        self.assertEqual([code for code, _l, _f in obstacles.rows], ["no_transport", "insecurity"])
        self.assertEqual(obstacles.rows[0][2].n, 40)
        self.assertAlmostEqual(obstacles.rows[1][2].share, 22 / 40)

    def test_the_headline_is_none_for_a_month_without_survey(self):
        import datetime as dt

        from django.utils import translation

        from sitetrack.returns.report import return_headline

        self.assertIsNone(return_headline(operation=self.operation, month=dt.date(2014, 1, 1)))
        with translation.override("en"):
            headline = return_headline(operation=self.operation, month=dt.date(2014, 3, 15))
            by_key = return_headline(operation=self.operation, month="2014-03")
        self.assertEqual(dict(headline.rows)["Return to place of origin"], "45.0% (18)")
        self.assertEqual(by_key.rows, headline.rows)

    def test_the_page_speaks_french(self):
        self.login(self.victor)
        page = self.client.get(f"/returns/{self.march.key}/", headers={"accept-language": "fr"})
        self.assertContains(page, "Rapport mensuel sur les intentions de retour")
        self.assertContains(page, "Retour au lieu d&#x27;origine")
