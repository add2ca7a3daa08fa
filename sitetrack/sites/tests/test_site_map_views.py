from django.test import override_settings
from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.geo.spatial import bbox_polygon


class SiteMapViewsTest(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.bangui.boundary = bbox_polygon(18.40, 4.30, 18.65, 4.48)
        cls.bangui.save()
        cls.arr1.boundary = bbox_polygon(18.50, 4.35, 18.60, 4.42)
        cls.arr1.save()
        cls.ombella.boundary = bbox_polygon(17.0, 4.3, 18.6, 5.5)  # no site there: not sent
        cls.ombella.save()

    def test_the_map_page_loads_leaflet_from_our_static_files(self) -> None:
        self.login(self.victor)
        page = self.client.get(reverse("sites:map"))
        self.assertContains(page, "vendor/leaflet/leaflet.js")
        self.assertContains(page, "vendor/leaflet/leaflet.css")
        self.assertContains(page, reverse("sites:map-data"))
        self.assertContains(page, 'data-tiles=""')

    @override_settings(MAP_TILES_URL="https://tiles.example.org/{z}/{x}/{y}.png")
    def test_tiles_come_from_the_setting(self) -> None:
        self.login(self.victor)
        self.assertContains(
            self.client.get(reverse("sites:map")), "https://tiles.example.org/{z}/{x}/{y}.png"
        )

    def test_map_data_has_our_boundaries_and_the_sites(self) -> None:
        self.login(self.victor)
        data = self.client.get(reverse("sites:map-data")).json()
        self.assertEqual([f["properties"]["pcode"] for f in data["areas"]["features"]], ["CF71", "CF711"])
        codes = [f["properties"]["code"] for f in data["sites"]["features"]]
        self.assertEqual(codes, ["CF7111-S001", "CF7131-S001"])
        first = data["sites"]["features"][0]
        self.assertEqual(first["geometry"]["coordinates"], [18.5189, 4.3986])
        self.assertEqual(first["properties"]["capacity"], 100000)

    def test_a_facilitator_sees_only_sites_in_scope_on_the_map(self) -> None:
        self.login(self.fatou)
        data = self.client.get(reverse("sites:map-data")).json()
        self.assertEqual([f["properties"]["code"] for f in data["sites"]["features"]], ["CF7111-S001"])
