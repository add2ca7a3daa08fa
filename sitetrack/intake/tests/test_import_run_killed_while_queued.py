"""A command-line import killed after its run was recorded but before it started
checking left the run `queued` for ever (no worker ever takes a command-line run): the
run now records its process when it is created, and the next import marks it
interrupted. Runs queued for the worker (no process yet) are left to the worker."""

from __future__ import annotations

from pathlib import Path

from sitetrack.demo.fake_export import write_kobo_csv
from sitetrack.intake.models import ImportRun, ImportStatus
from sitetrack.intake.services import import_file, import_run_create
from sitetrack.intake.services.runs import import_runs_interrupted_mark, this_process
from sitetrack.intake.tests.helpers import IntakeCase


class KilledWhileQueuedTests(IntakeCase):
    def setUp(self) -> None:
        super().setUp()
        import tempfile

        self.good = Path(tempfile.mkdtemp()) / "good.csv"
        write_kobo_csv(self.good, submissions=2, sites=self.sites_for_export(), seed=5)

    def test_a_queued_run_of_a_dead_process_is_interrupted_and_a_worker_run_stays_queued(self):
        host = this_process().rsplit(":", 2)[0]
        killed = import_run_create(
            operation=self.operation,
            round=self.round,
            user=self.imani,
            path=self.good,
            process=f"{host}:999999999:dead",
        )
        for_worker = import_run_create(
            operation=self.operation, round=self.round, user=self.imani, path=self.good
        )
        self.assertEqual(import_runs_interrupted_mark(), 1)
        killed.refresh_from_db()
        for_worker.refresh_from_db()
        self.assertEqual((killed.status, killed.error["rule"]), (ImportStatus.INTERRUPTED, "interrupted"))
        self.assertEqual(for_worker.status, ImportStatus.QUEUED)

    def test_import_file_records_its_process_from_the_start(self):
        run = import_file(operation=self.operation, round=self.round, user=self.imani, path=self.good)
        self.assertEqual(run.status, ImportStatus.DONE, run.error)
        self.assertEqual(ImportRun.objects.get(pk=run.pk).process, this_process())
