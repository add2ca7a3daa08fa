"""Large files are read in a second process while the importing process checks and
writes: what lands must be exactly what a single-process import writes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from unittest import mock

from sitetrack.assessments.models import PopulationFlow, SiteAssessment
from sitetrack.demo.fake_export import write_kobo_xlsx
from sitetrack.intake.importer import pipeline as reading
from sitetrack.intake.models import CleaningLogEntry, ImportStatus, RawSubmission
from sitetrack.intake.readers import IntakeFileError, Submission
from sitetrack.intake.services import import_file
from sitetrack.intake.tests.helpers import IntakeCase
from sitetrack.intake.tests.test_import_service import snapshot


def written() -> tuple:
    return (
        snapshot(),
        sorted(
            PopulationFlow.objects.values_list(
                "assessment__site__code", "direction", "area_id", "individuals", "reason"
            )
        ),
        sorted(RawSubmission.objects.values_list("uuid", "data", "content_hash", "raw_hash")),
        sorted(
            CleaningLogEntry.objects.values_list(
                "uuid", "row", "sheet", "field", "column", "old_value", "new_value", "change_type", "rule"
            )
        ),
    )


class _FailingReader:
    """Two submissions, then the file turns out to be damaged."""

    total = 10**6
    path = None

    def __iter__(self):
        for n in range(2):
            yield Submission(
                uuid=f"u{n}", submitted_at=None, fields={}, repeats=None, raw={"n": n}, row=n + 2
            )
        raise IntakeFileError("Damaged", file="f.xlsx", sheet="main", row=4, rule="truncated_or_damaged")


class PipelineTests(IntakeCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.path = write_kobo_xlsx(
            self.tmp / "export.xlsx", submissions=9, sites=self.sites_for_export(), seed=3
        )

    def run_import(self, *, pipeline: bool):
        pids = self.tmp / "pids"
        original = reading._produce

        def produce(*args):
            pids.write_text(str(os.getpid()))
            original(*args)

        with (
            mock.patch.object(reading, "PIPELINE_MIN_ROWS", 1 if pipeline else 10**9),
            mock.patch.object(reading, "PIPELINE_MIN_BYTES", 0 if pipeline else 10**15),
            mock.patch.object(reading, "_produce", produce),
        ):
            pids.unlink(missing_ok=True)
            run = import_file(operation=self.operation, round=self.round, user=self.imani, path=self.path)
        self.assertEqual(run.status, ImportStatus.DONE, run.error)
        if pipeline and (os.cpu_count() or 1) > 1:
            self.assertNotEqual(int(pids.read_text()), os.getpid())
        else:
            self.assertFalse(pids.exists())
        return run

    def clear(self) -> None:
        CleaningLogEntry.objects.all().delete()
        RawSubmission.objects.all().delete()
        PopulationFlow.objects.all().delete()
        SiteAssessment.objects.all().delete()

    def test_reading_in_a_second_process_writes_what_one_process_writes(self):
        alone = self.run_import(pipeline=False)
        expected = written()
        self.clear()
        piped = self.run_import(pipeline=True)
        got = written()
        self.assertEqual((piped.new, piped.rejected, piped.held), (alone.new, alone.rejected, alone.held))
        self.assertGreater(piped.new, 0)
        self.assertEqual(got[0], expected[0])
        self.assertEqual(got[1], expected[1])
        self.assertEqual(got[2], expected[2])
        self.assertEqual(got[3], expected[3])

    def test_a_reimport_read_in_a_second_process_skips_unchanged_submissions(self):
        first = self.run_import(pipeline=True)
        RawSubmission.objects.update(content_hash="")  # only the raw hash can say "unchanged"
        from sitetrack.intake.models import ImportRun

        ImportRun.objects.update(file_sha256="", content_digest="")  # compare row by row
        again = self.run_import(pipeline=True)
        self.assertEqual((again.unchanged, again.new, again.updated), (first.new + first.held, 0, 0))

    def test_an_error_while_reading_reaches_the_import_with_where_it_happened(self):
        with (
            mock.patch.object(reading, "PIPELINE_MIN_ROWS", 1),
            self.assertRaises(IntakeFileError) as caught,
        ):
            got = []
            for sub in reading.submissions(_FailingReader()):
                got.append(sub.uuid)
        self.assertEqual(got, ["u0", "u1"])
        self.assertEqual(
            (caught.exception.rule, caught.exception.sheet, caught.exception.row),
            ("truncated_or_damaged", "main", 4),
        )
