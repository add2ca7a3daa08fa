"""The data version the response's cached pages are keyed by (the 3W list, the gap
matrix: their API and their pages).

`data_version()` is one indexed read (the latest `DataChange` id); `bump()` inserts a
change once the transaction commits (inserts take no lock other writers wait for). Saves
and deletes of the
models the pages read bump it through signals (`connect()`, called from the app's
`ready`); bulk writes that send no signal (`bulk_create`, `update()`, SQL) call `bump()`
themselves, and anything else is seen after `CACHE_SECONDS` at most (the cache's expiry).
The cache is per process (`LocalCache`): each server process computes a page once per version.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

# Seconds a cached page lives even if no change was signalled.
CACHE_SECONDS = 60
# Models whose changes the 3W list and the gap matrix show (app_label.ModelName).
WATCHED = (
    "response.Activity",
    "response.ActivityReport",
    "response.ReportingPeriod",
    "response.OrganisationAlias",
    "response.Facility",  # functional latrines feed the derived indicators (infrastructure.py)
    "core.Organisation",
    "core.Membership",
    "sites.Site",
    "assessments.SiteAssessment",
    "assessments.Round",
)


def data_version() -> tuple[int, str]:
    """The id and token of the latest committed change ((0, "") before any). Plain SQL:
    it is read on every request of a cached page, and the ORM's compiling costs more."""
    from sitetrack.response.models import DataChange

    table = connection.ops.quote_name(DataChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, token FROM {table} ORDER BY id DESC LIMIT 1")  # noqa: S608 (our table)
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, "")


def uncommitted() -> bool:
    """Whether this connection's open transaction changed what the pages read (then they
    are computed, not cached: nothing uncommitted may reach another request). Derived from
    the commit callback `bump` registers, which a rollback discards."""
    return connection.in_atomic_block and any(
        func is _record for _sids, func, _robust in connection.run_on_commit
    )


# Rows kept behind the latest when pruning (every PRUNE_EVERY-th change).
KEEP, PRUNE_EVERY = 100, 500


def _record() -> None:
    from sitetrack.response.models import DataChange

    change = DataChange.objects.create()
    if change.pk % PRUNE_EVERY == 0:
        DataChange.objects.filter(pk__lt=change.pk - KEEP).delete()


def bump() -> None:
    """Record a change: at once outside a transaction, else when the outermost
    transaction commits (once per transaction; until then `uncommitted()` is true)."""
    if not connection.in_atomic_block:
        _record()
    elif not uncommitted():
        transaction.on_commit(_record)


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    bump()


def connect() -> None:
    from django.apps import apps

    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"response-version-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"response-version-delete-{label}")


def cache_key(kind: str, *parts: Any) -> str:
    """A cache key for `kind` at the current data version."""
    text = repr((data_version(), *parts))
    return f"response:{kind}:" + hashlib.sha1(text.encode()).hexdigest()


class LocalCache:
    """A process-local cache of Python objects, without the pickling of Django's
    local-memory cache (unpickling a page of the gap matrix cost more than the rest of the
    request). Least recently used entries go first beyond `size`; entries expire after
    CACHE_SECONDS. Values are shared: callers must not change them."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry[1]

    def set(self, key: str, value: Any) -> None:
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
    """`compute()`'s value, reused (in this process) while the data version and `parts`
    stay the same."""
    if uncommitted():
        return compute()
    key = cache_key(kind, *parts)
    value = local.get(key)
    if value is None:
        value = compute()
        local.set(key, value)
    return value
