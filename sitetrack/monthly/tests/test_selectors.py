"""The monthly report's figures: the weekly report's for the same round, like with like."""

from __future__ import annotations

import datetime

from sitetrack.core.testing import BaseCase
from sitetrack.monthly.selectors import (
    MonthWithoutData,
    area_figures,
    month_round,
    monthly_report,
    months_with_data,
    parse_month,
    return_headline,
)
from sitetrack.monthly.tests.fixtures import (
    FEBRUARY,
    JANUARY,
    MARCH,
    build_monthly_fixture,
    build_strategy_and_work_orders,
)
from sitetrack.reports.selectors import (
    key_figures_for,
    priority_ranking,
    round_assessed,
    sector_infos,
    weekly_report,
)
from sitetrack.response.infrastructure import work_order_stats
from sitetrack.response.models import ActivityReport
from sitetrack.response.selectors import response_by_sector
from sitetrack.response.services import reporting_period_get
from sitetrack.response.strategy import strategy_progress
from sitetrack.response.tests.helpers import make_activity, other_organisation


class MonthlyReportTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_monthly_fixture(cls)

    def test_a_month_is_represented_by_its_last_weekly_round_with_validated_figures(self):
        self.assertEqual(month_round(self.operation, FEBRUARY), self.round3)
        self.assertEqual(month_round(self.operation, JANUARY), self.round1)
        self.assertIsNone(month_round(self.operation, MARCH))  # only submitted assessments
        self.assertEqual(months_with_data(self.operation), [FEBRUARY, JANUARY])

    def test_its_key_figures_are_the_weekly_reports_for_the_same_round(self):
        report = monthly_report(self.operation, FEBRUARY)
        weekly = weekly_report(self.round3).key_figures
        for name in ("sites_assessed", "open_sites", "individuals", "households", "arrivals", "departures"):
            self.assertEqual(getattr(report.key, name), getattr(weekly, name), name)
        self.assertEqual(
            (report.key.individuals, report.key.sites_assessed, report.key.open_sites), (2450, 3, 4)
        )

    def test_the_change_since_last_month_compares_the_same_sites(self):
        report = monthly_report(self.operation, FEBRUARY)
        self.assertEqual(report.previous_round, self.round1)
        # M'Poko and Boy-Rabe: 1,650 against 1,500. Not 2,450 against 2,000.
        self.assertEqual((report.key.compared_sites, report.key.change_individuals), (2, 150))
        self.assertEqual(report.key.previous_individuals, 2000)
        self.assertEqual(report.key.coverage_percent, 75)

    def test_the_trend_shows_coverage_and_a_panel_of_the_same_sites(self):
        report = monthly_report(self.operation, FEBRUARY)
        self.assertEqual([p.month for p in report.trend], [JANUARY, FEBRUARY])
        january, february = report.trend
        self.assertEqual((january.figures.individuals, january.figures.open_sites), (2000, 4))
        self.assertEqual((february.figures.individuals, february.figures.change_individuals), (2450, 150))
        self.assertEqual(report.panel_sites, 2)
        self.assertEqual((january.panel_individuals, february.panel_individuals), (1500, 1650))

    def test_the_figures_by_area_add_up_to_the_key_figures_and_compare_like_with_like(self):
        whole = area_figures(self.round3, self.round1)[0]
        kf = key_figures_for(self.round3, self.round1)
        for name in ("sites_assessed", "open_sites", "individuals", "households", "compared_sites"):
            self.assertEqual(getattr(whole, name), kf[name], name)
        self.assertEqual(whole.change_individuals, kf["change_individuals"])
        by_admin1 = {f.key: f for f in area_figures(self.round3, self.round1, group="admin1")}
        self.assertEqual(sum(f.individuals for f in by_admin1.values()), kf["individuals"])
        bangui, ombella = by_admin1["CF71"], by_admin1["CF11"]
        self.assertEqual((bangui.individuals, bangui.sites_assessed, bangui.open_sites), (2450, 3, 3))
        self.assertEqual((bangui.compared_sites, bangui.change_individuals), (2, 150))
        self.assertEqual(
            (ombella.sites_assessed, ombella.open_sites, ombella.change_individuals), (0, 1, None)
        )
        types = {f.key: f.individuals for f in area_figures(self.round3, self.round1, group="site_type")}
        self.assertEqual(types, {"spontaneous_site": 1200, "collective_centre": 1250})

    def test_it_lists_the_sites_opened_and_closed_and_the_months_arrivals(self):
        report = monthly_report(self.operation, FEBRUARY)
        self.assertEqual([e.code for e in report.opened], ["CF7111-S002"])
        self.assertEqual([(e.code, e.status) for e in report.closed], [("CF7131-S002", "closed")])
        self.assertEqual([f.round.number for f in report.flows], [2, 3])
        self.assertEqual((report.month_arrivals, report.month_departures), (1160, 130))

    def test_the_priority_ranking_is_the_weekly_one_with_its_shift(self):
        report = monthly_report(self.operation, FEBRUARY)
        expected = priority_ranking(round_assessed(self.round3), sector_infos())
        self.assertEqual(
            [(p.sector.code, p.score) for p in report.priorities],
            [(p.sector.code, p.score) for p in expected],
        )
        wash = next(p for p in report.priorities if p.sector.code == "wash")
        self.assertEqual((wash.rank, wash.previous_rank, wash.moved), (1, 2, 1))
        protection = next(p for p in report.priorities if p.sector.code == "protection")
        self.assertIsNone(protection.previous_rank)

    def test_interventions_per_sector_and_per_organisation_come_from_the_3w(self):
        nrc = other_organisation()
        a = make_activity(self, self.ngo)
        b = make_activity(self, nrc, site=self.boy_rabe, admin_area=self.arr3_3, sector="protection")
        make_activity(self, nrc, status="planned")
        february = reporting_period_get(operation=self.operation, month="2014-02")
        ActivityReport.objects.create(activity=a, period=february, reached=70)
        ActivityReport.objects.create(activity=b, period=february, reached=30)
        report = monthly_report(self.operation, FEBRUARY)
        expected = [
            r for r in response_by_sector(operation=self.operation, month=FEBRUARY) if r["activities"]
        ]
        self.assertEqual(report.by_sector, expected)
        rows = {r["organisation"]: (r["activities"], r["reached"]) for r in report.by_organisation}
        self.assertEqual(rows, {"DRC": (1, 70), "NRC": (1, 30)})

    def test_the_strategy_progress_and_work_orders_are_the_response_apps_figures(self):
        build_strategy_and_work_orders(self)
        report = monthly_report(self.operation, FEBRUARY)
        self.assertEqual(report.strategy, strategy_progress(self.operation, FEBRUARY))
        (objective,) = report.strategy
        self.assertEqual(objective["code"], "SO1")
        self.assertEqual(
            [(i["measure"], i["value"], i["progress"]) for i in objective["indicators"]],
            [("people_reached", 300, 50.0), ("people_targeted", 900, 50.0)],
        )
        # Overdue at the month's last day: the urgent one due on 5 February.
        self.assertEqual(report.work_orders_on, datetime.date(2014, 2, 28))
        expected = work_order_stats(operation=self.operation, today=datetime.date(2014, 2, 28))
        self.assertEqual(report.work_orders, expected)
        w = report.work_orders
        self.assertEqual((w["open"], w["overdue"], w["urgent"], w["done"]), (2, 1, 1, 1))
        self.assertEqual((int(w["estimated_open"]), int(w["spent"])), (1500, 450))
        # In January nothing was overdue yet.
        self.assertEqual(monthly_report(self.operation, JANUARY).work_orders["overdue"], 0)

    def test_a_month_without_data_names_the_months_that_have_some(self):
        with self.assertRaises(MonthWithoutData) as caught:
            monthly_report(self.operation, MARCH)
        self.assertIn("2014-02, 2014-01", str(caught.exception))
        with self.assertRaises(ValueError):
            parse_month("2014-13")

    def test_return_headlines_show_only_when_the_returns_app_offers_them(self):
        from django.apps import apps

        if apps.is_installed("sitetrack.returns"):
            self.skipTest("the returns app is installed: its own tests cover its headline")
        self.assertIsNone(return_headline(self.operation, FEBRUARY))

    def test_the_return_headline_of_the_returns_app_is_shown_as_it_comes(self):
        import sys
        import types
        from unittest import mock

        calls = []

        def headline(*, operation, month):
            calls.append((operation, month))
            return {"title": "Return intentions, February 2014", "rows": [("Households surveyed", "1,204")]}

        fake = types.ModuleType("sitetrack.returns.selectors")
        fake.return_headline = headline
        with (
            mock.patch.dict(sys.modules, {"sitetrack.returns.selectors": fake}),
            mock.patch("django.apps.apps.is_installed", return_value=True),
        ):
            report = monthly_report(self.operation, FEBRUARY)
        self.assertEqual(calls, [(self.operation, FEBRUARY)])
        self.assertEqual(report.returns.title, "Return intentions, February 2014")
        self.assertEqual(report.returns.rows, [("Households surveyed", "1,204")])

    def test_the_map_has_the_assessed_sites_with_coordinates(self):
        report = monthly_report(self.operation, FEBRUARY)
        self.assertEqual([s.code for s in report.map_sites], ["CF7111-S001", "CF7111-S002", "CF7131-S001"])
