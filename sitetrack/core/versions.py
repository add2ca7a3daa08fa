"""The data version cached reads are keyed by, and a process-local cache of results.

A list page of the API, a page of the web, a figure: each may be kept and served again
while the data it was computed from has not changed. "Changed" is decided here, once,
for every app:

- Every SQL statement a Django connection runs passes through `_watch` (an execute
  wrapper installed on each new connection). A statement that writes (INSERT, UPDATE,
  DELETE, REPLACE, TRUNCATE) to any table but the bookkeeping ones in `IGNORED_TABLES`
  records a change: at once in autocommit, else once when the outermost transaction
  commits. ORM saves, `update()`, `bulk_create`, the imports' own SQL and whatever the
  apps still to come write are all seen, with no signal to connect and no call to
  forget. (A COPY on PostgreSQL is not a statement Django runs: code that copies calls
  `bump()`; the import copies into staging tables and inserts from them with SQL.)
- A change is one `core.DataChange` row, inserted in the transaction that wrote (so it
  commits, or rolls back, with the data; inserts share no lock between writers);
  `version()` reads the latest one and the count in one statement.
- Inside a transaction that has written (`uncommitted()`), reads are computed, never
  cached nor served from cache: nothing uncommitted may reach another request.

Readers read the version before the data, so a result cached under a version is never
older than it. A change committed by another process is seen by the next request of
every process (the version is read from the database on every cached read); entries
also expire after `CACHE_SECONDS` whatever happens.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from typing import Any

from django.db import DatabaseError, connection, connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

logger = logging.getLogger(__name__)

# Seconds a cached result lives even if no change was recorded.
CACHE_SECONDS = 300
# Tables whose writes are bookkeeping, not data a cached read shows: sessions and login
# attempts, API token use, the task queue, the caches' own tables, the admin log.
IGNORED_TABLES = frozenset(
    {
        "core_datachange",
        "response_sharedresult",
        "django_session",
        "django_admin_log",
        "accounts_apitoken",
        "authtoken_token",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
        "django_tasks_database_dbtaskresult",
    }
)
_WRITE = re.compile(
    r"""\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+["`]?(\w+)""",
    re.IGNORECASE,
)
# Rows kept behind the latest when pruning (every PRUNE_EVERY-th change).
KEEP, PRUNE_EVERY = 100, 500


def written_table(sql: object) -> str | None:
    """The table a statement writes to, or None for a read (or anything unparsed)."""
    if not isinstance(sql, str) or sql[:6].upper() in ("SELECT", "SAVEPO", "RELEAS"):
        return None
    match = _WRITE.match(sql)
    return match.group(1).lower() if match else None


def _record(conn) -> None:
    table = conn.ops.quote_name("core_datachange")
    from sitetrack.core.models import _change_token

    with conn.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (token) VALUES (%s) RETURNING id", [_change_token()])
        last = cursor.fetchone()[0]
        if last % PRUNE_EVERY == 0:
            cursor.execute(f"DELETE FROM {table} WHERE id < %s", [last - KEEP])  # noqa: S608 (our table)


def _recorded() -> None:
    """The mark of a transaction whose change is recorded (an on-commit callback that does
    nothing: Django drops it with the savepoint it was made in, and after the commit)."""


def _pending(conn) -> bool:
    return any(func is _recorded for _sids, func, _robust in conn.run_on_commit)


def bump(conn=None) -> None:
    """Record a change, in the open transaction (once per transaction: it commits or rolls
    back with the data) or at once in autocommit."""
    conn = conn or connection
    if not conn.in_atomic_block:
        _record(conn)
    elif not _pending(conn):
        _record(conn)
        conn.on_commit(_recorded)


# Off while migrations run (the change table may not exist yet); a migrate records one
# change at its end.
_paused = False


def _watch(execute, sql, params, many, context):
    table = None if _paused else written_table(sql)
    if table is None or table in IGNORED_TABLES:
        return execute(sql, params, many, context)
    conn = context["connection"]
    if conn.in_atomic_block:
        result = execute(sql, params, many, context)
        bump(conn)
        return result
    # Autocommit: the write has committed when it returns (it cannot share a transaction
    # with its record: an INSERT ... RETURNING is still being read by its caller). Record
    # it next; if that fails, forget this process's results (the others' expire).
    result = execute(sql, params, many, context)
    try:
        _record(conn)
    except DatabaseError:
        logger.warning("A change to %s could not be recorded; cached results expire in %s s", table, CACHE_SECONDS)
        local.clear()
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """Watch a new connection's statements (connected to `connection_created`)."""
    if connection is not None and _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _migrating(**kwargs) -> None:
    global _paused
    _paused = True


def _migrated(sender=None, using="default", **kwargs) -> None:
    global _paused
    _paused = False
    conn = connections[using]
    if getattr(sender, "label", None) == "core" and "core_datachange" in conn.introspection.table_names():
        bump(conn)


def connect() -> None:
    connection_created.connect(install, dispatch_uid="sitetrack-core-versions")
    pre_migrate.connect(_migrating, dispatch_uid="sitetrack-core-versions-pause")
    post_migrate.connect(_migrated, dispatch_uid="sitetrack-core-versions-resume")
    # Connections opened before the app was ready (a management command's first query).
    for conn in connections.all(initialized_only=True):
        install(connection=conn)


def uncommitted(conn=None) -> bool:
    """Whether this connection's open transaction has written (then reads are computed,
    neither served from nor stored in the cache)."""
    conn = conn or connection
    return conn.in_atomic_block and _pending(conn)


def version(conn=None) -> tuple[int, int, str]:
    """The latest change (id and token) and the number of changes kept: one statement of
    plain SQL (it runs on every cached read; the ORM's compiling would cost more than the
    read). The count moves when a transaction that took an earlier id commits after a
    later one (PostgreSQL hands out ids before commit)."""
    conn = conn or connection
    table = conn.ops.quote_name("core_datachange")
    with conn.cursor() as cursor:
        cursor.execute(
            f"SELECT id, token, (SELECT COUNT(*) FROM {table}) FROM {table} ORDER BY id DESC LIMIT 1"  # noqa: S608
        )
        row = cursor.fetchone()
    return (row[0], row[2], row[1]) if row else (0, 0, "")


class LocalCache:
    """A process-local cache of Python objects, without the pickling of Django's
    local-memory cache. Least recently used entries go first beyond `size`; entries expire
    after CACHE_SECONDS. Values are shared: callers must not change them."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.entries: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry[1]

    def set(self, key: Any, value: Any) -> None:
        with self.lock:
            self.entries[key] = (time.monotonic() + CACHE_SECONDS, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


local = LocalCache()


def cached(kind: str, parts: tuple, compute):
    """`compute()`'s value, reused in this process while the data version and `parts`
    stay the same."""
    if uncommitted():
        return compute()
    key = (kind, version(), *parts)
    value = local.get(key)
    if value is None:
        value = compute()
        local.set(key, value)
    return value
