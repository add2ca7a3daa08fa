"""Deleting a strategic objective: IMOs and administrators only; its indicators go too,
its history stays."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from sitetrack.core.testing import BaseCase
from sitetrack.response.models import ObjectiveIndicator, StrategyObjective
from sitetrack.response.services import objective_create, objective_delete, objective_indicator_add


class ObjectiveDeleteTests(BaseCase):
    def setUp(self) -> None:
        self.objective = objective_create(operation=self.operation, user=self.imani, code="SO1", title="WASH")
        for measure in ("people_reached", "sites_reached"):
            objective_indicator_add(objective=self.objective, user=self.imani, measure=measure, target=10)
        self.other = objective_create(operation=self.operation, user=self.imani, code="SO2", title="Shelter")
        objective_indicator_add(objective=self.other, user=self.imani, measure="people_reached", target=5)

    def test_an_imo_deletes_it_with_its_indicators_and_only_it(self):
        pk = self.objective.pk
        objective_delete(objective=self.objective, user=self.imani)
        self.assertFalse(StrategyObjective.objects.filter(pk=pk).exists())
        self.assertEqual(
            list(ObjectiveIndicator.objects.values_list("objective", flat=True)), [self.other.pk]
        )
        self.assertEqual(
            list(
                StrategyObjective.history.filter(id=pk).values_list("history_type", flat=True).order_by("pk")
            ),
            ["+", "-"],
        )

    def test_others_may_not_delete_it(self):
        for user in (self.fatou, self.paul, self.victor, self.olga):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                objective_delete(objective=self.objective, user=user)
        self.assertEqual(self.objective.indicators.count(), 2)
        objective_delete(objective=self.objective, user=self.ada)
        self.assertFalse(StrategyObjective.objects.filter(code="SO1").exists())
