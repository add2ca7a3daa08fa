"""The cleaning log stores a code and its parameters, never a sentence: each reader sees
the line in their own language and number format, and lines count by rule."""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path

import openpyxl
import python_calamine as pc
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from sitetrack.assessments.findings import MESSAGES as FINDING_MESSAGES
from sitetrack.core.xlsx import write_xlsx
from sitetrack.demo.fake_export import write_kobo_xlsx
from sitetrack.intake.cleaning_log import write_cleaning_log
from sitetrack.intake.log_messages import MESSAGES, legacy_code, legacy_patterns, log_message
from sitetrack.intake.models import ChangeType, CleaningLogEntry, ImportRun
from sitetrack.intake.selectors import cleaning_log_by_rule
from sitetrack.intake.services import import_file
from sitetrack.intake.tests.helpers import IntakeCase


class StoredAsCodeTests(IntakeCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        good = write_kobo_xlsx(self.tmp / "good.xlsx", submissions=6, sites=self.sites_for_export(), seed=5)
        wb = pc.CalamineWorkbook.from_path(str(good))
        self.sheets = [(n, wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names]

    def run_edited(self, change) -> ImportRun:
        rows = self.sheets[0][1]
        change(rows, rows[0])
        path = self.tmp / "edited.xlsx"
        write_xlsx(path, self.sheets)
        # Imported under French: what the line says must not depend on who imported it.
        with translation.override("fr"):
            return import_file(operation=self.operation, round=self.round, user=self.imani, path=path)

    def test_a_rejection_is_stored_as_code_and_params_and_read_in_each_language(self):
        def twice(rows, header):
            col = header.index("_uuid")
            rows[4][col] = rows[1][col]

        run = self.run_edited(twice)
        line = CleaningLogEntry.objects.get(run=run, change_type=ChangeType.REJECTED)
        self.assertEqual(line.issue, "")
        self.assertEqual(line.code, "duplicate_uuid")
        self.assertEqual((line.params["first"], line.params["row"]), (2, 5))
        with translation.override("en"):
            english = line.message
        with translation.override("fr"):
            french = line.message
        self.assertIn("appears twice in this file (rows 2 and 5)", english)
        self.assertNotIn("appears twice", french)
        self.assertIn(line.params["uuid"], french)

    def test_a_validation_finding_keeps_the_web_forms_code_and_reads_numbers_in_the_readers_format(self):
        def more_households(rows, header):
            rows[1][header.index("grp_population/households")] = 12_345
            rows[1][header.index("grp_population/individuals")] = 10_000

        run = self.run_edited(more_households)
        line = CleaningLogEntry.objects.filter(run=run, rule="households_individuals").first()
        self.assertIsNotNone(line, list(CleaningLogEntry.objects.filter(run=run).values_list("rule", "code")))
        self.assertIn(line.code, FINDING_MESSAGES)
        self.assertEqual((line.params["households"], line.params["individuals"]), (12_345, 10_000))
        with translation.override("en"):
            self.assertIn("more households (12,345) than individuals (10,000)", line.message)
        with translation.override("fr"):
            self.assertNotIn("more households", line.message)
            self.assertIn("12\xa0345", line.message)

    def test_the_page_the_workbook_and_the_api_speak_the_readers_language(self):
        def unknown_site(rows, header):
            rows[1][header.index("grp_location/site_code")] = "CF9999-S999"

        run = self.run_edited(unknown_site)
        self.client.force_login(self.imani)
        english = "is not in the registry of this operation"
        page = self.client.get(reverse("intake:run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, english)
        page = self.client.get(reverse("intake:run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="fr")
        self.assertNotContains(page, english)
        self.assertContains(page, "CF9999-S999")
        with translation.override("en"):
            out = write_cleaning_log(run, self.tmp / "en.xlsx")
        rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
        issues = [r[rows[0].index("issue")] for r in rows[1:]]
        self.assertTrue(any(english in (i or "") for i in issues), issues)
        body = self.client.get(f"/api/imports/{run.pk}/cleaning-log/", HTTP_ACCEPT_LANGUAGE="en").json()
        rejected = [e for e in body["results"] if e["change_type"] == "rejected"]
        self.assertEqual(rejected[0]["code"], "unknown_site")
        self.assertIn(english, rejected[0]["issue"])

    def test_lines_count_by_rule_in_the_database(self):
        def two_unknown(rows, header):
            rows[1][header.index("grp_location/site_code")] = "CF9999-S998"
            rows[2][header.index("grp_location/site_code")] = "CF9999-S999"

        run = self.run_edited(two_unknown)
        counts = {(c["rule"], c["change_type"]): c["lines"] for c in cleaning_log_by_rule(run)}
        self.assertEqual(counts[("unknown_site", ChangeType.REJECTED)], 2)
        self.assertEqual(sum(counts.values()), CleaningLogEntry.objects.filter(run=run).count())


class LegacyLinesTests(IntakeCase):
    """Lines stored as text before codes: the migration gives them their code."""

    def test_english_and_french_sentences_are_recognised_with_their_numbers(self):
        patterns = legacy_patterns(["en", "fr"])
        self.assertEqual(
            legacy_code("Flow 2: direction must be arrival or departure.", patterns),
            ("flow_direction", {"n": 2}),
        )
        self.assertEqual(
            legacy_code(
                "7 submissions name cash as a priority: map it to a sector in the mapping, or to ignore.",
                patterns,
            ),
            ("unknown_choice_value", {"n": 7, "value": "cash"}),
        )
        with translation.override("fr"):
            french = log_message("cell_too_long", {"n": 70_000, "max": 65_536})
        self.assertEqual(legacy_code(french, patterns), ("cell_too_long", {"n": 70_000, "max": 65_536}))
        self.assertIsNone(legacy_code("Something nobody wrote.", patterns))

    def test_the_migration_converts_stored_text_and_keeps_what_it_cannot_read(self):
        run = ImportRun.objects.create(operation=self.operation, round=self.round, created_by=self.imani)
        known = CleaningLogEntry.objects.create(
            run=run, change_type=ChangeType.REJECTED, rule="unknown_site",
            issue="Site code CF9999-S999 is not in the registry of this operation.",
        )  # fmt: skip
        other = CleaningLogEntry.objects.create(
            run=run, change_type=ChangeType.FLAGGED, rule="x", issue="A note from an older version."
        )
        migration = importlib.import_module("sitetrack.intake.migrations.0006_log_code_params")
        migration.codes_for_stored_lines(apps, None)
        known.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual(
            (known.code, known.params, known.issue), ("unknown_site", {"code": "CF9999-S999"}, "")
        )
        with translation.override("fr"):
            self.assertNotIn("is not in the registry", known.message)
        self.assertEqual((other.code, other.issue), ("", "A note from an older version."))
        with translation.override("fr"):
            self.assertEqual(other.message, "A note from an older version.")

    def test_every_code_has_a_french_sentence(self):
        for code in MESSAGES:
            with self.subTest(code=code):
                params = {"n": 2, "uuid": "u", "first": 1, "row": 2, "max": 3, "code": "c", "sites": "s",
                          "pcode": "p", "site": "s", "value": "v", "name": "m"}  # fmt: skip
                with translation.override("en"):
                    english = log_message(code, params)
                with translation.override("fr"):
                    french = log_message(code, params)
                self.assertNotEqual(english, french)
                self.assertFalse(french.startswith(f"{code}:"), french)
