"""The 3W upload page: check first (nothing written), then import on confirmation; bad
files are refused with the problems named."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from sitetrack.core.testing import BaseCase
from sitetrack.response.models import Activity, OrganisationReview
from sitetrack.response.tests.fixtures.ocha_3w import generate
from sitetrack.response.tests.test_import_activities_published import AREAS


class ImportViewTests(BaseCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        media = override_settings(MEDIA_ROOT=self.folder / "media")
        media.enable()
        self.addCleanup(media.disable)

    def published(self, rows: int = 60) -> tuple[SimpleUploadedFile, object]:
        path = self.folder / "ocha-3w.csv"
        sites = [("CF7111-S001", "CF71", "CF711"), ("CF7131-S001", "CF71", "CF713")]
        expected = generate(path, rows=rows, areas=AREAS, sites=sites)
        return SimpleUploadedFile("ocha-3w.csv", path.read_bytes(), content_type="text/csv"), expected

    def test_an_imo_checks_then_imports_a_published_3w(self):
        self.login(self.imani)
        upload, expected = self.published()
        checked = self.client.post("/response/import/", {"file": upload})
        self.assertEqual(checked.status_code, 200)
        self.assertContains(checked, "nothing written yet")
        self.assertFalse(Activity.objects.exists())
        token = checked.context["token"]
        self.assertTrue(token)
        self.assertEqual(len(list((self.folder / "media" / "response-imports").iterdir())), 1)
        done = self.client.post("/response/import/", {"token": token})
        self.assertContains(done, "Imported")
        self.assertEqual(done.context["report"].refused_rows, expected.refused)
        self.assertTrue(Activity.objects.exists())
        self.assertTrue(OrganisationReview.objects.exists())
        self.assertEqual(list((self.folder / "media" / "response-imports").iterdir()), [])
        again = self.client.post("/response/import/", {"token": token})  # a second click
        self.assertContains(again, "expired")

    def test_a_file_that_is_not_a_3w_is_refused_with_its_problems(self):
        self.login(self.imani)
        upload = SimpleUploadedFile("notes.csv", b"hello,world\r\n1,2\r\n", content_type="text/csv")
        response = self.client.post("/response/import/", {"file": upload})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "notes.csv")
        self.assertContains(response, "Nothing can be imported")
        self.assertFalse(response.context["token"])

    def test_other_file_types_are_refused_by_the_form(self):
        self.login(self.imani)
        upload = SimpleUploadedFile("3w.pdf", b"%PDF-1.4", content_type="application/pdf")
        response = self.client.post("/response/import/", {"file": upload})
        self.assertContains(response, "is not a CSV or XLSX file")

    def test_a_bad_month_is_named(self):
        self.login(self.imani)
        upload, _expected = self.published(10)
        response = self.client.post("/response/import/", {"file": upload, "period": "March"})
        self.assertContains(response, "not_a_month")

    def test_partners_cannot_import(self):
        self.login(self.paul)
        self.assertEqual(self.client.get("/response/import/").status_code, 403)
