"""/api/admin-areas/: filters, detail, GeoJSON, and who may create or change an area."""

from __future__ import annotations

from django.contrib.auth.models import User

from sitetrack.core.models import Membership, Operation, Role
from sitetrack.core.testing import BaseCase, make_area
from sitetrack.geo.models import AdminArea

URL = "/api/admin-areas/"


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


class AdminAreaListTests(BaseCase):
    def pcodes(self, query: str = "") -> list[str]:
        response = self.api_as(self.victor).get(URL + query)
        self.assertEqual(response.status_code, 200, response.content)
        return [row["pcode"] for row in response.json()["results"]]

    def test_any_member_can_list_admin_areas(self) -> None:
        self.assertEqual(self.pcodes(), ["CF", "CF11", "CF111", "CF71", "CF711", "CF7111", "CF713", "CF7131"])

    def test_it_filters_by_level_parent_within_country_and_search(self) -> None:
        self.assertEqual(self.pcodes("?level=2"), ["CF111", "CF711", "CF713"])
        self.assertEqual(self.pcodes("?parent=CF71"), ["CF711", "CF713"])
        self.assertEqual(self.pcodes("?within=CF71"), ["CF711", "CF7111", "CF713", "CF7131"])
        self.assertEqual(self.pcodes("?country=CF&level=1"), ["CF11", "CF71"])
        self.assertEqual(self.pcodes("?q=bimbo"), ["CF111"])
        self.assertEqual(self.pcodes("?q=CF71&level=3"), ["CF7111", "CF7131"])

    def test_within_follows_the_hierarchy_not_the_code_prefix(self) -> None:
        make_area("CF1251", "Boganda", 3, self.arr1)  # a misfiled code, as in the real tables
        self.assertIn("CF1251", self.pcodes("?within=CF71"))

    def test_an_unknown_filter_code_is_a_field_error(self) -> None:
        response = self.api_as(self.victor).get(URL + "?within=CF99")
        self.assertEqual(response.status_code, 400)
        self.assertIn("CF99", response.json()["within"][0])
        response = self.api_as(self.victor).get(URL + "?level=two")
        self.assertEqual(list(response.json()), ["level"])

    def test_anonymous_users_are_refused(self) -> None:
        self.assertIn(self.client.get(URL).status_code, (401, 403))

    def test_the_detail_carries_the_boundary(self) -> None:
        AdminArea.objects.filter(pcode="CF711").update(boundary=square(18.58, 4.36))
        data = self.api_as(self.victor).get(URL + "CF711/").json()
        self.assertEqual(
            (data["name"], data["parent"], data["country"]), ("1er Arrondissement", "CF71", "CF")
        )
        self.assertEqual(data["boundary"]["type"], "Polygon")
        self.assertEqual(self.api_as(self.victor).get(URL + "CF999/").status_code, 404)

    def test_the_geojson_holds_boundaries_below_an_area(self) -> None:
        for pcode, lon in [("CF711", 18.58), ("CF713", 18.54), ("CF111", 18.40)]:
            area = AdminArea.objects.get(pcode=pcode)
            area.boundary, area.population = square(lon, 4.36), 1000
            area.save()
        response = self.api_as(self.victor).get(URL + "geojson/?level=2&within=CF71")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["type"], "FeatureCollection")
        self.assertEqual([f["properties"]["pcode"] for f in data["features"]], ["CF711", "CF713"])
        self.assertEqual(
            data["features"][0]["properties"],
            {
                "pcode": "CF711",
                "name": "1er Arrondissement",
                "level": 2,
                "parent": "CF71",
                "population": 1000,
            },
        )

    def test_the_schema_documents_the_admin_areas(self) -> None:
        response = self.api_as(self.victor).get("/api/schema/?format=json")
        paths = response.json()["paths"]
        self.assertIn("/api/admin-areas/geojson/", paths)
        self.assertIn("/api/admin-areas/{pcode}/", paths)


class AdminAreaWriteTests(BaseCase):
    new = {"pcode": "CF714", "name_en": "4e Arrondissement", "parent": "CF71", "population": 134408}

    def test_an_imo_adds_an_area_in_their_operations_country(self) -> None:
        response = self.api_as(self.imani).post(
            URL, {**self.new, "boundary": square(18.57, 4.40)}, format="json"
        )
        self.assertEqual(response.status_code, 201, response.content)
        area = AdminArea.objects.get(pcode="CF714")
        self.assertEqual((area.level, area.path, area.population), (2, "/CF/CF71/CF714/", 134408))
        self.assertAlmostEqual(area.max_lat, 4.41)

    def test_an_administrator_adds_an_area(self) -> None:
        response = self.api_as(self.ada).post(URL, self.new, format="json")
        self.assertEqual(response.status_code, 201)

    def test_a_viewer_a_partner_a_facilitator_and_a_stranger_cannot_add_an_area(self) -> None:
        for user in (self.victor, self.paul, self.fatou, self.olga):
            response = self.api_as(user).post(URL, self.new, format="json")
            self.assertEqual(response.status_code, 403, user.username)
        self.assertFalse(AdminArea.objects.filter(pcode="CF714").exists())

    def test_only_a_superuser_adds_a_country(self) -> None:
        chad = {"pcode": "TD", "name_en": "Chad"}
        self.assertEqual(self.api_as(self.imani).post(URL, chad, format="json").status_code, 403)
        root = User.objects.create_superuser("root", password=self.password)
        self.assertEqual(self.api_as(root).post(URL, chad, format="json").status_code, 201)

    def test_an_imo_of_another_country_cannot_change_this_one(self) -> None:
        chad = make_area("TD", "Chad", 0)
        chad_operation = Operation.objects.create(slug="chad", name="Chad", country=chad)
        Membership.objects.create(user=self.olga, operation=chad_operation, role=Role.IMO)
        response = self.api_as(self.olga).patch(URL + "CF711/", {"name_fr": "1er"}, format="json")
        self.assertEqual(response.status_code, 403)

    def test_bad_input_gets_field_errors(self) -> None:
        client = self.api_as(self.imani)
        wrong_prefix = client.post(URL, {**self.new, "pcode": "CF914"}, format="json")
        self.assertEqual(wrong_prefix.status_code, 400)
        self.assertIn("CF71", wrong_prefix.json()["pcode"][0])
        duplicate = client.post(URL, {**self.new, "pcode": "CF711"}, format="json")
        self.assertIn("already exists", duplicate.json()["pcode"][0])
        unknown_parent = client.post(URL, {**self.new, "parent": "CF79"}, format="json")
        self.assertIn("parent", unknown_parent.json())
        point = client.post(
            URL, {**self.new, "boundary": {"type": "Point", "coordinates": [18.5, 4.4]}}, format="json"
        )
        self.assertEqual(point.status_code, 400)
        self.assertIn("Polygon", point.json()["boundary"][0])
        self.assertFalse(AdminArea.objects.filter(pcode__in=["CF914", "CF714"]).exists())

    def test_an_imo_renames_an_area_and_a_viewer_cannot(self) -> None:
        response = self.api_as(self.imani).patch(
            URL + "CF711/", {"name_fr": "1er arrondissement"}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(AdminArea.objects.get(pcode="CF711").name_fr, "1er arrondissement")
        response = self.api_as(self.victor).patch(URL + "CF711/", {"name_fr": "x"}, format="json")
        self.assertEqual(response.status_code, 403)
        blank = self.api_as(self.imani).patch(URL + "CF711/", {"name_en": ""}, format="json")
        self.assertIn("name_en", blank.json())


class AdminAreaNamesTests(BaseCase):
    def test_the_list_and_the_detail_carry_the_names_in_every_language(self) -> None:
        AdminArea.objects.filter(pcode="CF711").update(names={"en": "1st Arrondissement", "sg": "Kêtê 1"})
        row = next(
            r
            for r in self.api_as(self.victor).get(URL + "?level=2").json()["results"]
            if r["pcode"] == "CF711"
        )
        self.assertEqual(row["names"], {"en": "1st Arrondissement", "sg": "Kêtê 1"})
        self.assertEqual(self.api_as(self.victor).get(URL + "CF711/").json()["names"]["sg"], "Kêtê 1")


class AdminAreaAdminTests(BaseCase):
    def test_the_admin_list_shows_the_other_languages(self) -> None:
        AdminArea.objects.filter(pcode="CF711").update(names={"ar": "عدن", "en": "x", "pt": "Bangui"})
        admin = User.objects.create_superuser("root", "root@example.org", self.password)
        self.client.force_login(admin)
        response = self.client.get("/admin/geo/adminarea/?q=CF711")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ar: عدن; pt: Bangui")


class AdminAreaNamesUpdateTests(BaseCase):
    def test_an_imo_sets_and_removes_a_name_in_another_language(self) -> None:
        AdminArea.objects.filter(pcode="CF711").update(names={"sg": "Kêtê 1", "ar": "?????"})
        response = self.api_as(self.imani).patch(
            URL + "CF711/", {"names": {"ar": "", "pt": "Primeiro"}}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["names"], {"sg": "Kêtê 1", "pt": "Primeiro"})

    def test_a_bad_language_or_a_lost_name_is_a_field_error(self) -> None:
        for names in ({"xx": "Bangui"}, {"ar": "?????"}):
            response = self.api_as(self.imani).patch(URL + "CF711/", {"names": names}, format="json")
            self.assertEqual(response.status_code, 400, response.content)
            self.assertIn("names", response.json())
        self.assertEqual(AdminArea.objects.get(pcode="CF711").names, {})
