"""The strategy page's change and delete pages for an objective (IMOs and
administrators), in English and French."""

from __future__ import annotations

from django.utils import translation

from sitetrack.core.models import Operation
from sitetrack.core.testing import BaseCase
from sitetrack.response.models import StrategyObjective
from sitetrack.response.services import objective_create, objective_indicator_add


class ObjectiveViewTests(BaseCase):
    def setUp(self) -> None:
        self.objective = objective_create(operation=self.operation, user=self.imani, code="SO1", title="WASH")
        objective_indicator_add(
            objective=self.objective, user=self.imani, measure="people_reached", target=10
        )
        self.edit = f"/response/strategy/{self.objective.pk}/edit/"
        self.delete = f"/response/strategy/{self.objective.pk}/delete/"

    def test_the_strategy_page_links_to_change_and_delete_for_imos_only(self):
        self.login(self.imani)
        page = self.client.get("/response/strategy/")
        self.assertContains(page, f'href="{self.edit}"')
        self.assertContains(page, f'href="{self.delete}"')
        self.login(self.victor)
        page = self.client.get("/response/strategy/")
        self.assertContains(page, "WASH")
        self.assertNotContains(page, self.edit)
        self.assertNotContains(page, self.delete)

    def test_an_imo_changes_an_objective(self):
        self.login(self.imani)
        page = self.client.get(self.edit)
        self.assertContains(page, 'value="SO1"')
        response = self.client.post(self.edit, {"code": "SO1", "title": "Safe WASH", "sector": "wash"})
        self.assertRedirects(response, "/response/strategy/", fetch_redirect_response=False)
        self.assertContains(self.client.get("/response/strategy/"), "Objective SO1 saved.")
        self.objective.refresh_from_db()
        self.assertEqual((self.objective.title, self.objective.sector), ("Safe WASH", "wash"))

    def test_errors_are_shown_on_the_field(self):
        objective_create(operation=self.operation, user=self.imani, code="SO2", title="Shelter")
        self.login(self.imani)
        page = self.client.post(self.edit, {"code": "SO1", "title": ""})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'id="id_title-errors"')
        page = self.client.post(self.edit, {"code": "so2", "title": "Shelter too"})  # the service's rule
        self.assertContains(page, "There is already an objective so2.")
        self.assertContains(page, 'id="id_code-errors"')
        self.assertEqual(StrategyObjective.objects.get(pk=self.objective.pk).code, "SO1")

    def test_delete_asks_to_confirm_then_deletes(self):
        self.login(self.ada)
        self.assertContains(self.client.get(self.delete), "Delete objective SO1?")
        self.assertContains(self.client.post(self.delete, {}), "Delete objective SO1?")  # not confirmed
        self.assertTrue(StrategyObjective.objects.filter(pk=self.objective.pk).exists())
        response = self.client.post(self.delete, {"confirm": "yes"})
        self.assertRedirects(response, "/response/strategy/", fetch_redirect_response=False)
        self.assertFalse(StrategyObjective.objects.filter(pk=self.objective.pk).exists())
        self.assertContains(self.client.get("/response/strategy/"), "Objective SO1 deleted.")

    def test_other_roles_are_refused_and_other_operations_objectives_not_found(self):
        for user in (self.fatou, self.paul, self.victor):
            self.login(user)
            for path in (self.edit, self.delete):
                with self.subTest(user=user.username, path=path):
                    self.assertEqual(self.client.get(path).status_code, 403)
                    self.assertEqual(
                        self.client.post(path, {"confirm": "yes", "title": "x"}).status_code, 403
                    )
        self.assertTrue(StrategyObjective.objects.filter(pk=self.objective.pk, title="WASH").exists())
        elsewhere = Operation.objects.create(
            slug="elsewhere", name="Elsewhere", country=self.operation.country
        )
        theirs = StrategyObjective.objects.create(operation=elsewhere, code="X1", title="Theirs")
        self.login(self.imani)
        self.assertEqual(self.client.get(f"/response/strategy/{theirs.pk}/edit/").status_code, 404)
        self.assertEqual(
            self.client.post(f"/response/strategy/{theirs.pk}/delete/", {"confirm": "yes"}).status_code, 404
        )
        self.assertTrue(StrategyObjective.objects.filter(pk=theirs.pk).exists())

    def test_the_pages_in_french(self):
        self.login(self.imani)
        with translation.override("fr"):
            self.client.cookies["django_language"] = "fr"
            edit = self.client.get(self.edit, HTTP_ACCEPT_LANGUAGE="fr")
            delete = self.client.get(self.delete, HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(edit, "Objectif SO1")
        self.assertContains(delete, "Supprimer l’objectif SO1")
