from __future__ import annotations

import datetime
import tempfile
import zipfile
from pathlib import Path

import python_calamine as pc

from sitetrack.assessments.models import SiteAssessment
from sitetrack.core.xlsx import write_xlsx
from sitetrack.demo.fake_export import write_kobo_csv, write_kobo_xlsx
from sitetrack.intake.models import ChangeType, CleaningLogEntry, ImportStatus, RawSubmission
from sitetrack.intake.run_errors import error_message
from sitetrack.intake.services import import_file
from sitetrack.intake.tests.helpers import IntakeCase


class BadInputTests(IntakeCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.good = write_kobo_xlsx(
            self.tmp / "good.xlsx", submissions=5, sites=self.sites_for_export(), seed=3
        )

    def run_import(self, path: Path, **kw):
        return import_file(operation=self.operation, round=self.round, user=self.imani, path=path, **kw)

    def assertNothingWritten(self):
        self.assertFalse(SiteAssessment.objects.exists())
        self.assertFalse(RawSubmission.objects.exists())

    def assertFails(self, path: Path, rule: str) -> dict:
        run = self.run_import(path)
        self.assertEqual(run.status, ImportStatus.FAILED)
        self.assertEqual(run.error["rule"], rule, run.error)
        self.assertTrue(error_message(run.error))
        self.assertEqual(run.error["file"], path.name)
        self.assertNothingWritten()
        return run.error

    def edited(self, change) -> Path:
        wb = pc.CalamineWorkbook.from_path(str(self.good))
        sheets = [(n, wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names]
        change(sheets[0][1])
        path = self.tmp / "edited.xlsx"
        write_xlsx(path, sheets)
        return path

    def test_a_truncated_xlsx_is_refused_with_a_clear_message(self):
        data = self.good.read_bytes()
        path = self.tmp / "truncated.xlsx"
        path.write_bytes(data[: len(data) // 2])
        self.assertFails(path, "truncated_or_damaged")

    def test_a_password_protected_xlsx_is_refused(self):
        path = self.tmp / "locked.xlsx"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
        self.assertFails(path, "password_protected")

    def test_a_zip_bomb_is_refused_before_it_is_opened(self):
        path = self.tmp / "bomb.xlsx"
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("xl/workbook.xml", "<workbook/>")
            zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
        self.assertFails(path, "zip_bomb")

    def test_a_csv_in_the_wrong_encoding_is_refused(self):
        csv_path = write_kobo_csv(self.tmp / "e.csv", submissions=3, sites=self.sites_for_export())
        path = self.tmp / "utf16.csv"
        path.write_bytes(csv_path.read_text(encoding="utf-8-sig").encode("utf-16"))
        self.assertFails(path, "encoding")

    def test_a_windows_1252_csv_is_read(self):
        csv_path = write_kobo_csv(self.tmp / "e.csv", submissions=3, sites=self.sites_for_export())
        text = csv_path.read_text(encoding="utf-8-sig").replace("Calm week.", "Calme, été.")
        path = self.tmp / "cp1252.csv"
        path.write_bytes(text.encode("cp1252"))
        run = self.run_import(path)
        self.assertEqual(run.status, ImportStatus.DONE, run.error)
        self.assertEqual(run.new, 3)

    def test_an_export_of_another_form_is_refused(self):
        path = self.tmp / "other.xlsx"
        write_xlsx(path, [("Distribution", [["_uuid", "beneficiary", "kit"], ["u1", "A", "shelter"]])])
        self.assertFails(path, "other_form")

    def test_a_missing_site_code_column_is_refused(self):
        def drop(rows):
            col = rows[0].index("grp_location/site_code")
            for row in rows:
                del row[col]

        error = self.assertFails(self.edited(drop), "missing_required_column")
        self.assertEqual(error["column"], "site_code")

    def rejected(self, run) -> CleaningLogEntry:
        self.assertEqual(run.status, ImportStatus.DONE, run.error)
        self.assertEqual(run.rejected, 1)
        return CleaningLogEntry.objects.get(run=run, change_type=ChangeType.REJECTED)

    def test_a_value_of_the_wrong_type_rejects_its_submission_only(self):
        def bad(rows):
            rows[1][rows[0].index("grp_population/households")] = "many"

        run = self.run_import(self.edited(bad))
        line = self.rejected(run)
        self.assertEqual(
            (line.row, line.column, line.old_value, line.rule),
            (2, "grp_population/households", "many", "type"),
        )
        self.assertEqual(line.sheet, "SiteTrack site assessment")
        self.assertEqual(run.new, 4)

    def test_an_unknown_site_code_rejects_its_submission(self):
        def bad(rows):
            rows[2][rows[0].index("grp_location/site_code")] = "CF9999-S999"

        line = self.rejected(self.run_import(self.edited(bad)))
        self.assertEqual(
            (line.row, line.column, line.old_value, line.rule),
            (3, "grp_location/site_code", "CF9999-S999", "unknown_site"),
        )

    def test_an_unknown_pcode_rejects_its_submission(self):
        def bad(rows):
            rows[1][rows[0].index("grp_location/admin2")] = "CF999"

        line = self.rejected(self.run_import(self.edited(bad)))
        self.assertEqual((line.old_value, line.rule), ("CF999", "unknown_pcode"))

    def test_a_visit_date_in_the_future_rejects_its_submission(self):
        future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()

        def bad(rows):
            rows[1][rows[0].index("grp_visit/visit_date")] = future

        line = self.rejected(self.run_import(self.edited(bad)))
        self.assertEqual(
            (line.column, line.old_value, line.rule), ("grp_visit/visit_date", future, "future_date")
        )

    def test_all_or_nothing_writes_nothing_when_a_row_is_rejected(self):
        def bad(rows):
            rows[1][rows[0].index("grp_location/site_code")] = "nowhere"

        run = self.run_import(self.edited(bad), all_or_nothing=True)
        self.assertEqual(run.status, ImportStatus.FAILED)
        self.assertEqual(run.error["rule"], "all_or_nothing")
        self.assertNothingWritten()
        self.assertTrue(CleaningLogEntry.objects.filter(run=run, rule="unknown_site").exists())
