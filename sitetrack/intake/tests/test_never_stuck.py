"""Imports that never end (issue 12): a bad cell gives a finding naming row, column, value
and rule, and the run always ends; a run left by a dead process is marked interrupted;
the spool lives in the data folder and is cleaned."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from unittest import mock

import python_calamine as pc
from django.conf import settings

from sitetrack.core.xlsx import write_xlsx
from sitetrack.demo.fake_export import write_kobo_csv, write_kobo_xlsx
from sitetrack.intake.importer import spool as spool_module
from sitetrack.intake.importer.saver import Saver
from sitetrack.intake.models import ChangeType, CleaningLogEntry, ImportRun, ImportStatus
from sitetrack.intake.run_errors import error_message
from sitetrack.intake.services import import_file, import_run_create
from sitetrack.intake.services.runs import import_runs_interrupted_mark, this_process
from sitetrack.intake.tests.helpers import IntakeCase


class NeverStuckTests(IntakeCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.good = write_kobo_xlsx(
            self.tmp / "good.xlsx", submissions=5, sites=self.sites_for_export(), seed=3
        )

    def run_import(self, path: Path):
        return import_file(operation=self.operation, round=self.round, user=self.imani, path=path)

    def edited(self, change) -> Path:
        wb = pc.CalamineWorkbook.from_path(str(self.good))
        sheets = [(n, wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names]
        change(sheets[0][1])
        path = self.tmp / "edited.xlsx"
        write_xlsx(path, sheets)
        return path

    def rejected(self, run, n: int = 1) -> list[CleaningLogEntry]:
        self.assertEqual(run.status, ImportStatus.DONE, run.error)
        self.assertEqual(run.rejected, n)
        return list(CleaningLogEntry.objects.filter(run=run, change_type=ChangeType.REJECTED).order_by("row"))

    def test_an_impossible_date_is_a_finding_not_a_crash(self):
        def bad(rows):
            rows[1][rows[0].index("grp_visit/visit_date")] = "2014-13-45"

        run = self.run_import(self.edited(bad))
        (line,) = self.rejected(run)
        self.assertEqual(
            (line.row, line.column, line.old_value, line.rule),
            (2, "grp_visit/visit_date", "2014-13-45", "type"),
        )
        self.assertEqual(run.new, 4)

    def test_counts_of_1e30_or_23_digits_are_refused_as_too_large(self):
        def bad(rows):
            rows[1][rows[0].index("grp_population/individuals")] = "1e30"
            rows[2][rows[0].index("grp_population/households")] = "12345678901234567890123"

        run = self.run_import(self.edited(bad))
        lines = self.rejected(run, 2)
        self.assertEqual(
            [(line.row, line.field, line.rule) for line in lines],
            [(2, "individuals", "too_large"), (3, "households", "too_large")],
        )
        self.assertEqual(run.new, 3)

    def test_the_import_takes_the_largest_count_the_web_form_takes_and_refuses_the_next(self):
        from sitetrack.assessments.validation import MAX_COUNT

        def edge(rows):
            rows[1][rows[0].index("grp_population/individuals")] = MAX_COUNT
            rows[2][rows[0].index("grp_population/individuals")] = MAX_COUNT + 1

        run = self.run_import(self.edited(edge))
        (line,) = self.rejected(run, 1)
        self.assertEqual((line.row, line.rule, line.params["max"]), (3, "too_large", MAX_COUNT))
        self.assertEqual(run.new, 4)

    def test_a_uuid_twice_in_one_file_rejects_the_later_row(self):
        def bad(rows):
            col = rows[0].index("_uuid")
            rows[3][col] = rows[1][col]

        run = self.run_import(self.edited(bad))
        (line,) = self.rejected(run)
        self.assertEqual((line.row, line.rule), (4, "duplicate_uuid"))
        self.assertIn("rows 2 and 4", line.message)
        self.assertEqual(run.new, 4)

    def test_a_10_mb_cell_is_refused_with_where_it_is(self):
        path = write_kobo_csv(self.tmp / "export.csv", submissions=3, sites=self.sites_for_export(), seed=3)
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh, delimiter=";"))
        col = next(i for i, h in enumerate(rows[0]) if h.endswith("observations"))
        rows[2][col] = "x" * (10 << 20)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter=";").writerows(rows)
        run = self.run_import(path)
        (line,) = self.rejected(run)
        self.assertEqual((line.row, line.rule), (3, "cell_too_long"))
        self.assertTrue(line.old_value.startswith("xxx") and len(line.old_value) < 100)
        self.assertEqual(run.new, 2)

    def test_an_unexpected_error_while_saving_ends_the_run_failed_and_writes_nothing(self):
        with mock.patch.object(Saver, "_copy_new", side_effect=RuntimeError("disk on fire")):
            run = self.run_import(self.good)
        self.assertEqual(run.status, ImportStatus.FAILED)
        self.assertEqual(run.error["rule"], "internal_error")
        self.assertIn("disk on fire", error_message(run.error))
        self.assertFalse(run.round.assessments.exists())

    def test_a_run_left_by_a_dead_process_is_marked_interrupted_when_the_next_import_starts(self):
        host = this_process().rsplit(":", 2)[0]
        dead = import_run_create(operation=self.operation, round=self.round, user=self.imani, path=self.good)
        ImportRun.objects.filter(pk=dead.pk).update(
            status=ImportStatus.SAVING, process=f"{host}:999999999:dead"
        )
        alive = import_run_create(operation=self.operation, round=self.round, user=self.imani, path=self.good)
        ImportRun.objects.filter(pk=alive.pk).update(status=ImportStatus.CHECKING, process=this_process())
        self.assertEqual(import_runs_interrupted_mark(), 1)
        dead.refresh_from_db()
        alive.refresh_from_db()
        self.assertEqual((dead.status, dead.error["rule"]), (ImportStatus.INTERRUPTED, "interrupted"))
        self.assertTrue(dead.finished)
        self.assertEqual(alive.status, ImportStatus.CHECKING)

    def test_the_spool_lives_in_the_data_folder_and_a_dead_process_spool_is_removed(self):
        spool = spool_module.Spool()
        self.addCleanup(spool.close)
        self.assertTrue(Path(spool.path).is_relative_to(Path(settings.DATA_DIR)))
        self.assertEqual(os.stat(spool_module.spool_dir()).st_mode & 0o077, 0)
        stale = spool_module.spool_dir() / f"{spool_module.PREFIX}999999999-1-x{spool_module.SUFFIX}"
        stale.write_bytes(b"names and phones")
        spool_module.spool_sweep()
        self.assertFalse(stale.exists())
        self.assertTrue(Path(spool.path).exists())  # this process's open spool stays
        spool.close()
        self.assertFalse(Path(spool.path).exists())

    def test_an_xlsform_given_as_an_export_says_it_is_a_form(self):
        path = self.tmp / "form.xlsx"
        write_xlsx(
            path,
            [("survey", [["type", "name", "label::English (en)"], ["integer", "individuals", "People"]])],
        )
        run = self.run_import(path)
        self.assertEqual(run.error["rule"], "xlsform_not_export", run.error)
        self.assertIn("XLSForm", error_message(run.error))

    def test_a_missing_site_column_names_the_closest_headers_only(self):
        def drop(rows):
            col = rows[0].index("grp_location/site_code")
            rows[0][col] = "grp_location/site_cod"

        run = self.run_import(self.edited(drop))
        self.assertEqual(run.error["rule"], "missing_required_column")
        self.assertIn("Closest columns in the file: site_cod", error_message(run.error))
        self.assertLess(len(error_message(run.error)), 300)
