"""Phase 2 of an import: everything the checker staged and spooled written in ONE
transaction with bulk statements (INSERT … SELECT from the staging tables for new
assessments, multi-row statements for re-import work). The batch lands whole or leaves
nothing."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from operator import itemgetter

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sitetrack.assessments import history
from sitetrack.assessments.models import PopulationFlow, SiteAssessment
from sitetrack.assessments.rules import HistoryType, history_columns, status_after_save
from sitetrack.assessments.validation import COUNT_FIELDS, PRIORITY_FIELDS, SEVERITY_FIELDS
from sitetrack.intake.importer.bulk_sql import CHUNK, columns, insert, prep, update
from sitetrack.intake.importer.records import Checked, Counts, RawRecord
from sitetrack.intake.importer.spool import Spool
from sitetrack.intake.models import (
    ChangeType,
    CleaningLogEntry,
    DuplicateHold,
    ImportRun,
    ImportStatus,
    RawSubmission,
)

SCALAR_COLUMNS = (*COUNT_FIELDS, *SEVERITY_FIELDS, *PRIORITY_FIELDS)
# A new assessment's columns, in the order of the staging table.
ASSESSMENT_COLUMNS = [f.attname for f in SiteAssessment._meta.concrete_fields if f.attname != "id"]
# Columns an update keeps from the stored assessment.
KEPT_ON_UPDATE = (
    "created_at",
    "facilitator_id",
    "warnings_comment",
    "return_reason",
    "was_validated",
    "validated_at",
    "validated_by_id",
)
RAW_INSERT = (
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
)
RAW_UPDATE = (
    "submitted_at",
    "data",
    "content_hash",
    "raw_hash",
    "assessment_id",
    "last_run_id",
    "updated_at",
)
FLOW_INSERT = ["assessment_id", "direction", "area_id", "individuals", "reason"]


class Saver:
    """Writes what the checker staged and spooled, in one transaction (`save`). Built by
    the orchestrator (services.runs) with the staging tables, the spool and the cleaning
    log it shares with the checker."""

    def __init__(
        self, run: ImportRun, *, stage, spool: Spool, log: Callable[..., None], catalogue_version_id: int
    ) -> None:
        self.run, self.stage, self.spool, self.log = run, stage, spool, log
        self.catalogue_version_id = catalogue_version_id
        self.now = timezone.now()
        # SQLite stores JSON as text: encode it directly (Django's adapter costs several
        # times more per value); other databases get their driver's JSON adapter.
        self.json_prep = (
            json.JSONEncoder(separators=(",", ":")).encode
            if connection.vendor == "sqlite"
            else prep(SiteAssessment, "indicators")
        )
        self.dt = prep(SiteAssessment, "created_at")(self.now)
        self.history = SiteAssessment.history.model
        self.hist_fields = [
            f.attname for f in self.history._meta.concrete_fields if f.attname != "history_id"
        ]
        self.reason = history.reason("import", file=run.file_name, run=run.pk)
        self.assessment_cols = ASSESSMENT_COLUMNS
        self.get_assessment = itemgetter(*self.assessment_cols)
        self.prep_submitted_at = prep(SiteAssessment, "submitted_at")
        self.default_tz = timezone.get_default_timezone()
        # SQLite stores datetimes as naive UTC text (what Django's adapter writes, at a
        # fraction of its cost per row); other databases take the aware datetime.
        self.sqlite_dt = connection.vendor == "sqlite"
        self._shared = {
            "round_id": run.round_id,
            "catalogue_version_id": catalogue_version_id,
            "was_validated": False,
            "facilitator_id": None,
            "warnings_comment": "",
            "return_reason": "",
            "validated_at": None,
            "validated_by_id": None,
            "created_at": self.dt,
            "updated_at": self.dt,
        }

    # Rows ----------------------------------------------------------------------------------
    def new_row(self, record: Checked) -> tuple:
        """A new assessment's column values (in `assessment_cols` order); its status by
        the assessments' rule (a field submission comes as submitted)."""
        status = status_after_save(None, error_count=record.errors, submitted=True)
        # Plain text, not the enum member: cheaper to spool.
        return self.get_assessment(self._row(record, str(status)))

    def _submitted(self, submitted_at: str):
        """The submission time as the database takes it (now, when the export has none)."""
        sub_dt = None
        if submitted_at:
            try:
                sub_dt = datetime.fromisoformat(submitted_at)
            except ValueError:
                with contextlib.suppress(ValueError):
                    sub_dt = parse_datetime(submitted_at)
        if sub_dt is None:
            return self.dt
        if sub_dt.tzinfo is None:
            sub_dt = timezone.make_aware(sub_dt, self.default_tz)
        return (
            str(sub_dt.astimezone(UTC).replace(tzinfo=None))
            if self.sqlite_dt
            else self.prep_submitted_at(sub_dt)
        )

    def _row(self, record: Checked, status: str) -> dict:
        cleaned = record.cleaned
        get = cleaned.get
        row = {name: get(name) for name in SCALAR_COLUMNS}
        for name in PRIORITY_FIELDS:
            row[name] = row[name] or ""
        # The columns every row of this import shares, then the row's own.
        row.update(self._shared)
        row["site_id"] = record.site_id
        row["status"] = status
        row["indicators"] = self.json_prep(get("indicators") or {})
        row["observations"] = str(get("observations") or "")
        row["visit_date"] = get("visit_date") or None
        row["method"] = get("method") or ""
        row["issues"] = self.json_prep(record.issues)
        row["error_count"] = record.errors
        row["warning_count"] = record.warnings
        row["submitted_at"] = self._submitted(record.submitted_at)
        return row

    # The transaction -----------------------------------------------------------------------
    @transaction.atomic
    def save(self, counts: Counts) -> None:
        """Everything, then the run marked done with its counts, in one transaction."""
        # New assessments, their flows and raw records: copied from the staging tables.
        self._copy_new()
        batches: dict[str, list] = {"update": [], "raw": [], "hold": []}
        writers = {"update": self._write_updates, "raw": self._write_raw, "hold": self._write_holds}
        # The rest (re-imports) streamed from the spool in batches: memory holds one
        # batch of each kind.
        for item in self.spool.items():
            batch = batches[item.kind]
            batch.append(item)
            if len(batch) >= CHUNK:
                writers[item.kind](batch)
                batches[item.kind] = []
        for kind in ("update", "hold", "raw"):
            writers[kind](batches[kind])
        self.copy_log()
        ImportRun.objects.filter(pk=self.run.pk).update(
            status=ImportStatus.DONE, finished_at=timezone.now(), **counts.as_run_fields()
        )

    def copy_log(self, only: str | None = None) -> None:
        """The staged cleaning log into the real one (all of it, or one change type)."""
        stage = self.stage
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

    # History -------------------------------------------------------------------------------
    def _history_extra(self, history_type: HistoryType) -> dict:
        """The history columns an import sets (the others copy the assessment), by the
        assessments' rule."""
        return history_columns(
            history_type=history_type, when=self.dt, user_id=self.run.created_by_id, reason=self.reason
        )

    def _history_rows(self, rows: list[dict], history_type: HistoryType) -> list[tuple]:
        extra = self._history_extra(history_type)
        getter = itemgetter(*self.hist_fields)
        return [getter({**row, **extra}) for row in rows]

    def _history_select(self) -> tuple[list[str], list[str], list]:
        """(history columns, SELECT expressions on assessment `a`, parameters) for the
        history rows ("+") of assessments just inserted."""
        qn = connection.ops.quote_name
        meta = SiteAssessment._meta
        extra = self._history_extra(HistoryType.CREATED)
        cols, selects, params = [], [], []
        for field in self.history._meta.concrete_fields:
            if field.attname == "history_id":
                continue
            cols.append(qn(field.column))
            if field.attname in extra:
                selects.append("%s")
                params.append(extra[field.attname])
            else:
                selects.append(f"a.{qn(meta.get_field(field.attname).column)}")
        return cols, selects, params

    # New assessments -----------------------------------------------------------------------
    def _copy_new(self) -> None:
        """Staged new assessments into the real table, then their history rows ("+"),
        flows and raw records, each with one INSERT … SELECT (no value goes through
        Python); the new ids are found by site, there being one assessment per site and
        round."""
        stage = self.stage
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
        hist_cols, selects, hist_params = self._history_select()
        flow_meta, raw_meta = PopulationFlow._meta, RawSubmission._meta
        flow_cols = ", ".join(qn(c) for c in columns(PopulationFlow, FLOW_INSERT))
        raw_cols = ", ".join(qn(c) for c in columns(RawSubmission, RAW_INSERT))
        run = self.run
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({stage.columns('new')}) SELECT {stage.columns('new')} FROM {new} ORDER BY seq"
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
                self._write_raw_records(
                    [(RawRecord(u, sa, data, ch, rh), aid, eid) for u, sa, data, ch, rh, aid, eid in rows]
                )

    # Re-import work --------------------------------------------------------------------------
    def _write_raw(self, items: list) -> None:
        """Spool items whose raw record is (re)written."""
        self._write_raw_records(
            [(i.record, i.assessment_id, i.existing.id if i.existing else None) for i in items]
        )

    def _write_raw_records(self, items: list[tuple]) -> None:
        """(record, assessment id, stored raw id or None) → inserted or updated raw rows."""
        run = self.run
        inserts, updates = [], []
        for record, assessment_id, existing_id in items:
            if existing_id is None:
                inserts.append(
                    (
                        run.operation_id,
                        record.uuid,
                        run.form,
                        record.submitted_at,
                        record.raw_text,
                        record.digest,
                        record.raw_hash,
                        assessment_id,
                        run.pk,
                        run.pk,
                        self.dt,
                    )
                )
            else:
                updates.append(
                    (
                        record.submitted_at,
                        record.raw_text,
                        record.digest,
                        record.raw_hash,
                        assessment_id,
                        run.pk,
                        self.dt,
                        existing_id,
                    )
                )
        insert(RawSubmission, list(RAW_INSERT), inserts)
        update(RawSubmission, list(RAW_UPDATE), updates)

    def _log_changes(self, record: Checked, before: dict) -> None:
        """One "updated" cleaning-log line per field a new version of a submission changed."""
        where = (record.uuid, record.row, record.sheet)
        params = {"uuid": record.uuid}
        changes = []
        for name in (*SCALAR_COLUMNS, "visit_date", "method", "observations"):
            was, now = before.get(name), record.cleaned.get(name, before.get(name))
            if name == "visit_date" and was is not None:
                was = was.isoformat()
            if (was or None) != (now or None):
                changes.append((name, was, now))
        was_ind, now_ind = before.get("indicators") or {}, record.cleaned.get("indicators") or {}
        for code in sorted(set(was_ind) | set(now_ind)):
            if was_ind.get(code) != now_ind.get(code):
                changes.append((f"indicators.{code}", was_ind.get(code), now_ind.get(code)))
        for field, was, now in changes:
            self.log(
                None,
                ChangeType.UPDATED,
                field=field,
                old=was,
                new=now,
                rule="resubmitted",
                code="resubmitted",
                params=params,
                site=record.site_code,
                where=where,
            )

    def _write_updates(self, items: list) -> None:
        """New versions of stored submissions: the assessment updated (its status by the
        assessments' rule), a history row ("~"), its flows replaced, its raw record
        refreshed."""
        if not items:
            return
        ids = [i.assessment_id for i in items]
        old = {}
        for start in range(0, len(ids), CHUNK):
            for row in SiteAssessment.objects.filter(pk__in=ids[start : start + CHUNK]).values():
                old[row["id"]] = row
        set_cols = [
            c for c in self.assessment_cols if c not in ("round_id", "site_id", "status", *KEPT_ON_UPDATE)
        ] + ["status"]
        update_rows, hist_rows, flows, flow_ids = [], [], [], []
        for item in items:
            record, assessment_id = item.record, item.assessment_id
            before = old[assessment_id]
            status = status_after_save(before["status"], error_count=record.errors, submitted=True)
            row = self._row(record, str(status))
            row.update({name: before[name] for name in KEPT_ON_UPDATE})
            update_rows.append(tuple(row[c] for c in set_cols) + (assessment_id,))
            hist_rows.append({**row, "id": assessment_id})
            self._log_changes(record, before)
            if record.flows is not None:
                flow_ids.append(assessment_id)
                for f in record.flows:
                    flows.append((assessment_id, f["direction"], f["area_id"], f["individuals"], f["reason"]))
        update(SiteAssessment, set_cols, update_rows)
        insert(self.history, self.hist_fields, self._history_rows(hist_rows, HistoryType.CHANGED))
        for start in range(0, len(flow_ids), CHUNK):
            PopulationFlow.objects.filter(assessment_id__in=flow_ids[start : start + CHUNK]).delete()
        insert(PopulationFlow, FLOW_INSERT, flows)
        self._write_raw(items)

    def _write_holds(self, items: list) -> None:
        """Submissions held for an IMO as duplicates, and their raw records."""
        if not items:
            return
        objs = []
        for item in items:
            record = item.record
            code, params = item.reason
            objs.append(
                DuplicateHold(
                    operation_id=self.run.operation_id,
                    round_id=self.run.round_id,
                    site_id=record.site_id,
                    assessment_id=item.assessment_id,
                    run_id=self.run.pk,
                    uuid=record.uuid,
                    # Why, as a code read in the reader's language (reason_message).
                    reason=code,
                    values={
                        "values": record.cleaned,
                        "flows": record.flows,
                        "issues": record.issues,
                        "submitted_at": record.submitted_at,
                        "reason_params": params,
                    },
                )
            )
        DuplicateHold.objects.bulk_create(objs, batch_size=CHUNK)
        self._write_raw([item._replace(assessment_id=None) for item in items])
