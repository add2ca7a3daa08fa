"""Why an assessment changed is stored as a code and its parameters and read in the
reader's language; reasons saved as text before keep reading as they were written."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from sitetrack.assessments import history, services
from sitetrack.assessments.models import SiteAssessment
from sitetrack.assessments.rules import HISTORY_REASON_LENGTH
from sitetrack.assessments.tests.fixtures import good_values, make_round
from sitetrack.core.testing import BaseCase


class ReasonTests(SimpleTestCase):
    def test_a_reason_reads_in_the_readers_language_with_what_the_user_wrote_as_written(self):
        stored = history.reason("returned", reason="recount block C")
        self.assertNotIn("Returned", stored)
        with translation.override("en"):
            self.assertEqual(history.reason_text(stored), "Returned: recount block C")
        with translation.override("fr"):
            self.assertEqual(history.reason_text(stored), "Renvoyée : recount block C")

    def test_an_import_reason_names_its_file_and_run_in_both_languages(self):
        stored = history.reason("import", file="kobo-week-12.xlsx", run=41)
        with translation.override("en"):
            self.assertEqual(history.reason_text(stored), "Import kobo-week-12.xlsx (#41)")
        with translation.override("fr"):
            self.assertEqual(history.reason_text(stored), "Import kobo-week-12.xlsx (n° 41)")

    def test_a_long_reason_is_shortened_to_fit_the_column_and_still_reads(self):
        stored = history.reason("corrected", reason="x" * 300)
        self.assertLessEqual(len(stored), HISTORY_REASON_LENGTH)
        with translation.override("en"):
            text = history.reason_text(stored)
        self.assertTrue(text.startswith("Corrected: xxx"))
        self.assertTrue(text.endswith("…"))

    def test_reasons_saved_as_text_read_as_written(self):
        self.assertEqual(history.reason_text("Demo data"), "Demo data")
        self.assertEqual(history.reason_text("Renvoyée : à recompter"), "Renvoyée : à recompter")
        self.assertEqual(history.reason_text("{not json"), "{not json")
        self.assertEqual(history.reason_text(None), "")

    def test_english_reasons_saved_as_text_get_their_code(self):
        stored = history.legacy_reason("Returned: Latrine count looks doubled")
        self.assertEqual(history.decoded(stored), ("returned", {"reason": "Latrine count looks doubled"}))
        self.assertEqual(
            history.decoded(history.legacy_reason("Import a.xlsx (#7)")),
            ("import", {"file": "a.xlsx", "run": 7}),
        )
        self.assertEqual(history.decoded(history.legacy_reason("Round closed")), ("round_closed", {}))
        self.assertIsNone(history.legacy_reason("Demo data"))


class StoredReasonTests(BaseCase):
    def test_the_services_store_codes_and_the_migration_converts_old_text(self):
        round_ = make_round(self.operation)
        assessment = services.assessment_save(
            site=self.mpoko, round=round_, user=self.fatou, values=good_values()
        )
        assessment = services.assessment_submit(assessment=assessment, user=self.fatou)
        services.assessment_return(assessment=assessment, user=self.imani, reason="recount block C")
        latest = assessment.history.first()
        self.assertEqual(
            history.decoded(latest.history_change_reason), ("returned", {"reason": "recount block C"})
        )
        with translation.override("fr"):
            self.assertEqual(history.reason_text(latest.history_change_reason), "Renvoyée : recount block C")
        # A row saved as English text before codes: the migration gives it its code; French
        # text stays as it was written.
        History = SiteAssessment.history.model
        History.objects.filter(pk=latest.pk).update(history_change_reason="Returned: recount block C")
        older = assessment.history.all()[1]
        History.objects.filter(pk=older.pk).update(history_change_reason="Soumise")
        migration = importlib.import_module("sitetrack.assessments.migrations.0005_history_reasons_as_codes")
        migration.forwards(apps, None)
        self.assertEqual(
            history.decoded(History.objects.get(pk=latest.pk).history_change_reason),
            ("returned", {"reason": "recount block C"}),
        )
        self.assertEqual(History.objects.get(pk=older.pk).history_change_reason, "Soumise")

    def test_the_history_on_the_assessment_page_is_in_the_readers_language(self):
        round_ = make_round(self.operation)
        assessment = services.assessment_save(
            site=self.mpoko, round=round_, user=self.imani, values=good_values()
        )
        assessment = services.assessment_submit(assessment=assessment, user=self.imani)
        services.assessment_return(assessment=assessment, user=self.imani, reason="recount block C")
        self.client.force_login(self.imani)
        url = reverse("assessments:detail", args=[assessment.pk])
        page = self.client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        self.assertIn("Renvoyée : recount block C", page)
        self.assertNotIn("&quot;code&quot;", page)
        page = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        self.assertIn("Returned: recount block C", page)
