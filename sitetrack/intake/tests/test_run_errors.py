"""Why an import failed is stored as a code and its parameters and read in the reader's
language: the run's page and its status in French for a French reader, in English for
an English one, whoever ran the import; errors stored as text before read as written."""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path

import python_calamine as pc
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from sitetrack.core.xlsx import write_xlsx
from sitetrack.demo.fake_export import write_kobo_xlsx
from sitetrack.intake.models import ImportRun, ImportStatus
from sitetrack.intake.run_errors import error_message
from sitetrack.intake.services import import_file
from sitetrack.intake.tests.helpers import IntakeCase


class RunErrorTests(IntakeCase):
    def failed_run(self) -> ImportRun:
        """An import of an export whose site column was renamed, run in French."""
        tmp = Path(tempfile.mkdtemp())
        good = write_kobo_xlsx(tmp / "good.xlsx", submissions=3, sites=self.sites_for_export(), seed=3)
        wb = pc.CalamineWorkbook.from_path(str(good))
        sheets = [(n, wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names]
        header = sheets[0][1][0]
        header[header.index("grp_location/site_code")] = "grp_location/site_cod"
        write_xlsx(tmp / "renamed.xlsx", sheets)
        with translation.override("fr"):
            run = import_file(
                operation=self.operation, round=self.round, user=self.imani, path=tmp / "renamed.xlsx"
            )
        self.assertEqual(run.status, ImportStatus.FAILED)
        return run

    def test_the_error_is_a_code_and_reads_in_each_readers_language(self):
        run = self.failed_run()
        self.assertEqual(run.error["code"], "missing_site_column_close")
        self.assertNotIn("message", run.error)
        self.assertTrue(run.error["params"]["columns"].startswith("site_cod"))
        with translation.override("en"):
            self.assertEqual(
                error_message(run.error),
                "The required column site_code (the site code) is missing. Closest columns in the file: "
                f"{run.error['params']['columns']}.",
            )
        with translation.override("fr"):
            self.assertEqual(
                error_message(run.error),
                "La colonne obligatoire site_code (le code du site) manque. Colonnes les plus proches dans le "
                "fichier : "
                f"{run.error['params']['columns']}.",
            )

    def test_the_run_page_and_status_speak_the_readers_language(self):
        run = self.failed_run()
        self.client.force_login(self.imani)
        page = self.client.get(
            reverse("intake:run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        self.assertIn("The required column site_code (the site code) is missing.", page)
        status = self.client.get(
            reverse("intake:run-status", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="fr"
        ).json()
        self.assertIn("La colonne obligatoire site_code", status["error"]["message"])

    def test_errors_stored_as_text_get_their_code_or_read_as_written(self):
        english = ImportRun.objects.create(
            operation=self.operation,
            round=self.round,
            status=ImportStatus.FAILED,
            error={
                "message": "3 submissions were rejected and the import was asked to be all-or-nothing: "
                "nothing was written. See the cleaning log.",
                "rule": "all_or_nothing",
            },
        )
        other = ImportRun.objects.create(
            operation=self.operation,
            round=self.round,
            status=ImportStatus.FAILED,
            error={"message": "Le disque est plein.", "rule": "internal_error"},
        )
        migration = importlib.import_module("sitetrack.intake.migrations.0007_run_error_codes")
        migration.codes_for_stored_errors(apps, None)
        english.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual((english.error["code"], english.error["params"]), ("all_or_nothing", {"n": 3}))
        self.assertEqual(english.error["rule"], "all_or_nothing")
        with translation.override("fr"):
            self.assertTrue(error_message(english.error).startswith("3 soumissions ont été rejetées"))
        self.assertEqual(error_message(other.error), "Le disque est plein.")
