"""The intake API: POST an import, GET its status and its cleaning log."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from sitetrack.assessments.models import SiteAssessment
from sitetrack.demo.fake_export import write_kobo_xlsx
from sitetrack.intake.models import ImportRun
from sitetrack.intake.tests.helpers import IntakeCase


class ImportApiTests(IntakeCase):
    def upload(self, n: int = 7) -> SimpleUploadedFile:
        tmp = Path(tempfile.mkdtemp())
        path = write_kobo_xlsx(tmp / "export.xlsx", submissions=n, sites=self.sites_for_export(), seed=5)
        return SimpleUploadedFile("export.xlsx", path.read_bytes())

    def post(self, user, **data):
        client = self.api_as(user)
        payload = {"file": self.upload(), "round": f"weekly:{self.round.number}", **data}
        return client.post("/api/imports/", payload, format="multipart")

    def test_an_imo_posts_an_export_and_reads_the_summary_and_cleaning_log(self):
        response = self.post(self.imani)
        self.assertEqual(response.status_code, 202, response.content)
        body = response.json()
        self.assertEqual(body["status"], "done")
        self.assertEqual(body["summary"]["new"], 7)
        client = self.api_as(self.imani)
        status = client.get(f"/api/imports/{body['id']}/").json()
        self.assertEqual(status["percent"], 100)
        self.assertEqual(SiteAssessment.objects.filter(round=self.round).count(), 7)
        log = client.get(f"/api/imports/{body['id']}/cleaning-log/").json()
        self.assertIn("results", log)
        self.assertEqual(log["count"], ImportRun.objects.get().log.count())
        xlsx = client.get(f"/api/imports/{body['id']}/cleaning-log/?download=xlsx")
        self.assertEqual(xlsx.status_code, 200)
        self.assertTrue(b"".join(xlsx.streaming_content).startswith(b"PK"))

    def test_an_unknown_round_is_a_field_error(self):
        response = self.post(self.imani, round="weekly:99")
        self.assertEqual(response.status_code, 400)
        self.assertIn("round", response.json())
        self.assertFalse(ImportRun.objects.exists())

    def test_a_partner_or_viewer_cannot_import_nor_read_imports(self):
        for user in (self.paul, self.victor, self.fatou):
            self.assertEqual(self.post(user).status_code, 403, user)
        run_id = self.post(self.imani).json()["id"]
        self.assertEqual(self.api_as(self.victor).get(f"/api/imports/{run_id}/").status_code, 403)
        self.assertEqual(self.api_as(self.olga).get(f"/api/imports/{run_id}/").status_code, 404)
