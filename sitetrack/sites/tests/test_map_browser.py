"""The map in a real browser: log in, open the map, see our boundaries and the sites drawn
(no internet: Leaflet and the data come from this server, no tiles are configured)."""

from __future__ import annotations

import os
import shutil

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from sitetrack.core.models import Membership, Operation, Role
from sitetrack.core.testing import make_area
from sitetrack.geo.spatial import bbox_polygon
from sitetrack.sites.models import Site, SiteType

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
# `make test` installs Chromium; a developer without it may skip, but CI must not pass
# silently without the browser test, so there it fails instead.
pytestmark = pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not os.environ.get("CI"), reason="needs Chromium (make system-deps)"
)


@override_settings(MAP_TILES_URL="")
class MapInBrowserTest(StaticLiveServerTestCase):
    password = "a-long-demo-password"

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        car = make_area(
            "CF", "Central African Republic", 0, min_lon=14.4, min_lat=2.2, max_lon=27.5, max_lat=11.1
        )
        bangui = make_area("CF71", "Bangui", 1, car, boundary=bbox_polygon(18.49, 4.33, 18.64, 4.46))
        arr1 = make_area(
            "CF711", "1er Arrondissement", 2, bangui, boundary=bbox_polygon(18.56, 4.34, 18.62, 4.39)
        )
        arr3 = make_area(
            "CF713", "3e Arrondissement", 2, bangui, boundary=bbox_polygon(18.50, 4.36, 18.56, 4.42)
        )
        operation = Operation.objects.create(slug="car-bangui-2014", name="CAR — Bangui 2014", country=car)
        self.user = User.objects.create_user("imani", password=self.password)
        Membership.objects.create(user=self.user, operation=operation, role=Role.IMO)
        for code, name, area, lat, lon, capacity, kind in [
            ("CF713-S001", "Aéroport M'Poko", arr3, 4.3985, 18.519, 100000, SiteType.SPONTANEOUS_SITE),
            ("CF713-S002", "Padre Pio", arr3, 4.38, 18.54, 5000, SiteType.COLLECTIVE_CENTRE),
            ("CF711-S001", "Paroisse Saint-Paul", arr1, 4.36, 18.58, 3500, SiteType.COLLECTIVE_CENTRE),
        ]:
            Site.objects.create(
                operation=operation,
                code=code,
                name=name,
                admin_area=area,
                latitude=lat,
                longitude=lon,
                capacity=capacity,
                site_type=kind,
            )

    def test_the_map_draws_our_boundaries_and_the_sites(self) -> None:
        page = self.browser.new_page()
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(f"{self.live_server_url}/accounts/login/?next=/sites/map/")
        page.fill("#id_username", "imani")
        page.fill("#id_password", self.password)
        page.click("main button[type=submit]")
        page.wait_for_url("**/sites/map/")
        page.wait_for_selector("#map[data-sites]")
        self.assertEqual(page.locator("path.st-area").count(), 3)
        self.assertEqual(page.locator("path.st-site").count(), 3)
        # Sized by capacity: M'Poko's circle (drawn first: largest first) is the largest.
        radii = page.eval_on_selector_all(
            "path.st-site", "els => els.map(e => e.getBoundingClientRect().width)"
        )
        self.assertEqual(radii[0], max(radii))
        self.assertGreater(max(radii), 3 * min(radii))
        self.assertIn("3", page.inner_text("#map-status"))
        # A popup links to the site page.
        page.locator("path.st-site").first.click(force=True)
        link = page.locator(".leaflet-popup-content a")
        link.wait_for()
        self.assertTrue(link.get_attribute("href").startswith("/sites/CF7"))
        self.assertEqual(failed, [])
        page.close()
