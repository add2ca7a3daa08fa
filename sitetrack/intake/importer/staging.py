"""Staging tables: what an import will write, written while it is still checking.

Checking 100,000 submissions takes about half a minute; writing them afterwards took a
third as long again, with the database's write lock held all that time. The rows of new
assessments, their population flows and raw records, and the cleaning-log lines are
therefore inserted *as they are checked* into TEMPORARY tables of the import's own
database connection. Those are private to the connection and disappear with it, so a
killed import still leaves nothing behind; on SQLite they live in their own temporary
file, so staging takes no lock on the main database and the web app keeps writing while
an import checks. The final transaction then copies them into the real tables with
INSERT … SELECT: the database moves the rows, no value goes through Python again, and
the write lock is held for seconds instead of the whole import.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator

from django.db import DatabaseError, connection

from sitetrack.intake.importer.identity import stored_json, text
from sitetrack.intake.models import CLEANING_LOG_FIELDS

CHUNK = 2000

# The cleaning log's columns, in the order `StagedLog.entry` produces them.
LOG_COLUMNS = CLEANING_LOG_FIELDS
FLOW_COLUMNS = ("site_id", "direction", "area_id", "individuals", "reason")
RAW_COLUMNS = ("site_id", "existing_id", "uuid", "submitted_at", "data", "content_hash", "raw_hash")


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _fast_toast() -> str:
    """PostgreSQL 14 and later compress the staged raw records with LZ4 (a few times
    faster than the default pglz: a 5,000-row import's raw records took its COPY a
    quarter of a second more), where the server was built with it."""
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND %s = ANY(enumvals)",
            ["lz4"],
        )
        return " COMPRESSION lz4" if cursor.fetchone() else ""


class Stage:
    """Four temporary tables — new assessments, their flows and raw records, the cleaning
    log — filled in chunks while checking (`add_*`), read by `Saver` in its transaction."""

    _ids = itertools.count(1)

    def __init__(self, assessment_model, assessment_columns: list[str], log_model) -> None:
        suffix = next(self._ids)
        self.tables = {kind: f"sitetrack_stage_{kind}_{suffix}" for kind in ("new", "flow", "raw", "log")}
        self.buffers: dict[str, list[tuple]] = {kind: [] for kind in self.tables}
        self.counts = dict.fromkeys(self.tables, 0)
        self.seq = itertools.count(1)
        assessments, log = assessment_model._meta, log_model._meta
        columns = {
            "new": ["seq", *(assessments.get_field(n).column for n in assessment_columns)],
            "flow": ["seq", *FLOW_COLUMNS],
            "raw": ["seq", *RAW_COLUMNS],
            "log": ["seq", *(log.get_field(n).column for n in LOG_COLUMNS)],
        }
        self._columns = {kind: [_qn(c) for c in cols] for kind, cols in columns.items()}
        statements = [
            # The same column types as the real tables (CREATE TABLE AS copies them).
            f"CREATE TEMPORARY TABLE {self.tables['new']} AS SELECT 0 AS seq, "
            f"{self.columns('new')} FROM {_qn(assessments.db_table)} WHERE 1 = 0",
            f"CREATE TEMPORARY TABLE {self.tables['flow']} (seq bigint, site_id bigint, "
            "direction varchar(20), area_id bigint, individuals integer, reason varchar(40))",
            f"CREATE TEMPORARY TABLE {self.tables['raw']} (seq bigint, site_id bigint, "
            f"existing_id bigint, uuid varchar(64), submitted_at varchar(40), data text{_fast_toast()}, "
            "content_hash varchar(32), raw_hash varchar(32))",
            f"CREATE TEMPORARY TABLE {self.tables['log']} AS SELECT 0 AS seq, "
            f"{self.columns('log')} FROM {_qn(log.db_table)} WHERE 1 = 0",
        ]
        with self._transaction(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.inserts = {
            kind: f"INSERT INTO {table} ({self.columns(kind, seq=True)}) "
            f"VALUES ({', '.join(['%s'] * len(columns[kind]))})"
            for kind, table in self.tables.items()
        }

    def columns(self, kind: str, *, seq: bool = False) -> str:
        """The staged table's columns (those of the real table), quoted, comma-separated."""
        names = self._columns[kind]
        return ", ".join(names if seq else names[1:])

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """A short transaction for staging writes. On SQLite a deferred one, by hand:
        Django's atomic() would BEGIN IMMEDIATE and take the main database's write lock,
        which writes to temporary tables do not need."""
        if connection.in_atomic_block:
            yield
            return
        if connection.vendor != "sqlite":
            from django.db import transaction

            with transaction.atomic():
                yield
            return
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                yield
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")

    # Adding rows --------------------------------------------------------------------------
    def _add(self, kind: str, row: tuple) -> None:
        buffer = self.buffers[kind]
        buffer.append(row)
        if len(buffer) >= CHUNK:
            self.flush(kind)

    def add_assessment(self, row: tuple, flows: list[tuple], raw: tuple) -> None:
        """A new assessment (its column values), its flows and its raw record, keyed by
        site (one new assessment per site and round)."""
        seq = next(self.seq)
        self._add("new", (seq, *row))
        for flow in flows:
            self._add("flow", (seq, *flow))
        self._add("raw", (seq, *raw))

    def add_log(self, entry: tuple) -> None:
        self._add("log", (next(self.seq), *entry))

    def flush(self, kind: str | None = None) -> None:
        for name in [kind] if kind else list(self.tables):
            rows = self.buffers[name]
            if not rows:
                continue
            with self._transaction(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # COPY: several times cheaper than INSERTs for the server and for us.
                    with cursor.cursor.copy(
                        f"COPY {self.tables[name]} ({self.columns(name, seq=True)}) FROM STDIN"
                    ) as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    cursor.executemany(self.inserts[name], rows)
            self.counts[name] += len(rows)
            self.buffers[name] = []

    def count(self, kind: str) -> int:
        return self.counts[kind] + len(self.buffers[kind])

    def close(self) -> None:
        """Drop the tables (they would go with the connection anyway)."""
        for name in self.buffers:
            self.buffers[name] = []
        if (
            connection.vendor == "sqlite"
            and not connection.in_atomic_block
            and not connection.is_in_memory_db()
        ):
            # Dropping half a gigabyte of temporary rows takes SQLite about a second;
            # closing the connection deletes their file at once (Django reconnects).
            connection.close()
            return
        with contextlib.suppress(DatabaseError), self._transaction(), connection.cursor() as cursor:
            for table in self.tables.values():
                cursor.execute(f"DROP TABLE IF EXISTS {table}")


class StagedLog:
    """Lines of the cleaning log, staged as the import finds them (by the checker while
    checking, by the saver for the changes of re-imported submissions)."""

    def __init__(self, stage: Stage, reader) -> None:
        self.stage, self.reader = stage, reader

    def entry(
        self,
        sub,
        change_type: str,
        *,
        field="",
        old="",
        new="",
        rule="",
        severity="",
        code="",
        params=None,
        site="",
        where: tuple | None = None,
    ) -> None:
        """One cleaning-log line; `where` = (uuid, row, sheet) when there is no Submission.
        What it says is a code and its parameters (intake/log_messages.py), never text."""
        column = self.reader.columns.get(field, field) if field else ""
        uuid, row, sheet = where or ((sub.uuid, sub.row, sub.sheet) if sub else ("", None, ""))
        # In LOG_COLUMNS order.
        self.stage.add_log(
            (
                row,
                sheet or getattr(self.reader, "sheet", ""),
                uuid,
                site,
                field,
                column,
                text(old),
                text(new),
                str(change_type),
                rule,
                severity,
                code,
                stored_json(params or {}),
                "",
            )
        )
