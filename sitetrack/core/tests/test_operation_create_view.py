"""The administrators' page that sets up an operation."""

from django.urls import reverse

from sitetrack.core.models import Operation
from sitetrack.core.testing import BaseCase, make_area


class OperationCreateViewTest(BaseCase):
    def test_an_administrator_creates_an_operation(self):
        mozambique = make_area("MZ", "Mozambique", 0)
        self.login(self.ada)
        page = self.client.get(reverse("core:operation-create"))
        self.assertContains(page, "Mozambique")
        self.assertContains(page, "The order of steps")
        done = self.client.post(
            reverse("core:operation-create"),
            {"name": "Cabo Delgado 2024", "country": mozambique.pk, "slug": "", "languages": "pt"},
            follow=True,
        )
        self.assertContains(done, "Operation Cabo Delgado 2024 created")
        self.assertEqual(Operation.objects.get(slug="cabo-delgado-2024").language_codes, ["en", "fr", "pt"])

    def test_errors_are_shown_on_the_form(self):
        self.login(self.ada)
        page = self.client.post(
            reverse("core:operation-create"),
            {"name": self.operation.name, "country": self.car.pk, "languages": "xx"},
        )
        self.assertContains(page, "There is already an operation named")
        self.assertContains(page, "not a two-letter language code")

    def test_other_roles_are_refused(self):
        for user in (self.imani, self.fatou, self.victor, self.olga):
            self.login(user)
            self.assertEqual(self.client.get(reverse("core:operation-create")).status_code, 403)
