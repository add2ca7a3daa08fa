"""Response strategy: objectives, indicators, progress computed from activities and
assessments (strategy_progress, for the strategy page and the monthly report)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.assessments.models import AssessmentStatus, Round, RoundKind, SiteAssessment
from sitetrack.core.testing import BaseCase
from sitetrack.response.models import ActivityReport
from sitetrack.response.services import objective_create, objective_indicator_add, reporting_period_get
from sitetrack.response.strategy import strategy_progress
from sitetrack.response.tests.helpers import make_activity

FEBRUARY = date(2014, 2, 1)


class StrategyProgressTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        round = Round.objects.create(
            operation=cls.operation,
            kind=RoundKind.WEEKLY,
            number=1,
            period_start=date(2014, 2, 3),
            period_end=date(2014, 2, 9),
        )
        for site, people, wash in ((cls.mpoko, 1000, 5), (cls.boy_rabe, 400, 2)):
            SiteAssessment.objects.create(
                round=round,
                site=site,
                status=AssessmentStatus.VALIDATED,
                was_validated=True,
                individuals=people,
                households=people // 5,
                need_wash=wash,
            )
        activity = make_activity(cls, cls.ngo, targeted=900)
        make_activity(cls, cls.ngo, site=cls.boy_rabe, admin_area=cls.boy_rabe.admin_area, targeted=100)
        ActivityReport.objects.create(
            activity=activity,
            period=reporting_period_get(operation=cls.operation, month="2014-02"),
            reached=300,
        )
        cls.objective = objective_create(
            operation=cls.operation, user=cls.imani, code="SO1", title="Safe WASH in sites", sector="wash"
        )
        for measure, baseline, target in (
            ("people_in_need", 2000, 0),
            ("people_targeted", 0, 2000),
            ("people_reached", 0, 600),
            ("sites_reached", 0, 4),
        ):
            objective_indicator_add(
                objective=cls.objective, user=cls.imani, measure=measure, baseline=baseline, target=target
            )

    def test_progress_matches_the_hand_computed_figures(self):
        (objective,) = strategy_progress(self.operation, FEBRUARY)
        found = {i["measure"]: (i["value"], i["progress"]) for i in objective["indicators"]}
        self.assertEqual(
            found,
            {
                "people_in_need": (1000, 50.0),  # M'Poko only: WASH severity 5; Boy-Rabe 2
                "people_targeted": (1000, 50.0),
                "people_reached": (300, 50.0),
                "sites_reached": (2, 50.0),
            },
        )

    def test_a_month_before_anything_counts_nothing(self):
        (objective,) = strategy_progress(self.operation, date(2013, 6, 1))
        self.assertEqual([i["value"] for i in objective["indicators"]], [0, 0, 0, 0])

    def test_only_imos_and_administrators_write_the_strategy(self):
        for user in (self.paul, self.fatou, self.victor):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                objective_create(operation=self.operation, user=user, code="SO9", title="x")

    def test_bad_values_are_named(self):
        with self.assertRaises(ValidationError) as raised:
            objective_create(operation=self.operation, user=self.imani, code="so1", title="")
        self.assertEqual(set(raised.exception.message_dict), {"code", "title"})
        with self.assertRaises(ValidationError) as raised:
            objective_indicator_add(
                objective=self.objective, user=self.imani, measure="happiness", target="-1"
            )
        self.assertEqual(set(raised.exception.message_dict), {"measure", "target"})


class StrategyPageTests(BaseCase):
    def test_an_imo_adds_an_objective_and_an_indicator_and_sees_progress(self):
        self.login(self.imani)
        response = self.client.post(
            "/response/strategy/?month=2014-02",
            {"form": "objective", "code": "SO2", "title": "Shelter for all", "sector": "shelter_nfi"},
        )
        self.assertRedirects(response, "/response/strategy/?month=2014-02")
        objective = self.operation.objectives.get()
        self.client.post(
            "/response/strategy/?month=2014-02",
            {
                "form": "indicator",
                "objective": objective.pk,
                "measure": "sites_reached",
                "baseline": "0",
                "target": "10",
            },
        )
        page = self.client.get("/response/strategy/?month=2014-02")
        self.assertContains(page, "SO2")
        self.assertContains(page, "<progress")

    def test_a_viewer_reads_without_forms_and_cannot_post(self):
        self.login(self.victor)
        self.assertNotContains(self.client.get("/response/strategy/"), 'name="code"')
        self.assertEqual(
            self.client.post(
                "/response/strategy/", {"form": "objective", "code": "X", "title": "Y"}
            ).status_code,
            403,
        )
