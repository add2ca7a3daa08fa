"""Imports of field submissions into site assessments.

An import runs in two phases:

1. **Checking** (nothing written to the real tables but the progress counter): the file
   is read as a stream, each submission mapped, typed, matched to its site and validated
   with the same rules as the web form (assessments.validation), and compared by content
   hash with what is already stored. What must be written goes, as it is checked, into
   temporary tables of this connection (staging.py) or, for re-import work, a temporary
   spool file, so memory stays flat whatever the file's size. Progress (processed/total)
   is committed as it goes, so the web page and the CLI can show it.
2. **Saving**: in ONE transaction, the staged rows are copied into the real tables by the
   database (INSERT … SELECT) and the spool is written with bulk statements. The batch is
   the whole import: it lands whole or leaves nothing (a killed process, a database
   error, a power cut). Submissions are idempotent by UUID: a re-import skips unchanged
   ones by hash, updates changed ones (recorded in the assessment history).

Rows that cannot be used (unknown site or P-code, wrong type, future date, no UUID) are
rejected into the cleaning log with file/sheet/row/column/value/rule; the rest lands,
unless the import was asked to be all-or-nothing. A file that cannot be read at all
(truncated, encrypted, zip bomb, wrong encoding, another form, missing columns) fails
with one clear message and writes nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from sitetrack.assessments.models import (
    AssessmentStatus,
    FlowDirection,
    PopulationFlow,
    Round,
    RoundStatus,
    SiteAssessment,
)
from sitetrack.assessments.selectors import previous_round
from sitetrack.assessments.validation import (
    BLOCKING_RULES,
    COUNT_FIELDS,
    PRIORITY_FIELDS,
    SEVERITY_FIELDS,
    clean_values,
    summarise,
    validate,
    validation_rules_for,
)
from sitetrack.core.access import require
from sitetrack.core.catalogue import catalogue_for
from sitetrack.geo.models import AdminArea
from sitetrack.intake.fastclean import FastCleaner, fast_catalogue
from sitetrack.intake.formspec import FLOWS_REPEAT, indicator_dicts_for, site_assessment_form
from sitetrack.intake.mapping import Mapping, automatic_mapping, mapping_from_dict
from sitetrack.intake.models import (
    ChangeType,
    CleaningLogEntry,
    DuplicateHold,
    FieldMapping,
    HoldStatus,
    ImportRun,
    ImportSource,
    ImportStatus,
    RawSubmission,
)
from sitetrack.intake.readers import IntakeFileError, Submission, open_reader
from sitetrack.intake.staging import Stage
from sitetrack.sites.models import Site

CHUNK = 2000
PROGRESS_EVERY = 1000
FORMS = ("site-assessment",)
ASSESSMENT_SCALARS = (
    *COUNT_FIELDS,
    *SEVERITY_FIELDS,
    *PRIORITY_FIELDS,
    "visit_date",
    "method",
    "observations",
)

Progress = Callable[[int, int, str], None]


# --- helpers -------------------------------------------------------------------------------------


# One encoder for every record (json.dumps with options builds a new one per call).
_json: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return _json(value)
    return str(value)


def _raw_text(sub: Submission) -> str:
    """The raw record as stored: compact JSON (encoded already when the file was read in
    a second process)."""
    return sub.raw if isinstance(sub.raw, str) else _json(sub.raw)


def _raw_digest(sub: Submission) -> str:
    """The raw hash of a submission from a reader that does not compute one."""
    return hashlib.blake2b(_raw_text(sub).encode("utf-8"), digest_size=16).hexdigest()


# --- reading in a second process -------------------------------------------------------------

# Files of at least this many rows are read in a second process (forked, so it needs
# nothing pickled to start: it inherits the reader and the known-hash table) while this
# one maps, types, validates and spools: the reading is about a third of an import's
# time. Submissions cross a pipe pickled in chunks; the pipe holds at most a chunk or
# two, so memory stays bounded. The reading process writes nothing anywhere.
PIPELINE_MIN_ROWS = 5000
PIPELINE_CHUNK = 500


PIPELINE_MIN_BYTES = 4 << 20  # when the reader cannot tell its rows in advance
# A Submission as a tuple of its fields, in order (Submission(*item) rebuilds it).
_as_tuple = attrgetter(*(f.name for f in dataclasses.fields(Submission)))


def _pipeline_possible(reader) -> bool:
    import multiprocessing

    total = getattr(reader, "total", 0) or 0
    if not total:
        path = getattr(reader, "path", None)
        with contextlib.suppress(OSError, TypeError):
            if path is not None and os.path.getsize(path) >= PIPELINE_MIN_BYTES:
                total = PIPELINE_MIN_ROWS
    return (
        total >= PIPELINE_MIN_ROWS
        and (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _produce(reader, receiving, sending) -> None:
    """The reading process: read every submission, send them in chunks. A reader that can
    (`complete`) sends only the raw record, as JSON text; the importing process derives
    the fields from it (which balances the work of the two processes)."""
    receiving.close()
    # What the process inherited is never freed here: keep the cyclic garbage collector
    # off it (walking it would also copy every page shared with the importing process).
    gc.freeze()
    dump = pickle.dumps
    batch: list[Submission] = []
    try:
        if hasattr(reader, "complete"):
            # Fields and repeats are derived from the raw record by the importing process.
            reader.defer_fields = True
        for sub in reader:
            if not sub.skipped:
                sub.raw = _json(sub.raw)
            # A plain tuple: pickled in C, several times cheaper than the dataclass.
            batch.append(_as_tuple(sub))
            if len(batch) >= PIPELINE_CHUNK:
                sending.send_bytes(dump(("rows", batch), pickle.HIGHEST_PROTOCOL))
                batch = []
        sending.send_bytes(dump(("rows", batch), pickle.HIGHEST_PROTOCOL))
        sending.send_bytes(dump(("end", None), pickle.HIGHEST_PROTOCOL))
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the importing process is gone or stopping: nothing to tell
    except BaseException as exc:  # noqa: BLE001 — handed over to the importing process
        try:
            message = dump(("error", exc), pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 — an exception that cannot be pickled
            message = dump(("error", RuntimeError(repr(exc))), pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):
            # The rows read before the error first, as when reading in one process.
            sending.send_bytes(dump(("rows", batch), pickle.HIGHEST_PROTOCOL))
            sending.send_bytes(message)
    finally:
        sending.close()


def _submissions(reader) -> Iterable[Submission]:
    """The reader's submissions, read in a second process when that pays (see above)."""
    if not _pipeline_possible(reader):
        yield from reader
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    loads = json.loads
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_produce, args=(reader, receiving, sending), daemon=True)
    process.start()
    sending.close()
    try:
        while True:
            try:
                kind, payload = pickle.loads(receiving.recv_bytes())
            except EOFError:
                raise RuntimeError(
                    f"The reading process stopped unexpectedly (exit code {process.exitcode})."
                ) from None
            if kind == "rows":
                complete = getattr(reader, "complete", None)
                for item in payload:
                    sub = Submission(*item)
                    if complete is not None and sub.fields is None:
                        # The raw record came as its JSON text (encoding it is cheaper
                        # for the reading process than pickling the dictionary, and
                        # decoding cheaper here than unpickling it).
                        complete(sub, loads(sub.raw))
                    yield sub
            elif kind == "error":
                raise payload
            else:
                return
    finally:
        receiving.close()
        if process.is_alive():
            process.terminate()
        process.join()


class _Spool:
    """Items to write, pickled to a temporary file between the two phases."""

    def __init__(self) -> None:
        fd, self.path = tempfile.mkstemp(prefix="sitetrack-import-", suffix=".spool")
        self.fh = os.fdopen(fd, "wb")
        self.count = 0

    def add(self, item: tuple) -> None:
        pickle.dump(item, self.fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def items(self) -> Iterable[tuple]:
        self.fh.close()
        with open(self.path, "rb") as fh:
            while True:
                try:
                    yield pickle.load(fh)
                except EOFError:
                    return

    def close(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _columns(model, names: Iterable[str]) -> list[str]:
    return [model._meta.get_field(n).column for n in names]


def _insert(model, names: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in _columns(model, names))
    marks = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({cols}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])


def _update(model, names: list[str], rows: list[tuple]) -> None:
    """rows: (values..., pk)"""
    if not rows:
        return
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(c)} = %s" for c in _columns(model, names))
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(model._meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _prep(model, name: str) -> Callable[[Any], Any]:
    field = model._meta.get_field(name)
    return lambda value: field.get_db_prep_save(value, connection)


# --- creating and running imports -------------------------------------------------------------


def _mapping_for(run: ImportRun, form, catalogue) -> Mapping:
    if run.mapping_id is None:
        return automatic_mapping(form, catalogue)
    codes = set(catalogue.indicators)
    return mapping_from_dict(
        {"name": run.mapping.name, "fields": run.mapping.fields, "repeats": run.mapping.repeats},
        indicator_codes=codes,
    )


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
) -> ImportRun:
    """Record an import to run (by the task or directly); checks rights and the round."""
    if user is not None:
        require(user, operation, "import")
    if round.operation_id != operation.pk:
        raise ValidationError({"round": [_("This round belongs to another operation.")]})
    if form not in FORMS:
        raise ValidationError({"form": [_("Unknown form %(form)s.") % {"form": form}]})
    if mapping is not None and mapping.operation_id not in (None, operation.pk):
        raise ValidationError({"mapping": [_("This mapping belongs to another operation.")]})
    digest = hashlib.sha256()
    if path is not None:
        path = Path(path)
        if path.is_file():
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
    return ImportRun.objects.create(
        operation=operation,
        round=round,
        form=form,
        mapping=mapping,
        source=source,
        file_name=file_name or (path.name if path is not None else ""),
        file_path=str(path) if path is not None else "",
        file_sha256=digest.hexdigest() if path is not None and path.is_file() else "",
        content_digest=_content_digest(path) if path is not None and path.is_file() else "",
        all_or_nothing=all_or_nothing,
        created_by=user,
    )


def _content_digest(path: Path) -> str:
    """What a workbook holds, from its zip directory alone: every part's name, CRC-32 and
    size, leaving out the document properties (docProps/: export time, application).
    KoboToolbox writes a new file for each download; with the same submissions its sheets
    are the same, so a re-download is recognised as identical to its earlier import
    without being read (the first rows are still probed against the stored hashes).
    "" for files that are not zip archives."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            parts = sorted(
                (info.filename, info.CRC, info.file_size)
                for info in zf.infolist()
                if not info.filename.startswith("docProps/")
            )
    except (zipfile.BadZipFile, OSError, ValueError):
        return ""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest() if parts else ""


def _set_progress(run: ImportRun, **fields) -> None:
    for key, value in fields.items():
        setattr(run, key, value)
    ImportRun.objects.filter(pk=run.pk).update(**fields)


def import_run_execute(
    *, run: ImportRun, progress: Progress | None = None, records: Iterable[dict] | None = None
) -> ImportRun:
    """Run an import (phase 1 then phase 2, see the module docstring). Never raises for
    bad input: the run ends `failed` with its error, or `done` with its summary."""
    _set_progress(run, status=ImportStatus.CHECKING, started_at=timezone.now(), processed=0)
    spool = _Spool()
    checker = None
    try:
        try:
            if run.round.status != RoundStatus.OPEN:
                raise IntakeFileError(
                    _("%(round)s is closed: its assessments are locked.") % {"round": run.round},
                    file=run.file_name,
                    rule="round_closed",
                )
            if records is not None:
                from sitetrack.intake.readers.kobo_json import KoboJsonReader

                reader = KoboJsonReader(None, name=run.file_name, records=records)
            else:
                reader = open_reader(
                    run.file_path,
                    name=run.file_name,
                    form=site_assessment_form(indicator_dicts_for(run.operation)),
                )
            _set_progress(run, total=reader.total, file_format=reader.format)
            checker = _Checker(run, reader, spool, progress)
            earlier = _identical_import(run)
            if earlier is not None and checker.probe():
                _set_progress(
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
                return run
            checker.check()
        except IntakeFileError as exc:
            if not exc.file:
                exc.file = run.file_name
            _set_progress(run, status=ImportStatus.FAILED, error=exc.as_dict(), finished_at=timezone.now())
            return run
        if run.all_or_nothing and checker.rejected:
            _set_progress(
                run,
                status=ImportStatus.FAILED,
                rejected=checker.rejected,
                error={
                    "message": _(
                        "%(n)s submissions were rejected and the import was asked to be all-or-nothing: "
                        "nothing was written. See the cleaning log."
                    )
                    % {"n": checker.rejected},
                    "file": run.file_name,
                    "rule": "all_or_nothing",
                },
                finished_at=timezone.now(),
            )
            # The cleaning log of a refused import still tells what to fix.
            with transaction.atomic():
                checker.saver.copy_log(only=ChangeType.REJECTED)
            return run
        _set_progress(run, status=ImportStatus.SAVING, processed=checker.processed)
        if progress:
            progress(checker.processed, checker.processed, "saving")
        checker.saver.save()
        _refresh_statistics(checker.new + checker.updated)
    finally:
        spool.close()
        if checker is not None:
            checker.stage.close()
        _discard_upload(run)
    run.refresh_from_db()
    return run


# Rows written from which PostgreSQL's planner statistics are refreshed at once.
ANALYZE_AFTER = 500


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


def _discard_upload(run: ImportRun) -> None:
    """An uploaded export holds key informants' names and phone numbers: once its import
    has ended (done or failed), the file is deleted. What arrived is kept in the
    restricted raw records; files named on the command line are the user's and stay."""
    if not run.file_path:
        return
    path = Path(run.file_path)
    try:
        uploaded = path.resolve().is_relative_to(upload_dir().resolve())
    except OSError:
        return
    if uploaded:
        path.unlink(missing_ok=True)
        ImportRun.objects.filter(pk=run.pk).update(file_path="")


def upload_dir() -> Path:
    """Where uploaded files wait for the task (under MEDIA_ROOT: a worker on another
    machine needs the same media storage)."""
    from django.conf import settings

    path = Path(settings.MEDIA_ROOT) / "intake" / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_upload_store(upload) -> Path:
    """Save an uploaded file for an import (keeps its extension, which helps the reader)."""
    import secrets

    suffix = Path(upload.name).suffix.lower()[:8]
    path = upload_dir() / f"{timezone.now():%Y%m%d}-{secrets.token_hex(8)}{suffix}"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def import_run_enqueue(*, run: ImportRun) -> ImportRun:
    """Hand the import to the task queue (the immediate backend runs it at once)."""
    from sitetrack.intake.tasks import import_run_task

    result = import_run_task.enqueue(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run


def import_upload(
    *,
    operation,
    round: Round,
    user,
    upload,
    form: str = "site-assessment",
    mapping: FieldMapping | None = None,
    all_or_nothing: bool = False,
) -> ImportRun:
    """The web page's and the API's import: store the file, record the run, enqueue it."""
    require(user, operation, "import")
    path = import_upload_store(upload)
    try:
        run = import_run_create(
            operation=operation,
            round=round,
            user=user,
            path=path,
            file_name=Path(upload.name).name[:255],
            form=form,
            mapping=mapping,
            all_or_nothing=all_or_nothing,
        )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return import_run_enqueue(run=run)


PROBE_ROWS = 3


def _identical_import(run: ImportRun) -> ImportRun | None:
    """An earlier import of exactly this file (same bytes, operation, round, form and
    mapping, mapping not edited since) whose result still stands: it rejected nothing,
    and no later import of the operation wrote anything (which this file could revert).
    The caller also probes the first rows against the stored raw hashes, which checks
    the round, form, mapping and catalogue by construction."""
    if not run.file_sha256 or run.source != ImportSource.FILE:
        return None
    same_file = models.Q(file_sha256=run.file_sha256)
    if run.content_digest:
        same_file |= models.Q(content_digest=run.content_digest)
    earlier = (
        ImportRun.objects.filter(
            same_file,
            operation_id=run.operation_id,
            round_id=run.round_id,
            form=run.form,
            mapping_id=run.mapping_id,
            status=ImportStatus.DONE,
            rejected=0,
        )
        .exclude(pk=run.pk)
        .order_by("-pk")
        .first()
    )
    if earlier is None or earlier.processed == 0:
        return None
    if run.mapping_id and run.mapping.updated_at > (earlier.started_at or earlier.created_at):
        return None
    later_writes = (
        ImportRun.objects.filter(operation_id=run.operation_id, pk__gt=earlier.pk, status=ImportStatus.DONE)
        .exclude(pk=run.pk)
        .filter(models.Q(new__gt=0) | models.Q(updated__gt=0) | models.Q(held__gt=0))
        .exists()
    )
    return None if later_writes else earlier


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
    )
    return import_run_execute(run=run, progress=progress)


# --- phase 1: read, map, type, validate, compare --------------------------------------------------

# What _map does with a form field, decided once per mapping (see _Checker.plan).
_SCALAR, _INDICATOR, _SKIP, _SCALAR_MAPPED, _INDICATOR_MAPPED, _LOCATION, _PRIORITIES = range(7)
FLOW_DIRECTIONS = frozenset(FlowDirection.values)


def _plan(mapping: Mapping) -> dict[str, tuple[int, str, dict]]:
    plan = {}
    for key, target in mapping.fields.items():
        name, table = target.target, target.values
        if name.startswith("indicator:"):
            plan[key] = (_INDICATOR_MAPPED if table else _INDICATOR, name[10:], table)
        elif name in ("site_code", "admin1_pcode", "admin2_pcode"):
            plan[key] = (_LOCATION, name, table)
        elif name == "priorities":
            plan[key] = (_PRIORITIES, name, table)
        elif name == "ignore" or name.startswith("flow:"):
            plan[key] = (_SKIP, name, table)
        else:
            plan[key] = (_SCALAR_MAPPED if table else _SCALAR, name, table)
    return plan


class _Checker:
    def __init__(self, run: ImportRun, reader, spool: _Spool, progress: Progress | None) -> None:
        self.run, self.reader, self.spool, self.progress = run, reader, spool, progress
        operation = run.operation
        self.catalogue = fast_catalogue(catalogue_for(operation))
        self.cleaner = FastCleaner(self.catalogue)
        self.rules = validation_rules_for(operation)
        self.form = site_assessment_form(indicator_dicts_for(operation))
        self.mapping = _mapping_for(run, self.form, self.catalogue)
        self.plan = _plan(self.mapping)
        self.plan_scalars = [(k, name) for k, (kind, name, _t) in self.plan.items() if kind == _SCALAR]
        self.plan_indicators = [(k, name) for k, (kind, name, _t) in self.plan.items() if kind == _INDICATOR]
        self.plan_others = [
            (k, step) for k, step in self.plan.items() if step[0] not in (_SCALAR, _INDICATOR, _SKIP)
        ]
        self.processed = self.rejected = self.unchanged = self.new = self.updated = self.held = 0
        self.warnings = 0
        self.today = timezone.localdate()
        # Everything looked up per row is loaded once into dicts.
        self.sites: dict[str, tuple] = {}
        for sid, code, area_m2, path in Site.objects.filter(operation=operation).values_list(
            "id", "code", "area_m2", "admin_area__path"
        ):
            self.sites[code.upper()] = (sid, code, area_m2, set(path.strip("/").split("/")))
        self.areas = dict(AdminArea.objects.values_list("pcode", "id"))
        self.raw: dict[str, tuple] = {
            u: (i, h, a, r)
            for i, u, h, a, r in RawSubmission.objects.filter(operation=operation).values_list(
                "id", "uuid", "content_hash", "assessment_id", "raw_hash"
            )
        }
        # A raw hash means "this exact submission, imported into this round with this
        # form, mapping and catalogue": the same outcome by construction.
        mapping_doc = _json([run.mapping.fields, run.mapping.repeats]) if run.mapping_id else "automatic"
        self.salt = f"{run.round_id}|{run.form}|{mapping_doc}|{self.catalogue.version.pk}|"
        # Readers that can skip unchanged rows before decoding them ask this (not needed
        # when nothing is stored yet).
        reader.known = self._known if self.raw else None
        self.assessments: dict[int, tuple] = {
            s: (i, st)
            for i, s, st in SiteAssessment.objects.filter(round=run.round).values_list(
                "id", "site_id", "status"
            )
        }
        by_assessment = {a: u for u, (_i, _h, a, _r) in self.raw.items() if a}
        self.assessment_uuid = {sid: by_assessment.get(aid) for sid, (aid, _st) in self.assessments.items()}
        before = previous_round(run.round)
        self.previous: dict[int, dict] = {}
        if before is not None:
            for sid, people in (
                SiteAssessment.objects.filter(round=before)
                .exclude(status=AssessmentStatus.DRAFT)
                .values_list("site_id", "individuals")
            ):
                self.previous[sid] = {"individuals": people}
        self.seen_sites: dict[int, str] = {}
        # New assessments' rows are prepared while checking (the saving phase then only
        # writes): with the file read in a second process, this one has time to spare.
        self.saver = _Saver(run, self, spool)
        # What will be written goes to temporary tables as it is checked (staging.py).
        self.stage = Stage(SiteAssessment, self.saver.assessment_cols, CleaningLogEntry)

    def _salted(self, raw_hash: str) -> str:
        return hashlib.blake2b((self.salt + raw_hash).encode("utf-8"), digest_size=16).hexdigest()

    def _known(self, uuid: str, raw_hash: str) -> bool:
        """Is this submission stored exactly as read? (Asked by readers before decoding.)"""
        existing = self.raw.get(uuid)
        return existing is not None and existing[3] == self._salted(raw_hash)

    # The cleaning log ------------------------------------------------------------------------
    def _entry(
        self,
        sub: Submission | None,
        change_type: str,
        *,
        field="",
        old="",
        new="",
        rule="",
        severity="",
        issue="",
        site="",
        where: tuple | None = None,
    ):
        """One cleaning-log line; `where` = (uuid, row, sheet) when there is no Submission."""
        column = self.reader.columns.get(field, field) if field else ""
        uuid, row, sheet = where or ((sub.uuid, sub.row, sub.sheet) if sub else ("", None, ""))
        # In staging.LOG_COLUMNS order.
        self.stage.add_log(
            (
                row,
                sheet or getattr(self.reader, "sheet", ""),
                uuid,
                site,
                field,
                column,
                _text(old),
                _text(new),
                str(change_type),
                rule,
                severity,
                str(issue),
            )
        )

    def _reject(
        self, sub: Submission, *, field: str, value: Any, rule: str, issue: str, site: str = ""
    ) -> None:
        self.rejected += 1
        self._entry(
            sub,
            ChangeType.REJECTED,
            field=field,
            old=value,
            rule=rule,
            severity="error",
            issue=issue,
            site=site,
        )

    # Checking the file as a whole ------------------------------------------------------------
    def _check_columns(self) -> None:
        keys = set(self.reader.columns)
        mapped = {src for src in self.mapping.fields if src in keys}
        site_sources = [s for s, t in self.mapping.fields.items() if t.target == "site_code"]
        meaningful = [s for s, t in self.mapping.fields.items() if t.target not in ("ignore",)]
        if not any(s in keys for s in site_sources) and len(mapped) < max(3, len(meaningful) // 5):
            raise IntakeFileError(
                _(
                    "This looks like an export of another form: none of its columns match the %(form)s form "
                    "or the chosen mapping. Choose the right form or create a field mapping."
                )
                % {"form": self.run.form},
                file=self.run.file_name,
                sheet=getattr(self.reader, "sheet", ""),
                row=1,
                rule="other_form",
            )
        if not any(s in keys for s in site_sources):
            raise IntakeFileError(
                _("The required column %(column)s (the site code) is missing.")
                % {"column": " / ".join(site_sources)},
                file=self.run.file_name,
                sheet=getattr(self.reader, "sheet", ""),
                row=1,
                column=" / ".join(site_sources),
                rule="missing_required_column",
            )

    def probe(self) -> bool:
        """Are the first rows of the file stored exactly as read (raw hashes equal)?"""
        self._check_columns()
        if self.reader.known is None:
            return False
        seen = 0
        for sub in self.reader:
            if not sub.skipped and (
                sub.raw_hash or not sub.uuid or not self._known(sub.uuid, _raw_digest(sub))
            ):
                return False
            seen += 1
            if seen >= PROBE_ROWS:
                break
        return seen > 0

    def check(self) -> None:
        self._check_columns()
        total = self.reader.total
        for sub in _submissions(self.reader):
            self.processed += 1
            if sub.skipped:
                self.unchanged += 1
            else:
                self._one(sub)
            if self.processed % PROGRESS_EVERY == 0:
                _set_progress(self.run, processed=self.processed)
                if self.progress:
                    self.progress(self.processed, total, "checking")
        _set_progress(self.run, processed=self.processed)
        if self.progress:
            self.progress(self.processed, max(total, self.processed), "checking")

    # One submission ------------------------------------------------------------------------
    def _map(self, sub: Submission) -> tuple[dict, dict, list | None]:
        """(assessment values, location values, flows or None)."""
        given = sub.fields
        # Most fields are copied as they are: in comprehensions, not one by one.
        values: dict[str, Any] = {name: given[key] for key, name in self.plan_scalars if key in given}
        indicators: dict[str, Any] = {name: given[key] for key, name in self.plan_indicators if key in given}
        location: dict[str, Any] = {}
        fields = self.mapping.fields
        for key, (kind, name, table) in self.plan_others:
            value = given.get(key)
            if value is None:
                continue
            if table and kind != _PRIORITIES:
                mapped = table.get(str(value), value)
                if mapped != value:
                    self._entry(
                        sub,
                        ChangeType.CHANGED,
                        field=key,
                        old=value,
                        new=mapped,
                        rule="mapping_value",
                        issue=_("Value translated by mapping %(name)s.") % {"name": self.mapping.name},
                    )
                value = mapped
            if kind == _SCALAR_MAPPED:
                values[name] = value
            elif kind == _INDICATOR_MAPPED:
                indicators[name] = value
            elif kind == _LOCATION:
                location[name] = value
                location[f"{name}__field"] = key
            elif kind == _PRIORITIES:
                items = [table.get(v, v) for v in str(value).replace(",", " ").split()]
                for slot, item in zip(PRIORITY_FIELDS, items, strict=False):
                    values[slot] = item
        values["indicators"] = indicators
        flows = None
        if sub.repeats is not None:
            flows = []
            for rname, rows in sub.repeats.items():
                if self.mapping.repeats.get(rname, rname if rname == FLOWS_REPEAT else None) != FLOWS_REPEAT:
                    continue
                for row in rows:
                    flow: dict[str, Any] = {}
                    for key, value in row.items():
                        target = fields.get(key)
                        if target is not None and target.target.startswith("flow:"):
                            flow[target.target[5:]] = (
                                target.values.get(str(value), value) if target.values else value
                            )
                    if flow:
                        flows.append(flow)
        return values, location, flows

    def _one(self, sub: Submission) -> None:
        if not sub.uuid:
            self._reject(
                sub, field="_uuid", value="", rule="missing_uuid", issue=_("The submission has no UUID.")
            )
            return
        # Readers that cannot skip before decoding: compare the raw record, still before
        # mapping, typing and validation.
        if not sub.raw_hash:
            sub.raw_hash = _raw_digest(sub)
            if self._known(sub.uuid, sub.raw_hash):
                self.unchanged += 1
                return
        values, location, flows = self._map(sub)
        code = location.get("site_code")
        code_field = location.get("site_code__field", "site_code")
        if code in (None, ""):
            self._reject(sub, field=code_field, value="", rule="missing_site", issue=_("No site code."))
            return
        code_text = str(code).strip()
        site = self.sites.get(code_text.upper())
        if site is None:
            self._reject(
                sub,
                field=code_field,
                value=code,
                rule="unknown_site",
                issue=_("Site code %(code)s is not in the registry of this operation.") % {"code": code_text},
                site=code_text,
            )
            return
        site_id, site_code, area_m2, area_path = site
        if site_code != code_text:
            self._entry(
                sub,
                ChangeType.CHANGED,
                field=code_field,
                old=code,
                new=site_code,
                rule="site_code_case",
                issue=_("Site code written as in the registry."),
                site=site_code,
            )
        for key in ("admin1_pcode", "admin2_pcode"):
            pcode = location.get(key)
            if pcode in (None, ""):
                continue
            pcode = str(pcode).strip()
            fname = location.get(f"{key}__field", key)
            if pcode not in self.areas:
                self._reject(
                    sub,
                    field=fname,
                    value=pcode,
                    rule="unknown_pcode",
                    issue=_("P-code %(pcode)s is not a known admin area.") % {"pcode": pcode},
                    site=site_code,
                )
                return
            if pcode not in area_path:
                self._entry(
                    sub,
                    ChangeType.FLAGGED,
                    field=fname,
                    old=pcode,
                    rule="pcode_mismatch",
                    severity="warning",
                    issue=_("Site %(site)s is not in admin area %(pcode)s; the registry's area is kept.")
                    % {"site": site_code, "pcode": pcode},
                    site=site_code,
                )
        # Dates: parse, and refuse the future.
        visit = values.get("visit_date")
        if visit not in (None, ""):
            parsed = visit if isinstance(visit, date) else None
            if parsed is None:
                text = str(visit).strip()
                parsed = parse_date(text[:10]) if len(text) >= 10 else None
                if parsed is None:
                    dt = parse_datetime(text)
                    parsed = dt.date() if dt else None
            if isinstance(parsed, datetime):
                parsed = parsed.date()
            if parsed is None:
                self._reject(
                    sub,
                    field="visit_date",
                    value=visit,
                    rule="type",
                    issue=_("%(value)s is not a date (YYYY-MM-DD).") % {"value": visit},
                    site=site_code,
                )
                return
            if parsed > self.today:
                self._reject(
                    sub,
                    field="visit_date",
                    value=visit,
                    rule="future_date",
                    issue=_("The visit date %(value)s is in the future.") % {"value": parsed},
                    site=site_code,
                )
                return
            values["visit_date"] = parsed.isoformat()
        method = values.get("method")
        if method not in (None, "") and method not in ("observation", "key_informant", "focus_group"):
            self._entry(
                sub,
                ChangeType.CHANGED,
                field="method",
                old=method,
                new="",
                rule="unknown_choice",
                severity="warning",
                issue=_("Unknown method dropped."),
                site=site_code,
            )
            values["method"] = ""
        # Types, by the same cleaning the web form uses.
        cleaned = self.cleaner.clean(values)
        type_findings = []
        if cleaned is None:
            cleaned, type_findings = clean_values(values, self.catalogue)
        if type_findings:
            f = type_findings[0]
            fname = f.field.split(".", 1)[-1] if f.field.startswith("indicators.") else f.field
            src = next(
                (k for k, t in self.mapping.fields.items() if t.target in (f.field, f"indicator:{fname}")),
                fname,
            )
            raw_value = values.get(f.field, values["indicators"].get(fname))
            self._reject(sub, field=src, value=raw_value, rule=f.rule, issue=f.message, site=site_code)
            return
        clean_flows = None
        if flows is not None:
            clean_flows = []
            for n, flow in enumerate(flows, start=1):
                direction = flow.get("direction")
                try:
                    people = int(float(flow.get("individuals")))
                    if people < 0:
                        raise ValueError
                except (TypeError, ValueError):
                    self._reject(
                        sub,
                        field="flow_individuals",
                        value=flow.get("individuals"),
                        rule="type",
                        issue=_("Flow %(n)s: not a whole number ≥ 0.") % {"n": n},
                        site=site_code,
                    )
                    return
                if direction not in FLOW_DIRECTIONS:
                    self._reject(
                        sub,
                        field="flow_direction",
                        value=direction,
                        rule="flow_direction",
                        issue=_("Flow %(n)s: direction must be arrival or departure.") % {"n": n},
                        site=site_code,
                    )
                    return
                area = flow.get("area")
                area_id = None
                if area not in (None, ""):
                    area_id = self.areas.get(str(area).strip())
                    if area_id is None:
                        self._reject(
                            sub,
                            field="flow_area",
                            value=area,
                            rule="unknown_pcode",
                            issue=_("P-code %(pcode)s is not a known admin area.") % {"pcode": area},
                            site=site_code,
                        )
                        return
                clean_flows.append(
                    {
                        "direction": direction,
                        "area": str(area).strip() if area_id else None,
                        "area_id": area_id,
                        "individuals": people,
                        "reason": str(flow.get("reason") or "")[:40],
                    }
                )
        # Same content as stored? Then nothing to do. (Rows stored before raw hashes were
        # hashed from JSON; later ones from repr, several times faster.)
        existing = self.raw.get(sub.uuid)
        content = (
            _json([site_code, cleaned, clean_flows])
            if existing is not None and not existing[3]
            else repr((site_code, cleaned, clean_flows))
        )
        digest = hashlib.blake2b(content.encode("utf-8"), digest_size=16).hexdigest()
        raw_hash = self._salted(sub.raw_hash)
        if existing is not None and existing[1] == digest:
            # Same values (only unmapped fields changed, or stored before raw hashes):
            # refresh the raw record so that the next import skips it early.
            self.unchanged += 1
            self.spool.add(
                (
                    "raw",
                    (sub.uuid, sub.submitted_at or "", _raw_text(sub), digest, raw_hash),
                    existing[2],
                    "",
                    existing,
                )
            )
            return
        # Validation rules (warnings and errors that do not block storage).
        full = dict(cleaned)
        full["site_area_m2"] = area_m2
        if clean_flows is not None:
            full["flows"] = [
                {"direction": f["direction"], "area": f["area"], "individuals": f["individuals"]}
                for f in clean_flows
            ]
        findings = validate(
            full,
            previous=self.previous.get(site_id),
            catalogue=self.catalogue,
            rules=self.rules,
            precleaned=True,
        )
        blocking = [f for f in findings if f.rule in BLOCKING_RULES]
        if blocking:
            f = blocking[0]
            self._reject(
                sub, field=f.field, value=full.get(f.field), rule=f.rule, issue=f.message, site=site_code
            )
            return
        issues, errors, warnings = summarise(findings)
        for f in findings:
            self._entry(
                sub,
                ChangeType.FLAGGED,
                field=f.field,
                old=full.get(f.field, ""),
                rule=f.rule,
                severity=f.severity,
                issue=f.message,
                site=site_code,
            )
        self.warnings += warnings
        raw_text = _raw_text(sub)
        record = (
            sub.uuid,
            sub.submitted_at or "",
            raw_text,
            digest,
            site_id,
            site_code,
            cleaned,
            clean_flows,
            issues,
            errors,
            warnings,
            sub.row,
            sub.sheet,
            raw_hash,
        )
        # Duplicates: the site already has this round's assessment from another submission
        # (or from the web form), or is validated, or came twice in this file.
        current = self.assessments.get(site_id)
        holder = self.assessment_uuid.get(site_id)
        reason = ""
        if site_id in self.seen_sites and self.seen_sites[site_id] != sub.uuid:
            reason = _("Another submission in this file is for the same site and round (%(uuid)s).") % {
                "uuid": self.seen_sites[site_id]
            }
        elif current is not None and holder != sub.uuid:
            reason = _("The site already has an assessment for this round from another source.")
        elif current is not None and current[1] in (AssessmentStatus.VALIDATED, AssessmentStatus.LOCKED):
            reason = _("The site's assessment for this round is already validated.")
        if reason:
            self.held += 1
            self._entry(
                sub,
                ChangeType.HELD,
                field="site_code",
                old=site_code,
                rule="duplicate",
                severity="warning",
                issue=reason,
                site=site_code,
            )
            self.spool.add(("hold", record, current[0] if current else None, reason, existing))
            return
        self.seen_sites[site_id] = sub.uuid
        if current is None:
            self.new += 1
            self.stage.add_assessment(
                self.saver.new_row(record),
                [
                    (site_id, f["direction"], f["area_id"], f["individuals"], f["reason"])
                    for f in clean_flows or ()
                ],
                (
                    site_id,
                    existing[0] if existing else None,
                    sub.uuid,
                    sub.submitted_at or "",
                    raw_text,
                    digest,
                    raw_hash,
                ),
            )
            self.assessments[site_id] = (None, AssessmentStatus.SUBMITTED)
            self.assessment_uuid[site_id] = sub.uuid
        else:
            self.updated += 1
            self.spool.add(("update", record, current[0], "", existing))


# --- phase 2: write everything in one transaction ----------------------------------------------------

SCALAR_COLUMNS = (*COUNT_FIELDS, *SEVERITY_FIELDS, *PRIORITY_FIELDS)


class _Saver:
    def __init__(self, run: ImportRun, checker: _Checker, spool: _Spool) -> None:
        self.run, self.checker, self.spool = run, checker, spool
        self.now = timezone.now()
        # SQLite stores JSON as text: encode it directly (Django's adapter costs several
        # times more per value); other databases get their driver's JSON adapter.
        self.json_prep = (
            json.JSONEncoder(separators=(",", ":")).encode
            if connection.vendor == "sqlite"
            else _prep(SiteAssessment, "indicators")
        )
        self.dt = _prep(SiteAssessment, "created_at")(self.now)
        self.history = SiteAssessment.history.model
        self.reason = (_("Import %(file)s (#%(run)s)") % {"file": run.file_name, "run": run.pk})[:100]
        self.assessment_cols = [f.attname for f in SiteAssessment._meta.concrete_fields if f.attname != "id"]
        self.get_assessment = itemgetter(*self.assessment_cols)
        self.prep_submitted_at = _prep(SiteAssessment, "submitted_at")
        self.default_tz = timezone.get_default_timezone()
        # SQLite stores datetimes as naive UTC text (what Django's adapter writes, at a
        # fraction of its cost per row); other databases take the aware datetime.
        self.sqlite_dt = connection.vendor == "sqlite"

    def new_row(self, record) -> tuple:
        """A new assessment's column values (in `assessment_cols` order)."""
        status = AssessmentStatus.SUBMITTED if record[9] == 0 else AssessmentStatus.DRAFT
        # Plain text, not the enum member: cheaper to spool.
        return self.get_assessment(self._row(record, status.value))

    def _row(self, record, status: str) -> dict:
        (
            _uuid,
            submitted_at,
            _raw,
            _digest,
            site_id,
            _code,
            cleaned,
            _flows,
            issues,
            errors,
            warnings,
            *_rest,
        ) = record
        row = {name: cleaned.get(name) for name in SCALAR_COLUMNS}
        for name in PRIORITY_FIELDS:
            row[name] = row[name] or ""
        sub_dt = None
        if submitted_at:
            try:
                sub_dt = datetime.fromisoformat(submitted_at)
            except ValueError:
                with contextlib.suppress(ValueError):
                    sub_dt = parse_datetime(submitted_at)
        if sub_dt is None:
            submitted = self.dt
        else:
            if sub_dt.tzinfo is None:
                sub_dt = timezone.make_aware(sub_dt, self.default_tz)
            submitted = (
                str(sub_dt.astimezone(UTC).replace(tzinfo=None))
                if self.sqlite_dt
                else self.prep_submitted_at(sub_dt)
            )
        row.update(
            round_id=self.run.round_id,
            site_id=site_id,
            catalogue_version_id=self.checker.catalogue.version.pk,
            status=status,
            was_validated=False,
            indicators=self.json_prep(cleaned.get("indicators") or {}),
            observations=str(cleaned.get("observations") or ""),
            facilitator_id=None,
            visit_date=cleaned.get("visit_date") or None,
            method=cleaned.get("method") or "",
            issues=self.json_prep(issues),
            error_count=errors,
            warning_count=warnings,
            warnings_comment="",
            return_reason="",
            submitted_at=submitted,
            validated_at=None,
            validated_by_id=None,
            created_at=self.dt,
            updated_at=self.dt,
        )
        return row

    @transaction.atomic
    def save(self) -> None:
        run, checker = self.run, self.checker
        assessment_cols = self.assessment_cols
        hist_fields = [f.attname for f in self.history._meta.concrete_fields if f.attname != "history_id"]
        # New assessments, their flows and raw records: copied from the staging tables.
        self._copy_new()
        updates: list[tuple] = []  # (record, assessment id)
        holds: list[tuple] = []
        raws: list[tuple] = []
        # The rest (re-imports) streamed from the spool in batches: memory holds one
        # batch of each kind.
        for kind, record, assessment_id, reason, existing in self.spool.items():
            if kind == "update":
                updates.append((record, assessment_id, existing))
                if len(updates) >= CHUNK:
                    self._write_updates(updates, assessment_cols, hist_fields)
                    updates = []
            elif kind == "raw":
                raws.append((record, assessment_id, existing))
                if len(raws) >= CHUNK:
                    self._write_raw(raws)
                    raws = []
            else:
                holds.append((record, assessment_id, reason, existing))
                if len(holds) >= CHUNK:
                    self._write_holds(holds)
                    holds = []
        self._write_updates(updates, assessment_cols, hist_fields)
        self._write_holds(holds)
        self._write_raw(raws)
        self.copy_log()
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.DONE,
            processed=checker.processed,
            new=checker.new,
            updated=checker.updated,
            unchanged=checker.unchanged,
            rejected=checker.rejected,
            held=checker.held,
            warnings=checker.warnings,
            finished_at=timezone.now(),
        )

    def copy_log(self, only: str | None = None) -> None:
        """The staged cleaning log into the real one (all of it, or one change type)."""
        stage = self.checker.stage
        stage.flush("log")
        qn = connection.ops.quote_name
        meta = CleaningLogEntry._meta
        where, params = "", [self.run.pk]
        if only is not None:
            where = f" WHERE {qn(meta.get_field('change_type').column)} = %s"
            params.append(str(only))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {qn(meta.db_table)} ({qn(meta.get_field('run').column)}, {stage.columns('log')}) "
                f"SELECT %s, {stage.columns('log')} FROM {stage.tables['log']}{where} ORDER BY seq",
                params,
            )

    def _history_extra(self, history_type: str) -> dict:
        """The history columns an import sets (the others copy the assessment)."""
        return {
            "history_date": self.dt,
            "history_change_reason": self.reason,
            "history_type": history_type,
            "history_user_id": self.run.created_by_id,
        }

    def _history_rows(self, hist_fields: list[str], rows: list[dict], history_type: str) -> list[tuple]:
        extra = self._history_extra(history_type)
        getter = itemgetter(*hist_fields)
        return [getter({**row, **extra}) for row in rows]

    def _copy_new(self) -> None:
        """Staged new assessments into the real table, then their history rows ("+"),
        flows and raw records, each with one INSERT … SELECT (no value goes through
        Python); the new ids are found by site, there being one assessment per site and
        round."""
        stage = self.checker.stage
        stage.flush()
        if not stage.count("new"):
            return
        qn = connection.ops.quote_name
        meta = SiteAssessment._meta
        table, pk = qn(meta.db_table), qn(meta.pk.column)
        site, round_ = qn(meta.get_field("site").column), qn(meta.get_field("round").column)
        new, flows, raws = stage.tables["new"], stage.tables["flow"], stage.tables["raw"]
        # The staged rows joined to the assessment just inserted for their site.
        join = f"JOIN {table} a ON a.{site} = s.site_id AND a.{round_} = %s"
        extra = self._history_extra("+")
        hist_cols, selects, hist_params = [], [], []
        for field in self.history._meta.concrete_fields:
            if field.attname == "history_id":
                continue
            hist_cols.append(qn(field.column))
            if field.attname in extra:
                selects.append("%s")
                hist_params.append(extra[field.attname])
            else:
                selects.append(f"a.{qn(meta.get_field(field.attname).column)}")
        flow_meta, raw_meta = PopulationFlow._meta, RawSubmission._meta
        flow_cols = ", ".join(
            qn(flow_meta.get_field(n).column)
            for n in ("assessment", "direction", "area", "individuals", "reason")
        )
        raw_cols = ", ".join(
            qn(raw_meta.get_field(n).column)
            for n in (
                "operation",
                "uuid",
                "form",
                "submitted_at",
                "data",
                "content_hash",
                "raw_hash",
                "assessment",
                "first_run",
                "last_run",
                "updated_at",
            )
        )
        run = self.run
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({stage.columns('new')}) "
                f"SELECT {stage.columns('new')} FROM {new} ORDER BY seq"
            )
            cursor.execute(
                f"INSERT INTO {qn(self.history._meta.db_table)} ({', '.join(hist_cols)}) "
                f"SELECT {', '.join(selects)} FROM {table} a "
                f"WHERE a.{round_} = %s AND a.{site} IN (SELECT site_id FROM {new}) ORDER BY a.{pk}",
                [*hist_params, run.round_id],
            )
            cursor.execute(
                f"INSERT INTO {qn(flow_meta.db_table)} ({flow_cols}) "
                f"SELECT a.{pk}, s.direction, s.area_id, s.individuals, s.reason FROM {flows} s {join} "
                "ORDER BY s.seq",
                [run.round_id],
            )
            cursor.execute(
                f"INSERT INTO {qn(raw_meta.db_table)} ({raw_cols}) "
                f"SELECT %s, s.uuid, %s, s.submitted_at, s.data, s.content_hash, s.raw_hash, a.{pk}, %s, %s, %s "
                f"FROM {raws} s {join} WHERE s.existing_id IS NULL ORDER BY s.seq",
                [run.operation_id, run.form, run.pk, run.pk, self.dt, run.round_id],
            )
            # Raw records that existed already (a submission held earlier, or whose
            # assessment was deleted): updated in place.
            cursor.execute(
                f"SELECT s.uuid, s.submitted_at, s.data, s.content_hash, s.raw_hash, a.{pk}, s.existing_id "
                f"FROM {raws} s {join} WHERE s.existing_id IS NOT NULL ORDER BY s.seq",
                [run.round_id],
            )
            while rows := cursor.fetchmany(CHUNK):
                self._write_raw(
                    [((u, sa, data, ch, None, rh), aid, (eid,)) for u, sa, data, ch, rh, aid, eid in rows]
                )

    def _write_raw(self, items: list[tuple]) -> None:
        inserts, updates = [], []
        for record, assessment_id, existing in items:
            uuid, submitted_at, raw_text, digest = record[0], record[1], record[2], record[3]
            raw_hash = record[-1]
            if existing is None:
                inserts.append(
                    (
                        self.run.operation_id,
                        uuid,
                        self.run.form,
                        submitted_at,
                        raw_text,
                        digest,
                        raw_hash,
                        assessment_id,
                        self.run.pk,
                        self.run.pk,
                        self.dt,
                    )
                )
            else:
                updates.append(
                    (
                        submitted_at,
                        raw_text,
                        digest,
                        raw_hash,
                        assessment_id,
                        self.run.pk,
                        self.dt,
                        existing[0],
                    )
                )
        _insert(
            RawSubmission,
            [
                "operation_id",
                "uuid",
                "form",
                "submitted_at",
                "data",
                "content_hash",
                "raw_hash",
                "assessment_id",
                "first_run_id",
                "last_run_id",
                "updated_at",
            ],
            inserts,
        )
        _update(
            RawSubmission,
            [
                "submitted_at",
                "data",
                "content_hash",
                "raw_hash",
                "assessment_id",
                "last_run_id",
                "updated_at",
            ],
            updates,
        )

    def _write_updates(self, updates, cols, hist_fields) -> None:
        if not updates:
            return
        ids = [a for _r, a, _e in updates]
        old = {}
        for start in range(0, len(ids), CHUNK):
            for row in SiteAssessment.objects.filter(pk__in=ids[start : start + CHUNK]).values():
                old[row["id"]] = row
        set_cols = [
            c
            for c in cols
            if c
            not in (
                "round_id",
                "site_id",
                "created_at",
                "status",
                "was_validated",
                "validated_at",
                "validated_by_id",
                "facilitator_id",
                "warnings_comment",
                "return_reason",
            )
        ]
        update_rows, hist_rows, flows, flow_ids = [], [], [], []
        for record, assessment_id, _existing in updates:
            before = old[assessment_id]
            status = before["status"]
            if record[9] and status == AssessmentStatus.SUBMITTED:
                status = AssessmentStatus.DRAFT
            row = self._row(record, status)
            row["created_at"] = before["created_at"]
            row["facilitator_id"] = before["facilitator_id"]
            row["warnings_comment"] = before["warnings_comment"]
            row["return_reason"] = before["return_reason"]
            row["was_validated"] = before["was_validated"]
            row["validated_at"] = before["validated_at"]
            row["validated_by_id"] = before["validated_by_id"]
            update_rows.append(tuple(row[c] for c in set_cols) + (assessment_id,))
            hist_rows.append({**row, "id": assessment_id})
            for name in (*SCALAR_COLUMNS, "visit_date", "method", "observations"):
                was, now = before.get(name), record[6].get(name, before.get(name))
                if name == "visit_date" and was is not None:
                    was = was.isoformat()
                if (was or None) != (now or None):
                    self.checker._entry(
                        None,
                        ChangeType.UPDATED,
                        field=name,
                        old=was,
                        new=now,
                        rule="resubmitted",
                        issue=_("Changed by a new version of submission %(uuid)s.") % {"uuid": record[0]},
                        site=record[5],
                        where=(record[0], record[11], record[12]),
                    )
            was_ind, now_ind = before.get("indicators") or {}, record[6].get("indicators") or {}
            for code in sorted(set(was_ind) | set(now_ind)):
                if was_ind.get(code) != now_ind.get(code):
                    self.checker._entry(
                        None,
                        ChangeType.UPDATED,
                        field=f"indicators.{code}",
                        old=was_ind.get(code),
                        new=now_ind.get(code),
                        rule="resubmitted",
                        issue=_("Changed by a new version of submission %(uuid)s.") % {"uuid": record[0]},
                        site=record[5],
                        where=(record[0], record[11], record[12]),
                    )
            if record[7] is not None:
                flow_ids.append(assessment_id)
                for f in record[7]:
                    flows.append((assessment_id, f["direction"], f["area_id"], f["individuals"], f["reason"]))
        _update(SiteAssessment, set_cols, update_rows)
        _insert(self.history, hist_fields, self._history_rows(hist_fields, hist_rows, "~"))
        for start in range(0, len(flow_ids), CHUNK):
            PopulationFlow.objects.filter(assessment_id__in=flow_ids[start : start + CHUNK]).delete()
        _insert(PopulationFlow, ["assessment_id", "direction", "area_id", "individuals", "reason"], flows)
        self._write_raw([(record, assessment_id, existing) for record, assessment_id, existing in updates])

    def _write_holds(self, holds) -> None:
        if not holds:
            return
        objs = []
        for record, assessment_id, reason, _existing in holds:
            objs.append(
                DuplicateHold(
                    operation_id=self.run.operation_id,
                    round_id=self.run.round_id,
                    site_id=record[4],
                    assessment_id=assessment_id,
                    run_id=self.run.pk,
                    uuid=record[0],
                    reason=reason[:200],
                    values={
                        "values": record[6],
                        "flows": record[7],
                        "issues": record[8],
                        "submitted_at": record[1],
                    },
                )
            )
        DuplicateHold.objects.bulk_create(objs, batch_size=CHUNK)
        self._write_raw([(record, None, existing) for record, _a, _r, existing in holds])


# --- held duplicates ----------------------------------------------------------------------------


@transaction.atomic
def duplicate_hold_resolve(*, hold: DuplicateHold, user, take_new: bool) -> DuplicateHold:
    """An IMO keeps the existing assessment or applies the held submission instead."""
    require(user, hold.operation, "validate")
    hold = DuplicateHold.objects.select_for_update().get(pk=hold.pk)
    if hold.status != HoldStatus.OPEN:
        raise ValidationError({"status": [_("This duplicate has already been resolved.")]})
    if take_new:
        from sitetrack.assessments.services import assessment_save

        values = dict(hold.values.get("values") or {})
        allowed = {*ASSESSMENT_SCALARS, "indicators"}
        values = {k: v for k, v in values.items() if k in allowed}
        flows = hold.values.get("flows")
        site = hold.site
        assessment = SiteAssessment.objects.filter(round=hold.round, site=site).first()
        if assessment is not None and assessment.status in (
            AssessmentStatus.VALIDATED,
            AssessmentStatus.LOCKED,
        ):
            from sitetrack.assessments.services import assessment_correct

            assessment = assessment_correct(
                assessment=assessment,
                user=user,
                values=values,
                reason=_("Duplicate %(uuid)s chosen by an IMO") % {"uuid": hold.uuid},
            )
        else:
            if assessment is not None and assessment.status == AssessmentStatus.SUBMITTED:
                pass  # an IMO may edit submitted assessments
            assessment = assessment_save(
                site=site,
                round=hold.round,
                user=user,
                values=values,
                flows=[{k: f[k] for k in ("direction", "area", "individuals", "reason")} for f in flows]
                if flows is not None
                else None,
            )
        RawSubmission.objects.filter(operation=hold.operation, uuid=hold.uuid).update(assessment=assessment)
        RawSubmission.objects.filter(operation=hold.operation, assessment=assessment).exclude(
            uuid=hold.uuid
        ).update(assessment=None)
        hold.status = HoldStatus.TOOK_NEW
        hold.assessment = assessment
    else:
        hold.status = HoldStatus.KEPT_EXISTING
    hold.resolved_by = user
    hold.resolved_at = timezone.now()
    hold.save()
    return hold


# --- mappings ------------------------------------------------------------------------------------


@transaction.atomic
def field_mapping_save(
    *, operation, user, data: dict[str, Any], mapping: FieldMapping | None = None
) -> FieldMapping:
    """Create or replace a mapping from a document {name, description, form_id, fields, repeats}."""
    require(user, operation, "import")
    codes = set(catalogue_for(operation).indicators)
    parsed = mapping_from_dict(data, indicator_codes=codes)
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the mapping a name.")]})
    if mapping is None:
        mapping = FieldMapping.objects.filter(operation=operation, name=name).first() or FieldMapping(
            operation=operation, created_by=user
        )
    mapping.name = name
    mapping.description = str(data.get("description") or "")
    mapping.form_id = str(data.get("form_id") or "")
    mapping.fields = {
        k: (t.target if not t.values else {"target": t.target, "values": t.values})
        for k, t in parsed.fields.items()
    }
    mapping.repeats = parsed.repeats
    mapping.full_clean(exclude=["created_by", "operation"])
    mapping.save()
    return mapping


def field_mapping_install_shipped(*, operation, user) -> list[FieldMapping]:
    """Copy the shipped mappings (DTM codes) into the operation, if not already there."""
    from sitetrack.intake.mapping import shipped_mappings

    out = []
    for name, data in shipped_mappings().items():
        existing = FieldMapping.objects.filter(operation=operation, name=name).first()
        out.append(existing or field_mapping_save(operation=operation, user=user, data=data))
    return out
