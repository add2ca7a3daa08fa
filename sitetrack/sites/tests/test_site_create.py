from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.core.access import ROLE_ACTIONS
from sitetrack.core.models import Role
from sitetrack.core.testing import BaseCase, make_area
from sitetrack.geo.spatial import bbox_polygon
from sitetrack.sites.models import Site, SiteType
from sitetrack.sites.services import site_code_generate, site_create


class SiteCreateTest(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # The 1er arrondissement's boundary is known; CF7111 has none and inherits it.
        cls.arr1.boundary = bbox_polygon(18.50, 4.35, 18.60, 4.42)
        cls.arr1.save()
        cls.cameroon = make_area("CM", "Cameroon", 0)
        cls.yaounde = make_area("CM004", "Centre", 1, cls.cameroon)

    def create(self, **overrides) -> Site:
        values = {
            "operation": self.operation,
            "user": self.imani,
            "name": "Eglise Saint-Paul",
            "site_type": SiteType.COLLECTIVE_CENTRE,
            "admin_area": self.arr1_3,
            "latitude": 4.38,
            "longitude": 18.55,
        }
        values.update(overrides)
        return site_create(**values)

    def errors_of(self, **overrides) -> dict[str, list[str]]:
        with self.assertRaises(ValidationError) as caught:
            self.create(**overrides)
        return caught.exception.message_dict

    def test_it_generates_the_next_code_for_the_area(self) -> None:
        site = self.create()
        self.assertEqual(site.code, "CF7111-S002")
        self.assertEqual(site_code_generate(self.arr1_3), "CF7111-S003")
        self.assertEqual(site_code_generate(self.bimbo), "CF111-S001")

    def test_it_records_who_created_the_site_in_the_audit_history(self) -> None:
        site = self.create()
        record = site.history.get()
        self.assertEqual(record.history_type, "+")
        self.assertEqual(record.history_user, self.imani)

    def test_it_rejects_duplicate_site_code(self) -> None:
        errors = self.errors_of(code="cf7111-s001")
        self.assertEqual(errors["code"], ["Site code CF7111-S001 is already used by Aéroport M'Poko."])

    def test_it_rejects_a_point_outside_the_admin_area(self) -> None:
        errors = self.errors_of(latitude=4.9, longitude=18.2)
        self.assertEqual(errors["latitude"], ["The point 4.9, 18.2 lies outside 1er Arrondissement (CF711)."])
        self.assertFalse(Site.objects.filter(name="Eglise Saint-Paul").exists())

    def test_it_rejects_a_point_outside_the_country(self) -> None:
        errors = self.errors_of(latitude=48.85, longitude=2.35)
        self.assertIn("lies outside Central African Republic (CF)", errors["latitude"][0])

    def test_it_rejects_malformed_coordinates(self) -> None:
        errors = self.errors_of(latitude="4,38N", longitude="200")
        self.assertEqual(errors["latitude"], ["Latitude must be a number in decimal degrees, got “4,38N”."])
        self.assertEqual(errors["longitude"], ["Longitude must be between -180 and 180, got 200."])

    def test_it_wants_both_coordinates_or_none(self) -> None:
        errors = self.errors_of(longitude=None)
        self.assertEqual(errors["longitude"], ["Give both latitude and longitude, or neither."])
        self.assertEqual(self.create(latitude=None, longitude=None).latitude, None)

    def test_it_accepts_a_decimal_comma(self) -> None:
        self.assertEqual(self.create(latitude="4,38", longitude="18,55").latitude, 4.38)

    def test_it_rejects_an_unknown_pcode(self) -> None:
        errors = self.errors_of(admin_area="CF9999")
        self.assertEqual(errors["admin_area"], ["Unknown P-code “CF9999”."])

    def test_it_rejects_an_area_of_another_country(self) -> None:
        errors = self.errors_of(admin_area="CM004", latitude=None, longitude=None)
        self.assertIn("is not in Central African Republic", errors["admin_area"][0])

    def test_it_accepts_pcodes_and_labels(self) -> None:
        site = self.create(admin_area="cf7111", site_type="Centre collectif", management_agency="drc")
        self.assertEqual(site.admin_area, self.arr1_3)
        self.assertEqual(site.site_type, SiteType.COLLECTIVE_CENTRE)
        self.assertEqual(site.management_agency, self.ngo)

    def test_it_reports_every_problem_at_once(self) -> None:
        errors = self.errors_of(name="", site_type="castle", capacity="-3")
        self.assertEqual(set(errors), {"name", "site_type", "capacity"})

    def test_a_point_is_not_checked_against_an_unknown_boundary(self) -> None:
        site = self.create(admin_area=self.bimbo, latitude=4.25, longitude=18.41)
        self.assertEqual(site.code, "CF111-S001")

    def test_roles_without_create_site_are_refused(self) -> None:
        for user in (self.fatou, self.paul, self.victor, self.olga):
            with self.assertRaises(PermissionDenied):
                self.create(user=user)

    def test_a_facilitator_allowed_to_create_sites_is_held_to_their_areas(self) -> None:
        actions = ROLE_ACTIONS[Role.FACILITATOR] | {"create_site"}
        with mock.patch.dict(ROLE_ACTIONS, {Role.FACILITATOR: actions}):
            self.assertEqual(self.create(user=self.fatou).admin_area, self.arr1_3)
            errors = self.errors_of(user=self.fatou, admin_area=self.arr3_3, latitude=None, longitude=None)
        self.assertEqual(
            errors["admin_area"], ["3e Arrondissement (CF7131) is outside the areas assigned to you."]
        )

    def test_a_system_import_needs_no_user(self) -> None:
        site = self.create(user=None)
        self.assertIsNone(site.history.get().history_user)
