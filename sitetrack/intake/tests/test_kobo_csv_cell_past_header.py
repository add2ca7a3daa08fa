"""A Kobo CSV whose row carries a 10 MB cell past the header: the import is refused with
an error naming the file, row, column and limit (it used to end "done", silently)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from sitetrack.assessments.models import SiteAssessment
from sitetrack.demo.fake_export import write_kobo_csv
from sitetrack.intake.models import ImportStatus, RawSubmission
from sitetrack.intake.services import import_file
from sitetrack.intake.tests.helpers import IntakeCase


class CellPastHeaderTests(IntakeCase):
    def setUp(self) -> None:
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def test_a_ten_mb_cell_past_the_header_refuses_the_file_saying_where(self):
        good = Path(
            write_kobo_csv(self.tmp / "good.csv", submissions=2, sites=self.sites_for_export(), seed=5)
        )
        header, first, *_rest = good.read_bytes().decode("utf-8-sig").splitlines()
        width = len(header.split(";"))
        path = self.tmp / "bigcell.csv"
        path.write_text(f"{header}\n{first};{'x' * (10 * 1024 * 1024)}\n", encoding="utf-8")
        run = import_file(
            operation=self.operation, round=self.round, user=self.imani, path=path, file_name="bigcell.csv"
        )
        self.assertEqual(run.status, ImportStatus.FAILED)
        error = run.error
        self.assertEqual(error["file"], "bigcell.csv")
        self.assertEqual(error["row"], 2)
        self.assertEqual(error["rule"], "cell_too_long")
        from sitetrack.core.xlsx import column_letter

        self.assertEqual(error["column"], column_letter(width))
        self.assertIn("32767", error["message"].replace(",", "").replace("\u202f", ""))
        self.assertEqual((SiteAssessment.objects.count(), RawSubmission.objects.count()), (0, 0))

    def test_a_short_cell_past_the_header_is_still_ignored(self):
        good = Path(
            write_kobo_csv(self.tmp / "good.csv", submissions=2, sites=self.sites_for_export(), seed=5)
        )
        header, *rows = good.read_bytes().decode("utf-8-sig").splitlines()
        path = self.tmp / "extra.csv"
        path.write_text(header + "\n" + "\n".join(r + ";extra" for r in rows) + "\n", encoding="utf-8")
        run = import_file(
            operation=self.operation, round=self.round, user=self.imani, path=path, file_name="extra.csv"
        )
        self.assertEqual(run.status, ImportStatus.DONE, run.error)
        self.assertEqual(run.new, 2)
