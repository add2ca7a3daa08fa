from __future__ import annotations

import tempfile
from pathlib import Path

from sitetrack.assessments.models import PopulationFlow, SiteAssessment
from sitetrack.demo.fake_export import write_kobo_csv, write_kobo_xlsx
from sitetrack.intake.importer import identity
from sitetrack.intake.models import ChangeType, CleaningLogEntry, ImportStatus, RawSubmission
from sitetrack.intake.services import import_file
from sitetrack.intake.tests.helpers import IntakeCase


def snapshot() -> list[tuple]:
    fields = [
        f.attname
        for f in SiteAssessment._meta.concrete_fields
        if f.attname not in ("id", "created_at", "updated_at", "submitted_at")
    ]
    return sorted(SiteAssessment.objects.values_list(*fields))


class ImportTests(IntakeCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())

    def xlsx(self, n: int = 7, seed: int = 1) -> Path:
        return write_kobo_xlsx(
            self.tmp / "export.xlsx", submissions=n, sites=self.sites_for_export(), seed=seed
        )

    def run_import(self, path: Path, **kw):
        return import_file(operation=self.operation, round=self.round, user=self.imani, path=path, **kw)

    def test_it_imports_a_kobo_xlsx_export_with_its_repeat_group(self):
        run = self.run_import(self.xlsx())
        self.assertEqual(run.status, ImportStatus.DONE, run.error)
        self.assertEqual((run.new, run.rejected, run.held), (7, 0, 0))
        self.assertEqual(SiteAssessment.objects.filter(round=self.round).count(), 7)
        self.assertTrue(PopulationFlow.objects.exists())
        a = SiteAssessment.objects.get(site=self.mpoko, round=self.round)
        self.assertEqual(
            a.individuals,
            sum(
                getattr(a, f)
                for f in (
                    "f_0_4",
                    "f_5_11",
                    "f_12_17",
                    "f_18_59",
                    "f_60_plus",
                    "m_0_4",
                    "m_5_11",
                    "m_12_17",
                    "m_18_59",
                    "m_60_plus",
                )
            ),
        )
        self.assertIn("water_points", a.indicators)
        self.assertEqual(a.history.count(), 1)

    def test_reimporting_the_same_file_changes_nothing(self):
        path = self.xlsx()
        self.run_import(path)
        before = snapshot()
        history = SiteAssessment.history.count()
        raw = list(RawSubmission.objects.values_list("uuid", "content_hash", "data"))
        run = self.run_import(path)
        self.assertEqual((run.new, run.updated, run.unchanged), (0, 0, 7))
        self.assertEqual(snapshot(), before)
        self.assertEqual(SiteAssessment.history.count(), history)
        self.assertEqual(list(RawSubmission.objects.values_list("uuid", "content_hash", "data")), raw)

    def test_a_reimport_skips_unchanged_submissions_before_decoding_their_cells(self):
        from unittest import mock

        from sitetrack.intake.readers.xlsx_stream import XlsxStream

        path = self.xlsx()
        self.run_import(path)
        self.assertFalse(RawSubmission.objects.filter(raw_hash="").exists())
        with mock.patch.object(XlsxStream, "decode", autospec=True, side_effect=XlsxStream.decode) as decode:
            run = self.run_import(path)
        self.assertEqual((run.new, run.updated, run.unchanged), (0, 0, 7))
        # Whole rows decoded: only the header rows of the two sheets (main and repeat);
        # the other calls read one cell each (the UUID, the index, the parent index).
        rows = [c for c in decode.call_args_list if c.args[1].count("<c") > 1]
        self.assertLessEqual(len(rows), 2)
        self.assertGreater(decode.call_count, 7)

    def test_a_file_identical_to_an_import_that_still_stands_is_unchanged_without_being_read(self):
        from unittest import mock

        from sitetrack.intake.readers.xlsx_stream import XlsxStream

        path = self.xlsx()
        first = self.run_import(path)
        with mock.patch.object(XlsxStream, "cells", autospec=True, side_effect=XlsxStream.cells) as cells:
            again = self.run_import(path)
        self.assertEqual(again.identical_to, first)
        self.assertEqual((again.processed, again.unchanged, again.new, again.updated), (7, 7, 0, 0))
        self.assertLessEqual(cells.call_count, 3 * 2)  # the probe of the first rows at most

    def test_an_export_downloaded_again_is_recognised_by_its_sheets_without_being_read(self):
        """KoboToolbox writes a new file for each download (new export time in the document
        properties): same sheets, other bytes."""
        import shutil
        import zipfile
        from unittest import mock

        from sitetrack.intake.readers.xlsx_stream import XlsxStream

        path = self.xlsx()
        first = self.run_import(path)
        again_path = self.tmp / "downloaded-again.xlsx"
        shutil.copyfile(path, again_path)
        with zipfile.ZipFile(again_path, "a") as zf:
            zf.writestr("docProps/custom.xml", "<downloaded>later</downloaded>")
        self.assertNotEqual(again_path.read_bytes(), path.read_bytes())
        with mock.patch.object(XlsxStream, "cells", autospec=True, side_effect=XlsxStream.cells) as cells:
            again = self.run_import(again_path)
        self.assertEqual(again.identical_to, first)
        self.assertEqual((again.processed, again.unchanged, again.new, again.updated), (7, 7, 0, 0))
        self.assertLessEqual(cells.call_count, 3 * 2)  # the probe of the first rows at most
        # A sheet with one changed submission is another content: read row by row.
        changed = write_kobo_xlsx(
            self.tmp / "changed.xlsx", submissions=7, sites=self.sites_for_export(), seed=2
        )
        self.assertNotEqual(identity.content_digest(changed), identity.content_digest(again_path))

    def test_a_file_identical_to_an_import_overtaken_by_a_later_one_is_compared_row_by_row(self):
        path = self.xlsx()
        self.run_import(path)
        other = write_kobo_xlsx(self.tmp / "other.xlsx", submissions=7, sites=self.sites_for_export(), seed=9)
        later = self.run_import(other)  # other submissions for the same sites: held
        self.assertEqual(later.held, 7)
        again = self.run_import(path)
        self.assertIsNone(again.identical_to)
        self.assertEqual(again.unchanged, 7)

    def test_a_reimport_into_another_round_is_not_skipped_early(self):
        from sitetrack.assessments.models import Round

        path = self.xlsx()
        self.run_import(path)
        other = Round.objects.create(
            operation=self.operation,
            kind=self.round.kind,
            number=2,
            period_start=self.round.period_end,
            period_end=self.round.period_end,
        )
        run = import_file(operation=self.operation, round=other, user=self.imani, path=path)
        # Same submissions, other round: the raw hash does not match, the content is
        # compared as before (unchanged), and the raw record now knows the new round.
        self.assertEqual(run.unchanged, 7)
        again = import_file(operation=self.operation, round=other, user=self.imani, path=path)
        self.assertEqual(again.unchanged, 7)

    def test_validating_typed_values_once_finds_what_validating_them_twice_finds(self):
        from unittest import mock

        from sitetrack.assessments.validation import validate
        from sitetrack.intake.importer import row_rules

        compared = []

        def both(values, **kw):
            once = validate(values, **kw)
            kw.pop("precleaned")
            twice = validate(values, **kw)
            compared.append(
                ([(f.rule, f.field, f.message) for f in once], [(f.rule, f.field, f.message) for f in twice])
            )
            return once

        with mock.patch.object(row_rules, "validate", both):
            self.run_import(self.xlsx(n=7, seed=4))
        self.assertEqual(len(compared), 7)
        for once, twice in compared:
            self.assertEqual(once, twice)

    def test_xlsx_and_csv_exports_of_the_same_data_import_to_identical_assessments(self):
        self.run_import(self.xlsx())
        from_xlsx = snapshot()
        SiteAssessment.objects.all().delete()
        RawSubmission.objects.all().delete()
        csv_path = write_kobo_csv(
            self.tmp / "export.csv", submissions=7, sites=self.sites_for_export(), seed=1
        )
        run = self.run_import(csv_path)
        self.assertEqual(run.new, 7, run.error)
        self.assertEqual(snapshot(), from_xlsx)

    def test_a_changed_submission_updates_its_assessment_with_history_and_a_log_line(self):
        path = self.xlsx()
        self.run_import(path)
        # The same export with one figure edited (as after an edit in KoboToolbox).
        import python_calamine as pc

        from sitetrack.core.xlsx import write_xlsx

        wb = pc.CalamineWorkbook.from_path(str(path))
        main = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
        rep = wb.get_sheet_by_name(wb.sheet_names[1]).to_python()
        col = main[0].index("grp_services/water_points")
        uuid = main[1][main[0].index("_uuid")]
        main[1][col] = 999
        edited = self.tmp / "edited.xlsx"
        write_xlsx(edited, [(wb.sheet_names[0], main), (wb.sheet_names[1], rep)])
        run = self.run_import(edited)
        self.assertEqual((run.updated, run.unchanged), (1, 6))
        raw = RawSubmission.objects.get(uuid=uuid)
        self.assertEqual(raw.assessment.indicators["water_points"], 999)
        self.assertEqual(raw.assessment.history.count(), 2)
        line = CleaningLogEntry.objects.get(
            run=run, change_type=ChangeType.UPDATED, field="indicators.water_points"
        )
        self.assertEqual(line.new_value, "999")
        self.assertEqual(line.uuid, uuid)

    def test_a_second_submission_for_the_same_site_is_held_for_an_imo(self):
        from sitetrack.intake.models import DuplicateHold, HoldStatus
        from sitetrack.intake.services import duplicate_hold_resolve

        run = self.run_import(self.xlsx(n=9))  # 7 sites: two sites get two submissions
        self.assertEqual((run.new, run.held), (7, 2))
        hold = DuplicateHold.objects.filter(run=run).first()
        self.assertEqual(hold.status, HoldStatus.OPEN)
        individuals = hold.values["values"]["individuals"]
        duplicate_hold_resolve(hold=hold, user=self.imani, take_new=True)
        self.assertEqual(
            SiteAssessment.objects.get(round=self.round, site=hold.site).individuals, individuals
        )
        self.assertEqual(RawSubmission.objects.get(uuid=hold.uuid).assessment.site, hold.site)

    def test_submission_times_are_stored_as_the_orm_would_store_them(self):
        """The import writes submitted_at itself (not through Django's adapter): an offset,
        UTC "Z", a naive time (the operation's time zone) and no time at all must land as
        the same instants the ORM would store."""
        import datetime as dt
        import json

        from django.utils import timezone

        from sitetrack.demo.fake_export import kobo_api_records

        records = kobo_api_records(submissions=4, sites=self.sites_for_export())
        times = ["2014-02-07T12:40:00.250+01:00", "2014-02-07T11:40:00Z", "2014-02-07T11:40:00", ""]
        for record, text in zip(records, times, strict=True):
            record["_submission_time"] = text
        path = self.tmp / "data.json"
        path.write_text(json.dumps({"count": 4, "next": None, "previous": None, "results": records}))
        started = timezone.now()
        run = self.run_import(path)
        self.assertEqual(run.new, 4, run.error)
        stored = dict(RawSubmission.objects.values_list("uuid", "assessment__submitted_at"))
        by_time = {text: stored[r["_uuid"]] for r, text in zip(records, times, strict=True)}
        utc = dt.UTC
        self.assertEqual(by_time[times[0]], dt.datetime(2014, 2, 7, 11, 40, 0, 250000, tzinfo=utc))
        self.assertEqual(by_time[times[1]], dt.datetime(2014, 2, 7, 11, 40, tzinfo=utc))
        naive = timezone.make_aware(dt.datetime(2014, 2, 7, 11, 40), timezone.get_default_timezone())
        self.assertEqual(by_time[times[2]], naive)
        self.assertGreaterEqual(by_time[""], started.replace(microsecond=0))

    def test_a_large_import_refreshes_postgresql_statistics_and_a_small_one_does_not(self):
        """Right after a large import, stale planner statistics made the weekly report of
        the round take 15-30 s on PostgreSQL instead of 1 s."""
        from unittest import mock

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from sitetrack.intake.services import runs

        def analyzed(n: int) -> bool:
            SiteAssessment.objects.all().delete()
            RawSubmission.objects.all().delete()
            with CaptureQueriesContext(connection) as queries:
                self.run_import(self.xlsx(n=n, seed=n))
            return any(q["sql"].startswith("ANALYZE") for q in queries.captured_queries)

        with mock.patch.object(runs, "ANALYZE_AFTER", 5):
            self.assertEqual(analyzed(7), connection.vendor == "postgresql")
            self.assertFalse(analyzed(3))
