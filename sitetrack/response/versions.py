"""The data version the response's cached pages are keyed by (the 3W list, the gap
matrix: their API and their pages).

`data_version()` is one statement of index reads (the latest `DataChange` id, the highest
assessment id); `bump()` inserts a change once the transaction commits (inserts take no
lock other writers wait for). Saves and deletes of the models the pages read bump it
through signals (`connect()`, called from the app's `ready`); bulk writes that send no
signal (`bulk_create`, `update()`) call `bump()` themselves; assessments inserted with SQL
(imports) move the highest assessment id; anything else is seen after `CACHE_SECONDS` at
most (the caches' expiry). Values are cached per process (`LocalCache`, no pickling) and,
for the gap matrix, shared between processes (`SharedResult`).
"""

from __future__ import annotations

import hashlib
import pickle
import threading
import time
from collections import OrderedDict
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

# Seconds a cached page lives even if no change was signalled.
CACHE_SECONDS = 300
# Models whose changes the 3W list and the gap matrix show (app_label.ModelName).
WATCHED = (
    "response.Activity",
    "response.ActivityReport",
    "response.ReportingPeriod",
    "response.OrganisationAlias",
    "response.Facility",  # functional latrines feed the derived indicators (infrastructure.py)
    "core.Organisation",
    "core.Operation",
    "core.Membership",
    "sites.Site",
    "assessments.SiteAssessment",
    "assessments.Round",
)


def data_version() -> tuple[int, str, int]:
    """The id and token of the latest committed change, and the highest assessment id
    (imports insert assessments with SQL, which sends no signal). One statement of index
    reads in plain SQL: it runs on every request of a cached page, and the ORM's compiling
    costs more than the reads."""
    from sitetrack.assessments.models import SiteAssessment
    from sitetrack.response.models import DataChange

    qn = connection.ops.quote_name
    changes, assessments = qn(DataChange._meta.db_table), qn(SiteAssessment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT id FROM {changes} ORDER BY id DESC LIMIT 1),"  # noqa: S608 (our tables)
            f" (SELECT token FROM {changes} ORDER BY id DESC LIMIT 1),"
            f" (SELECT MAX(id) FROM {assessments})"
        )
        row = cursor.fetchone()
    return (row[0] or 0, row[1] or "", row[2] or 0)


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


def cache_key(kind: str, *parts: Any, version: tuple | None = None) -> str:
    """A cache key for `kind` at the data version (read now unless given)."""
    text = repr((version or data_version(), *parts))
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


def _shared_get(key: str) -> Any:
    from sitetrack.response.models import SharedResult

    row = SharedResult.objects.filter(key=key, expires_at__gt=timezone.now()).values_list("value", flat=True)
    value = row.first()
    return pickle.loads(bytes(value)) if value is not None else None  # noqa: S301 (written by us)


def _shared_set(key: str, value: Any) -> None:
    from sitetrack.response.models import SharedResult

    now = timezone.now()
    SharedResult.objects.filter(expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            SharedResult.objects.create(
                key=key,
                value=pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
                expires_at=now + timedelta(seconds=CACHE_SECONDS),
            )
    except IntegrityError:  # another process stored it meanwhile
        pass


def cached(kind: str, parts: tuple, compute, *, shared: bool = False, version: tuple | None = None):
    """`compute()`'s value, reused while the data version and `parts` stay the same: in
    this process (`local`), and with `shared` also across processes (`SharedResult`, for
    results that take seconds to compute and that every server process would otherwise
    compute once per version). `version`: the data version already read for this request.
    """
    if uncommitted():
        return compute()
    key = cache_key(kind, *parts, version=version)
    value = local.get(key)
    if value is None:
        value = _shared_get(key) if shared else None
        if value is None:
            value = compute()
            if shared:
                _shared_set(key, value)
        local.set(key, value)
    return value
