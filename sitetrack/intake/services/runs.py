"""Creating and running imports: `import_run_execute` is the orchestrator of
intake/importer (it builds the checker and the saver and hands each what it needs)."""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sitetrack.assessments.models import PopulationFlow, Round, RoundStatus, SiteAssessment
from sitetrack.core.access import require
from sitetrack.core.catalogue import catalogue_for
from sitetrack.intake import run_errors
from sitetrack.intake.formspec import indicator_dicts_for, site_assessment_form
from sitetrack.intake.importer.checker import Checker
from sitetrack.intake.importer.fastclean import fast_catalogue
from sitetrack.intake.importer.files import discard_upload
from sitetrack.intake.importer.identity import content_digest, file_sha256, identical_import
from sitetrack.intake.importer.plan import mapping_for
from sitetrack.intake.importer.progress import Progress, set_progress
from sitetrack.intake.importer.saver import ASSESSMENT_COLUMNS, Saver
from sitetrack.intake.importer.spool import Spool, spool_sweep
from sitetrack.intake.importer.staging import Stage, StagedLog
from sitetrack.intake.models import (
    ChangeType,
    CleaningLogEntry,
    FieldMapping,
    ImportRun,
    ImportSource,
    ImportStatus,
)
from sitetrack.intake.readers import IntakeFileError, open_reader

log = logging.getLogger(__name__)

FORMS = ("site-assessment",)
# Rows written from which PostgreSQL's planner statistics are refreshed at once.
ANALYZE_AFTER = 500


@transaction.atomic
def import_run_create(
    *,
    operation,
    round: Round,
    user,
    path: Path | str | None,
    file_name: str = "",
    form: str = "site-assessment",
    mapping: FieldMapping | None = None,
    all_or_nothing: bool = False,
    source: str = ImportSource.FILE,
    sheet: str = "",
    process: str = "",
) -> ImportRun:
    """Record an import to run (by the task or directly); checks rights and the round.
    `process`: the process that runs it at once (import_file), so that a kill before it
    starts checking still gets the run marked interrupted."""
    if user is not None:
        require(user, operation, "import")
    if round.operation_id != operation.pk:
        raise ValidationError({"round": [_("This round belongs to another operation.")]})
    if form not in FORMS:
        raise ValidationError({"form": [_("Unknown form %(form)s.") % {"form": form}]})
    if mapping is not None and mapping.operation_id not in (None, operation.pk):
        raise ValidationError({"mapping": [_("This mapping belongs to another operation.")]})
    path = Path(path) if path is not None else None
    return ImportRun.objects.create(
        operation=operation,
        round=round,
        form=form,
        mapping=mapping,
        source=source,
        file_name=file_name or (path.name if path is not None else ""),
        file_path=str(path) if path is not None else "",
        file_sha256=file_sha256(path),
        content_digest=content_digest(path),
        all_or_nothing=all_or_nothing,
        sheet=sheet,
        created_by=user,
        process=process,
    )


def import_file(
    *,
    operation,
    round: Round,
    user,
    path: Path | str,
    file_name: str = "",
    form: str = "site-assessment",
    mapping: FieldMapping | None = None,
    all_or_nothing: bool = False,
    progress: Progress | None = None,
    sheet: str = "",
) -> ImportRun:
    """Create and run an import in this process (the CLI and tests; the web enqueues)."""
    run = import_run_create(
        operation=operation,
        round=round,
        user=user,
        path=path,
        file_name=file_name,
        form=form,
        mapping=mapping,
        all_or_nothing=all_or_nothing,
        sheet=sheet,
        process=this_process(),
    )
    return import_run_execute(run=run, progress=progress)


def _reader(run: ImportRun, records: Iterable[dict] | None):
    if run.round.status != RoundStatus.OPEN:
        raise IntakeFileError(
            code="round_closed",
            params={"round": str(run.round)},
            file=run.file_name,
            rule="round_closed",
        )
    if records is not None:
        from sitetrack.intake.readers.kobo_json import KoboJsonReader

        return KoboJsonReader(None, name=run.file_name, records=records)
    return open_reader(
        run.file_path,
        name=run.file_name,
        form=site_assessment_form(indicator_dicts_for(run.operation)),
        sheet=run.sheet,
    )


def _build(run: ImportRun, reader, spool: Spool, progress: Progress | None) -> tuple[Checker, Saver]:
    """The checker and the saver of a run, sharing the staging tables, the spool and the
    cleaning log (neither knows the other)."""
    operation = run.operation
    catalogue = fast_catalogue(catalogue_for(operation))
    form = site_assessment_form(indicator_dicts_for(operation))
    mapping = mapping_for(run, form, catalogue)
    # What will be written goes to temporary tables as it is checked (staging.py).
    stage = Stage(SiteAssessment, ASSESSMENT_COLUMNS, CleaningLogEntry)
    cleaning_log = StagedLog(stage, reader)
    saver = Saver(
        run, stage=stage, spool=spool, log=cleaning_log.entry, catalogue_version_id=catalogue.version.pk
    )
    checker = Checker(
        run,
        reader,
        catalogue=catalogue,
        mapping=mapping,
        form=form,
        stage=stage,
        spool=spool,
        log=cleaning_log.entry,
        # New assessments' rows are prepared while checking (the saving phase then only
        # writes): with the file read in a second process, this one has time to spare.
        new_row=saver.new_row,
        progress=progress,
    )
    return checker, saver


def _done_as_identical(run: ImportRun, checker: Checker, progress: Progress | None) -> bool:
    """An earlier import of the same file still stands and the first rows match: done."""
    earlier = identical_import(run)
    if earlier is None or not checker.probe():
        return False
    set_progress(
        run,
        status=ImportStatus.DONE,
        identical_to=earlier,
        total=earlier.processed,
        processed=earlier.processed,
        unchanged=earlier.processed,
        finished_at=timezone.now(),
    )
    if progress:
        progress(earlier.processed, earlier.processed, "unchanged")
    return True


def _refuse_all_or_nothing(run: ImportRun, checker: Checker, saver: Saver) -> None:
    rejected = checker.counts.rejected
    set_progress(
        run,
        status=ImportStatus.FAILED,
        rejected=rejected,
        error=run_errors.coded("all_or_nothing", {"n": rejected}, file=run.file_name, rule="all_or_nothing"),
        finished_at=timezone.now(),
    )
    # The cleaning log of a refused import still tells what to fix.
    with transaction.atomic():
        saver.copy_log(only=ChangeType.REJECTED)


def _fail(run: ImportRun, error: dict) -> None:
    set_progress(run, status=ImportStatus.FAILED, error=error, finished_at=timezone.now())


def import_run_execute(
    *, run: ImportRun, progress: Progress | None = None, records: Iterable[dict] | None = None
) -> ImportRun:
    """Run an import (phase 1 then phase 2, see intake/importer). Never raises for bad
    input, nor leaves the run checking or saving: it ends `failed` with its error (an
    unexpected one included, logged with its traceback), or `done` with its summary."""
    import_runs_interrupted_mark()
    set_progress(
        run, status=ImportStatus.CHECKING, started_at=timezone.now(), processed=0, process=this_process()
    )
    spool = Spool()
    checker = None
    try:
        checker = _execute(run, spool, progress, records)
    except IntakeFileError as exc:
        if not exc.file:
            exc.file = run.file_name
        _fail(run, exc.as_dict())
    except Exception as exc:  # noqa: BLE001 — the run must end, whatever went wrong
        log.exception("import run %s failed", run.pk)
        _fail(
            run,
            run_errors.coded(
                "internal_error",
                {"error": f"{type(exc).__name__}: {str(exc)[:200]}"},
                file=run.file_name,
                rule="internal_error",
            ),
        )
    finally:
        spool.close()
        if checker is not None:
            checker.stage.close()
        discard_upload(run)
    run.refresh_from_db()
    return run


def _execute(run: ImportRun, spool: Spool, progress: Progress | None, records) -> Checker:
    """Read, check, save; the checker (whose staging tables the caller drops)."""
    reader = _reader(run, records)
    set_progress(run, total=reader.total, file_format=reader.format)
    checker, saver = _build(run, reader, spool, progress)
    if _done_as_identical(run, checker, progress):
        return checker
    checker.check()
    if run.all_or_nothing and checker.counts.rejected:
        _refuse_all_or_nothing(run, checker, saver)
        return checker
    set_progress(run, status=ImportStatus.SAVING, processed=checker.counts.processed)
    if progress:
        progress(checker.counts.processed, checker.counts.processed, "saving")
    saver.save(checker.counts)
    _refresh_statistics(checker.counts.new + checker.counts.updated)
    return checker


# Tells this process from an earlier one that had the same pid (a restarted container).
_PROCESS_TOKEN = secrets.token_hex(4)


def this_process() -> str:
    return f"{socket.gethostname()[:100]}:{os.getpid()}:{_PROCESS_TOKEN}"


def _process_alive(process: str) -> bool:
    host, pid, token = (process.rsplit(":", 2) + ["", ""])[:3]
    if host != socket.gethostname()[:100] or not pid.isdigit():
        return True  # another machine's worker: it tells for itself
    if int(pid) == os.getpid():
        return token == _PROCESS_TOKEN
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def import_runs_interrupted_mark() -> int:
    """Runs left checking or saving by a process that is gone (killed, machine
    stopped), or queued by one that was to run them at once (import_file), are marked
    interrupted (nothing of them was written: the batch is one
    transaction), and spool files of dead processes removed. Called when an import or
    a worker starts; the number of runs marked."""
    spool_sweep()
    stale = [
        r.pk
        for r in ImportRun.objects.filter(
            status__in=(ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.SAVING)
        ).only("pk", "process")
        if r.process and not _process_alive(r.process)
    ]
    if stale:
        ImportRun.objects.filter(pk__in=stale).update(
            status=ImportStatus.INTERRUPTED,
            finished_at=timezone.now(),
            error=run_errors.coded("interrupted", rule="interrupted"),
        )
    return len(stale)


def _refresh_statistics(written: int) -> None:
    """PostgreSQL plans queries from table statistics that autovacuum refreshes only some
    time later (after 10% of a table changed): right after a large import, the round it
    filled still looks empty, and the weekly report of 5,000 sites took 15–30 s instead of
    1 s (nested loops over what it took for a handful of rows). ANALYZE samples the
    tables an import fills (a fraction of a second)."""
    if connection.vendor != "postgresql" or written < ANALYZE_AFTER:
        return
    qn = connection.ops.quote_name
    # Only the columns queries filter and join on: the JSON columns make a full sample slow.
    tables = ", ".join(
        f"{qn(model._meta.db_table)} ({', '.join(qn(model._meta.get_field(f).column) for f in fields)})"
        for model, fields in (
            (SiteAssessment, ("round", "site", "status", "error_count")),
            (PopulationFlow, ("assessment", "direction", "area")),
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
