"""Every upload has a size limit, checked before the body is read, with a clear message."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site

UPLOAD_PAGES = ["sites:import", "intake:home", "intake:mapping-new"]


class UploadLimitTests(BaseCase):
    @override_settings(SITETRACK_MAX_UPLOAD_BYTES=4096)
    def test_every_upload_page_refuses_a_file_over_the_limit_with_its_size(self):
        self.login(self.imani)
        before = Site.objects.count()
        for name in UPLOAD_PAGES:
            with self.subTest(page=name):
                big = SimpleUploadedFile("sites.csv", b"code,name\n" + b"x" * 10_000, content_type="text/csv")
                response = self.client.post(reverse(name), {"file": big})
                self.assertEqual(response.status_code, 413)
                self.assertContains(response, "at most 0.0 MB", status_code=413)
        self.assertEqual(Site.objects.count(), before)

    @override_settings(SITETRACK_MAX_UPLOAD_BYTES=1024 * 1024)
    def test_a_declared_size_over_the_limit_is_refused_before_reading(self):
        self.login(self.imani)
        response = self.client.post(
            reverse("sites:import"),
            {"file": SimpleUploadedFile("s.csv", b"code\n")},
            CONTENT_LENGTH=str(5 * 1024**3),
        )
        self.assertEqual(response.status_code, 413)
        self.assertContains(response, "5120.0 MB", status_code=413)

    @override_settings(SITETRACK_MAX_UPLOAD_BYTES=1024 * 1024)
    def test_a_file_under_the_limit_reaches_the_page(self):
        self.login(self.imani)
        small = SimpleUploadedFile("sites.csv", b"code,name\n", content_type="text/csv")
        self.assertNotEqual(self.client.post(reverse("sites:import"), {"file": small}).status_code, 413)

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
    def test_the_api_refuses_a_json_body_over_the_limit_in_json(self):
        response = self.api_as(self.imani).post(reverse("api-tokens"), {"x": "y" * 5000}, format="json")
        self.assertEqual(response.status_code, 413)
        self.assertIn("at most", response.json()["detail"])
