"""operation_create: a new operation in a country whose admin areas are imported."""

from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.core.models import Membership, Operation, Role
from sitetrack.core.operations import clean_languages, operation_create
from sitetrack.core.testing import BaseCase, make_area


class OperationCreateTest(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.mozambique = make_area("MZ", "Mozambique", 0)

    def test_it_creates_an_operation_by_iso3_with_its_languages(self):
        operation = operation_create(
            user=None, name="Mozambique — Cabo Delgado", country="MOZ", languages="pt,en"
        )
        self.assertEqual(operation.country, self.mozambique)
        self.assertEqual(operation.slug, "mozambique-cabo-delgado")
        self.assertEqual(operation.language_codes, ["en", "fr", "pt"])

    def test_the_creator_becomes_its_administrator(self):
        operation = operation_create(user=self.ada, name="Cabo Delgado", country="MZ", slug="cd")
        self.assertEqual(Membership.objects.get(user=self.ada, operation=operation).role, Role.ADMINISTRATOR)

    def test_only_administrators_create_operations(self):
        with self.assertRaises(PermissionDenied):
            operation_create(user=self.imani, name="Cabo Delgado", country="MZ")
        self.assertFalse(Operation.objects.filter(name="Cabo Delgado").exists())

    def test_a_country_without_admin_areas_says_to_import_them_first(self):
        with self.assertRaises(ValidationError) as caught:
            operation_create(user=None, name="Somalia 2024", country="SOM")
        self.assertIn("sitetrack import-admin-areas", caught.exception.message_dict["country"][0])

    def test_a_taken_slug_or_name_and_a_bad_language_are_named(self):
        with self.assertRaises(ValidationError) as caught:
            operation_create(
                user=None,
                name="Central African Republic — Bangui 2014",
                country="CAF",
                slug="car-bangui-2014",
                languages="sg,klingon",
            )
        errors = caught.exception.message_dict
        self.assertEqual(set(errors), {"name", "slug", "languages"})
        self.assertIn("klingon", errors["languages"][0])

    def test_english_and_french_are_always_kept(self):
        self.assertEqual(clean_languages(""), ["en", "fr"])
        self.assertEqual(clean_languages(["AR", "fr", "ar"]), ["en", "fr", "ar"])
