"""Changing a strategic objective: IMOs and administrators only, codes unique in the
operation, indicators kept, history recorded."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.core.testing import BaseCase
from sitetrack.response.models import StrategyObjective
from sitetrack.response.services import objective_create, objective_indicator_add, objective_update


class ObjectiveUpdateTests(BaseCase):
    def setUp(self) -> None:
        self.objective = objective_create(
            operation=self.operation, user=self.imani, code="SO1", title="Safe WASH", sector="wash"
        )
        objective_indicator_add(
            objective=self.objective, user=self.imani, measure="people_reached", target=600
        )
        objective_create(operation=self.operation, user=self.imani, code="SO2", title="Shelter")

    def test_an_imo_changes_the_objective_and_its_indicators_stay(self):
        objective_update(
            objective=self.objective,
            user=self.imani,
            code=" so1-b ",
            title="Safe WASH services in sites",
            sector="",
            description="All sites by June.",
        )
        found = StrategyObjective.objects.get(pk=self.objective.pk)
        self.assertEqual(
            (found.code, found.title, found.sector, found.description),
            ("so1-b", "Safe WASH services in sites", "", "All sites by June."),
        )
        self.assertEqual(found.indicators.count(), 1)
        self.assertEqual(found.history.count(), 2)  # created, changed

    def test_keeping_its_own_code_is_fine_but_not_another_objectives(self):
        objective_update(objective=self.objective, user=self.imani, code="so1", title="Safe WASH")
        with self.assertRaises(ValidationError) as caught:
            objective_update(objective=self.objective, user=self.imani, code="so2", title="")
        errors = caught.exception.message_dict
        self.assertIn("There is already an objective so2.", errors["code"])
        self.assertIn("title", errors)
        with self.assertRaises(ValidationError) as caught:
            objective_update(objective=self.objective, user=self.imani, code="SO1", title="x", sector="space")
        self.assertIn("sector", caught.exception.message_dict)
        self.assertEqual(StrategyObjective.objects.get(pk=self.objective.pk).code, "so1")

    def test_only_imos_and_administrators_may_change_it(self):
        objective_update(objective=self.objective, user=self.ada, code="SO1", title="By the administrator")
        for user in (self.fatou, self.paul, self.victor, self.olga):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                objective_update(objective=self.objective, user=user, code="SO1", title="Not allowed")
        self.assertEqual(StrategyObjective.objects.get(pk=self.objective.pk).title, "By the administrator")
