"""The intake pages: upload → task → run page with progress and cleaning log; held
duplicates; mapping editor."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from unittest import mock

import openpyxl
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sitetrack.assessments.models import SiteAssessment
from sitetrack.demo.fake_export import write_kobo_xlsx
from sitetrack.intake.models import DuplicateHold, FieldMapping, HoldStatus, ImportRun, ImportStatus
from sitetrack.intake.services import uploads
from sitetrack.intake.tests.helpers import IntakeCase


class IntakePageTests(IntakeCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())

    def upload(self, n: int = 7, name: str = "export.xlsx") -> SimpleUploadedFile:
        path = write_kobo_xlsx(self.tmp / name, submissions=n, sites=self.sites_for_export(), seed=3)
        return SimpleUploadedFile(name, path.read_bytes())

    def test_an_imo_uploads_an_export_and_follows_its_import_to_the_summary(self):
        self.login(self.imani)
        stored = []
        original = uploads.import_upload_store

        def store(upload):
            stored.append(original(upload))
            return stored[-1]

        with mock.patch.object(uploads, "import_upload_store", side_effect=store):
            response = self.client.post(
                reverse("intake:home"),
                {"file": self.upload(), "round": self.round.pk, "form": "site-assessment"},
            )
        run = ImportRun.objects.get()
        self.assertRedirects(response, reverse("intake:run", args=[run.pk]))
        # The immediate task backend ran it during the request.
        self.assertEqual(run.status, ImportStatus.DONE, run.error)
        # The uploaded file (key informants' names and phones) is gone once imported.
        self.assertEqual(run.file_path, "")
        self.assertEqual(len(stored), 1)
        self.assertFalse(stored[0].exists())
        self.assertTrue(run.task_id)
        self.assertEqual(SiteAssessment.objects.filter(round=self.round).count(), 7)
        status = self.client.get(reverse("intake:run-status", args=[run.pk])).json()
        self.assertEqual(status["percent"], 100)
        self.assertEqual(status["summary"]["new"], 7)
        self.assertTrue(status["finished"])
        page = self.client.get(reverse("intake:run", args=[run.pk]))
        self.assertContains(page, 'id="run-bar"')
        self.assertContains(page, reverse("intake:run-log", args=[run.pk]))
        download = self.client.get(reverse("intake:run-log", args=[run.pk]))
        self.assertEqual(download.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
        self.assertEqual(book.active.cell(1, 1).value, "uuid")

    def test_a_file_that_cannot_be_read_ends_failed_with_its_message_on_the_run_page(self):
        self.login(self.imani)
        broken = SimpleUploadedFile("broken.xlsx", self.upload().read()[:5000])
        self.client.post(
            reverse("intake:home"), {"file": broken, "round": self.round.pk, "form": "site-assessment"}
        )
        run = ImportRun.objects.get()
        self.assertEqual(run.status, ImportStatus.FAILED)
        page = self.client.get(reverse("intake:run", args=[run.pk]))
        self.assertContains(page, "truncated_or_damaged")
        self.assertFalse(SiteAssessment.objects.exists())

    def test_the_pages_speak_french(self):
        self.login(self.imani)
        page = self.client.get(reverse("intake:home"), HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(page, "Importer un export")
        self.assertContains(page, "Correspondances des champs")

    def test_people_without_the_import_right_cannot_see_the_pages(self):
        for user in (self.fatou, self.paul, self.victor):
            self.login(user)
            self.assertEqual(self.client.get(reverse("intake:home")).status_code, 403, user)
            self.assertEqual(self.client.get(reverse("intake:mappings")).status_code, 403, user)

    def test_an_imo_chooses_the_held_submission_on_the_duplicates_page(self):
        self.login(self.imani)
        self.client.post(
            reverse("intake:home"),
            {"file": self.upload(n=9), "round": self.round.pk, "form": "site-assessment"},
        )
        hold = DuplicateHold.objects.filter(status=HoldStatus.OPEN).first()
        self.assertIsNotNone(hold)
        page = self.client.get(reverse("intake:holds"))
        self.assertContains(page, hold.uuid)
        response = self.client.post(reverse("intake:hold-resolve", args=[hold.pk]), {"choice": "take"})
        self.assertRedirects(response, reverse("intake:holds"))
        hold.refresh_from_db()
        self.assertEqual(hold.status, HoldStatus.TOOK_NEW)
        assessment = SiteAssessment.objects.get(round=self.round, site=hold.site)
        self.assertEqual(assessment.individuals, hold.values["values"]["individuals"])

    def test_why_a_submission_is_held_reads_in_the_readers_language(self):
        self.login(self.imani)
        self.client.post(
            reverse("intake:home"),
            {"file": self.upload(n=9), "round": self.round.pk, "form": "site-assessment"},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
        hold = DuplicateHold.objects.filter(status=HoldStatus.OPEN).first()
        self.assertIsNotNone(hold)
        self.assertEqual(hold.reason, "duplicate_in_file")
        english = "Another submission in this file is for the same site and round"
        self.assertContains(self.client.get(reverse("intake:holds"), HTTP_ACCEPT_LANGUAGE="en"), english)
        page = self.client.get(reverse("intake:holds"), HTTP_ACCEPT_LANGUAGE="fr")
        self.assertNotContains(page, english)
        self.assertContains(page, hold.values["reason_params"]["uuid"])

    def test_the_mapping_editor_saves_pairs_and_downloads_them_as_yaml_and_json(self):
        self.login(self.imani)
        response = self.client.post(
            reverse("intake:mapping-new"),
            {
                "name": "partner-form",
                "description": "A partner's own form",
                "form_id": "",
                "repeats": "",
                "source": ["code_site", "nb_personnes", "methode", ""],
                "target": ["site_code", "individuals", "method", ""],
                "values": ["", "", "KI=key_informant, OBS=observation", ""],
            },
        )
        mapping = FieldMapping.objects.get(name="partner-form")
        self.assertRedirects(response, reverse("intake:mapping", args=[mapping.pk]))
        self.assertEqual(mapping.fields["nb_personnes"], "individuals")
        self.assertEqual(
            mapping.fields["methode"],
            {"target": "method", "values": {"KI": "key_informant", "OBS": "observation"}},
        )
        text = self.client.get(reverse("intake:mapping-download", args=[mapping.pk])).content.decode()
        self.assertEqual(yaml.safe_load(text)["fields"]["code_site"], "site_code")
        data = self.client.get(reverse("intake:mapping-download", args=[mapping.pk]) + "?format=json").json()
        self.assertEqual(data["name"], "partner-form")

    def test_the_mapping_editor_refuses_an_unknown_target_and_saves_nothing(self):
        self.login(self.imani)
        response = self.client.post(
            reverse("intake:mapping-new"),
            {
                "name": "bad",
                "source": ["code_site", "x"],
                "target": ["site_code", "no_such_target"],
                "values": ["", ""],
            },
        )
        self.assertContains(response, "no_such_target")
        self.assertFalse(FieldMapping.objects.filter(name="bad").exists())

    def test_a_mapping_uploaded_as_yaml_is_saved(self):
        self.login(self.imani)
        doc = {"name": "uploaded", "fields": {"ssid": "site_code", "idp_ind": "individuals"}}
        upload = SimpleUploadedFile("uploaded.yaml", yaml.safe_dump(doc).encode())
        self.client.post(reverse("intake:mappings"), {"file": upload})
        self.assertEqual(FieldMapping.objects.get(name="uploaded").fields["idp_ind"], "individuals")
        self.client.post(reverse("intake:mappings"), {"install": "1"})
        self.assertTrue(FieldMapping.objects.filter(name="dtm-site-assessment").exists())

    def test_an_xlsform_uploaded_as_a_mapping_is_named_a_form_with_what_to_upload(self):
        self.login(self.imani)
        from sitetrack.intake.formspec import indicator_dicts_for, site_assessment_form
        from sitetrack.intake.xlsform.build import xlsform_bytes

        spec = site_assessment_form(indicator_dicts_for(self.operation))
        form = SimpleUploadedFile("site_assessment.xlsx", xlsform_bytes(spec, ["en", "fr"]))
        response = self.client.post(reverse("intake:mappings"), {"file": form})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "XLSForm")
        self.assertContains(response, "YAML or JSON")
        self.assertNotContains(response, "UTF-8")
        self.assertFalse(FieldMapping.objects.exists())

    def test_the_run_page_says_when_a_run_waits_for_a_worker(self):
        import datetime

        from sitetrack.intake.services import import_run_create

        self.login(self.imani)
        path = write_kobo_xlsx(self.tmp / "queued.xlsx", submissions=2, sites=self.sites_for_export(), seed=3)
        run = import_run_create(operation=self.operation, round=self.round, user=self.imani, path=path)
        ImportRun.objects.filter(pk=run.pk).update(task_id="queued-task")  # handed to the queue
        from sitetrack.intake import selectors

        with mock.patch.object(selectors, "WORKER_GRACE_SECONDS", 3600):  # however slow the machine
            status = self.client.get(reverse("intake:run-status", args=[run.pk])).json()
        self.assertFalse(status["waiting_for_worker"])  # just queued
        ImportRun.objects.filter(pk=run.pk).update(created_at=run.created_at - datetime.timedelta(minutes=2))
        status = self.client.get(reverse("intake:run-status", args=[run.pk])).json()
        self.assertTrue(status["waiting_for_worker"])
        page = self.client.get(reverse("intake:run", args=[run.pk]))
        self.assertContains(page, 'id="run-waiting" class="notice">')
        self.assertContains(page, "sitetrack db_worker")
