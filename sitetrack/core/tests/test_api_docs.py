"""The API documentation pages work without internet: Swagger UI and Redoc are served
from the drf-spectacular-sidecar package, never from a CDN."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.urls import reverse

from sitetrack.core.testing import BaseCase


class ApiDocsOfflineTests(BaseCase):
    def assets(self, url_name: str) -> list[str]:
        self.login(self.imani)
        response = self.client.get(reverse(url_name))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertNotRegex(html, r"https?://(cdn\.jsdelivr\.net|unpkg\.com|cdnjs)")
        return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)

    def test_swagger_ui_loads_its_scripts_and_styles_from_our_static_files(self):
        assets = self.assets("api-docs")
        self.assertTrue(any(a.endswith("swagger-ui-bundle.js") for a in assets), assets)
        for asset in assets:
            self.assertIsNotNone(finders.find(asset.removeprefix("/static/").split("?")[0]), asset)

    def test_redoc_loads_its_script_from_our_static_files(self):
        assets = self.assets("api-redoc")
        self.assertTrue(any("redoc" in a for a in assets), assets)
        for asset in assets:
            self.assertIsNotNone(finders.find(asset.removeprefix("/static/").split("?")[0]), asset)
