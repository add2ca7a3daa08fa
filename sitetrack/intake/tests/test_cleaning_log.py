"""The cleaning log XLSX lists every change and every rejection, where it was and why;
personal data stays in the raw submission."""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

import openpyxl
import python_calamine as pc

from sitetrack.assessments.models import SiteAssessment
from sitetrack.core.xlsx import write_xlsx
from sitetrack.demo.fake_export import write_kobo_xlsx
from sitetrack.intake.cleaning_log import cleaning_log_headers, write_cleaning_log
from sitetrack.intake.models import ChangeType, CleaningLogEntry, RawSubmission
from sitetrack.intake.services import import_file
from sitetrack.intake.tests.helpers import IntakeCase


class CleaningLogTests(IntakeCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        path = write_kobo_xlsx(self.tmp / "export.xlsx", submissions=7, sites=self.sites_for_export(), seed=2)
        wb = pc.CalamineWorkbook.from_path(str(path))
        self.main = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
        self.repeat = wb.get_sheet_by_name(wb.sheet_names[1]).to_python()
        self.names = wb.sheet_names
        self.header = self.main[0]

    def col(self, name: str) -> int:
        return next(i for i, h in enumerate(self.header) if h.endswith(f"/{name}") or h == name)

    def uuid(self, row: int) -> str:
        return self.main[row][self.col("_uuid")]

    def edited(self) -> Path:
        self.main[1][self.col("site_code")] = "CF9999-S999"  # unknown site
        future = datetime.date.today() + datetime.timedelta(days=30)
        self.main[2][self.col("visit_date")] = future.isoformat()  # in the future
        self.main[3][self.col("individuals")] = "many"  # wrong type
        self.main[4][self.col("site_code")] = self.main[4][self.col("site_code")].lower()  # changed
        path = self.tmp / "edited.xlsx"
        write_xlsx(path, [(self.names[0], self.main), (self.names[1], self.repeat)])
        return path

    def test_the_xlsx_lists_every_rejection_and_change_with_row_column_value_and_rule(self):
        run = import_file(operation=self.operation, round=self.round, user=self.imani, path=self.edited())
        self.assertEqual((run.rejected, run.new), (3, 4))
        out = write_cleaning_log(run, self.tmp / "log.xlsx")
        sheet = openpyxl.load_workbook(out).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), [str(h) for h in cleaning_log_headers()])
        lines = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
        # One line per log entry, none left out.
        self.assertEqual(len(lines), CleaningLogEntry.objects.filter(run=run).count())
        by_rule = {(line["uuid"], line["rule"]): line for line in lines}
        unknown = by_rule[(self.uuid(1), "unknown_site")]
        self.assertEqual(unknown["old.value"], "CF9999-S999")
        self.assertEqual(unknown["row"], 2)
        self.assertEqual(unknown["column"], "grp_location/site_code")
        self.assertEqual(unknown["new.value"], "(submission rejected)")
        self.assertEqual(unknown["file"], "edited.xlsx")
        self.assertIn((self.uuid(2), "future_date"), by_rule)
        wrong = [
            line
            for line in lines
            if line["uuid"] == self.uuid(3) and line["type_of_change"] == "Submission rejected"
        ]
        self.assertEqual(len(wrong), 1)
        self.assertEqual(wrong[0]["old.value"], "many")
        changed = by_rule[(self.uuid(4), "site_code_case")]
        self.assertEqual((changed["changed"], changed["new.value"]), ("yes", changed["old.value"].upper()))
        self.assertEqual(changed["changed_by"], "imani")
        # Every rejection and change in the database is in the workbook.
        expected = set(
            CleaningLogEntry.objects.filter(
                run=run, change_type__in=[ChangeType.REJECTED, ChangeType.CHANGED, ChangeType.UPDATED]
            ).values_list("uuid", "rule")
        )
        self.assertTrue(expected <= set(by_rule))
        self.assertEqual(len(expected), 4)

    def test_key_informant_names_and_phones_stay_in_the_raw_submission_only(self):
        name = self.main[1][self.col("ki_name")]
        phone = self.main[1][self.col("ki_phone")]
        self.assertTrue(name and phone)
        path = self.tmp / "plain.xlsx"
        write_xlsx(path, [(self.names[0], self.main), (self.names[1], self.repeat)])
        run = import_file(operation=self.operation, round=self.round, user=self.imani, path=path)
        raw = RawSubmission.objects.get(uuid=self.uuid(1))
        self.assertIn(name, raw.data)
        self.assertIn(phone, raw.data)
        assessment = raw.assessment
        # Not in the assessment, its indicators, its findings or its history.
        for row in SiteAssessment.objects.filter(round=self.round).values():
            self.assertNotIn(name, str(row))
            self.assertNotIn(phone, str(row))
        for row in SiteAssessment.history.filter(id=assessment.pk).values():
            self.assertNotIn(name, str(row))
        # Not in what the API returns: the import, its cleaning log, the assessments.
        client = self.api_as(self.imani)
        for url in (
            f"/api/imports/{run.pk}/",
            f"/api/imports/{run.pk}/cleaning-log/",
            f"/api/assessments/?operation={self.operation.slug}",
            f"/api/assessments/{assessment.pk}/",
        ):
            response = client.get(url)
            self.assertEqual(response.status_code, 200, url)
            body = response.content.decode()
            self.assertNotIn(name, body, url)
            self.assertNotIn(phone, body, url)
        # Not in the cleaning log workbook.
        out = write_cleaning_log(run, self.tmp / "log.xlsx")
        cells = " ".join(
            str(c) for r in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in r
        )
        self.assertNotIn(name, cells)
        self.assertNotIn(phone, cells)
