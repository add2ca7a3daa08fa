from sitetrack.core.testing import BaseCase, make_area
from sitetrack.geo.spatial import bbox_polygon
from sitetrack.sites.models import Site


class SitesApiTest(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.arr1.boundary = bbox_polygon(18.50, 4.35, 18.60, 4.42)
        cls.arr1.save()
        make_area("CF1111", "Bimbo", 3, cls.bimbo)

    def codes(self, response) -> list[str]:
        self.assertEqual(response.status_code, 200, response.content)
        return [row["code"] for row in response.json()["results"]]

    def test_it_lists_the_operations_sites(self) -> None:
        response = self.api_as(self.victor).get("/api/sites/")
        self.assertEqual(self.codes(response), ["CF7111-S001", "CF7131-S001"])
        first = response.json()["results"][0]
        self.assertEqual(first["admin_area"], "CF7111")
        self.assertEqual(first["operation"], "car-bangui-2014")
        self.assertEqual(response.json()["count"], 2)

    def test_it_filters_by_area_type_status_and_search(self) -> None:
        api = self.api_as(self.imani)
        self.assertEqual(self.codes(api.get("/api/sites/?area=CF713")), ["CF7131-S001"])
        self.assertEqual(self.codes(api.get("/api/sites/?area=CF71")), ["CF7111-S001", "CF7131-S001"])
        self.assertEqual(self.codes(api.get("/api/sites/?site_type=spontaneous_site")), ["CF7111-S001"])
        self.assertEqual(self.codes(api.get("/api/sites/?status=closed")), [])
        self.assertEqual(self.codes(api.get("/api/sites/?q=boy-rabe")), ["CF7131-S001"])
        self.assertEqual(self.codes(api.get("/api/sites/?area=CF9")), [])

    def test_search_finds_aliases(self) -> None:
        Site.objects.filter(pk=self.boy_rabe.pk).update(aliases=["Couvent des Carmes"])
        self.assertEqual(self.codes(self.api_as(self.imani).get("/api/sites/?q=carmes")), ["CF7131-S001"])

    def test_a_facilitator_does_not_see_sites_outside_scope_in_the_list(self) -> None:
        self.assertEqual(self.codes(self.api_as(self.fatou).get("/api/sites/")), ["CF7111-S001"])

    def test_a_facilitator_gets_404_for_a_site_outside_scope(self) -> None:
        api = self.api_as(self.fatou)
        self.assertEqual(api.get("/api/sites/CF7131-S001/").status_code, 404)
        self.assertEqual(api.get("/api/sites/CF7111-S001/").status_code, 200)

    def test_a_facilitator_cannot_patch_a_site_outside_scope(self) -> None:
        response = self.api_as(self.fatou).patch(
            "/api/sites/CF7131-S001/", {"notes": "mine now"}, format="json"
        )
        self.assertEqual(response.status_code, 404)
        self.boy_rabe.refresh_from_db()
        self.assertEqual(self.boy_rabe.notes, "")

    def test_a_facilitator_patches_a_site_in_scope(self) -> None:
        response = self.api_as(self.fatou).patch(
            "/api/sites/CF7111-S001/", {"capacity": 90000}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["capacity"], 90000)

    def test_a_facilitator_cannot_create_a_site(self) -> None:
        response = self.api_as(self.fatou).post(
            "/api/sites/", {"name": "X", "site_type": "transit_centre", "admin_area": "CF7131"}, format="json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Site.objects.filter(name="X").exists())

    def test_viewers_and_outsiders_cannot_write(self) -> None:
        self.assertEqual(
            self.api_as(self.victor).patch("/api/sites/CF7111-S001/", {"notes": "x"}).status_code, 403
        )
        self.assertEqual(self.api_as(self.olga).get("/api/sites/CF7111-S001/").status_code, 404)
        self.assertEqual(self.client.get("/api/sites/").status_code, 401)

    def test_an_imo_creates_a_site_with_a_generated_code(self) -> None:
        response = self.api_as(self.imani).post(
            "/api/sites/",
            {
                "name": "Grand Séminaire Saint-Marc",
                "site_type": "collective_centre",
                "admin_area": "CF1111",
                "latitude": 4.33,
                "longitude": 18.50,
                "capacity": 3000,
            },
            format="json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["code"], "CF1111-S001")

    def test_bad_input_gets_400_with_field_errors(self) -> None:
        api = self.api_as(self.imani)
        duplicate = api.post(
            "/api/sites/",
            {"code": "CF7111-S001", "name": "Dup", "site_type": "transit_centre", "admin_area": "CF7111"},
            format="json",
        )
        self.assertEqual(duplicate.status_code, 400)
        self.assertEqual(
            duplicate.json()["code"], ["Site code CF7111-S001 is already used by Aéroport M'Poko."]
        )
        unknown = api.post(
            "/api/sites/", {"name": "U", "site_type": "transit_centre", "admin_area": "XX12"}, format="json"
        )
        self.assertEqual(unknown.json()["admin_area"], ["Unknown P-code “XX12”."])
        outside = api.patch("/api/sites/CF7111-S001/", {"latitude": 4.9, "longitude": 18.2}, format="json")
        self.assertEqual(outside.status_code, 400)
        self.assertEqual(
            outside.json()["latitude"], ["The point 4.9, 18.2 lies outside 1er Arrondissement (CF711)."]
        )
        malformed = api.patch("/api/sites/CF7111-S001/", {"latitude": "4°23'N"}, format="json")
        self.assertEqual(malformed.status_code, 400)
        self.assertIn("Latitude must be a number", malformed.json()["latitude"][0])

    def test_the_schema_documents_the_sites_paths(self) -> None:
        response = self.api_as(self.victor).get("/api/schema/?format=json")
        self.assertEqual(response.status_code, 200)
        paths = response.json()["paths"]
        self.assertIn("/api/sites/", paths)
        self.assertIn("/api/sites/{code}/", paths)
        self.assertIn("post", paths["/api/sites/"])
        self.assertIn("patch", paths["/api/sites/{code}/"])
