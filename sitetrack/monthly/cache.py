"""Cached reads for the dashboard: a version of the data a cached figure was computed
from, read from the database, so that a cached page is never served after the data changed
— whichever process changed it.

Why this holds across gunicorn workers (each has its own in-memory cache):

- Every request reads `history_stamp()`: one query for the newest row id of the history
  tables (django-simple-history) of assessments, sites, activities and activity reports,
  and of the site status changes — each an index lookup (the max of a primary key), so it
  costs the same for 50 sites or 5,000 sites x 52 rounds. The application's writers of these
  records add a history row: a form, the API or a service through save(), the bulk services
  (bulk_update_with_history), the Kobo/ODK import (its SQL inserts the history rows beside
  the assessments) and the 3W import (bulk_create_with_history), in whatever process
  they run. A new row gives a new stamp, so a new cache key in every worker at its next
  request: nothing needs to reach the other workers' caches.
- Under that stamp, the round shown and `operation_stamp` (count and last change of the
  operation's activities, monthly figures, assessments and sites) are read again at most
  every RECHECK_SECONDS. That bounds what the history cannot see: a row changed by hand in
  SQL without a history row, or (PostgreSQL) two writing transactions committing in the
  reverse order of their history ids, so that the later commit does not raise the max.
- A save or delete in this process also forgets the remembered version at once (signals);
  with a shared cache (Redis, Memcached) that reaches every process.

The stamp is global (not per operation): a write in another operation makes this one's
dashboard be computed again, which costs time, never a wrong figure.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

RECHECK_SECONDS = 15
GENERATION_KEY = "monthly:data-generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 0, None)
        value = cache.get(GENERATION_KEY, 0)
    return value


def data_changed(**kwargs) -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def remembered(key: str, compute, seconds: int = RECHECK_SECONDS):
    """`compute()` cached under `key` for `seconds`, forgotten when the data changes.

    When it expires, one thread of the process computes it again while the others keep
    answering with the value it replaces (same key, same data generation: at most one
    recheck behind), rather than all of them running the same aggregates at once (at
    national size, 64 clients made every thread of every worker read operation_stamp
    together every RECHECK_SECONDS)."""
    full = f"{key}:g{generation()}"
    value = cache.get(full)
    if value is not None:
        return value
    previous = cache.get(full + ":previous")
    if previous is not None and not cache.add(full + ":busy", 1, 60):
        return previous
    try:
        value = compute()
        cache.set(full, value, seconds)
        cache.set(full + ":previous", value, max(seconds * 4, 600))
    finally:
        cache.delete(full + ":busy")
    return value


def connect_signals() -> None:
    from sitetrack.assessments.models import SiteAssessment
    from sitetrack.response.models import Activity, ActivityReport
    from sitetrack.sites.models import Site, SiteStatusChange

    for model in (SiteAssessment, Site, SiteStatusChange, Activity, ActivityReport):
        post_save.connect(data_changed, sender=model, dispatch_uid=f"monthly-data-{model.__name__}-save")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"monthly-data-{model.__name__}-delete")


_HISTORY_SQL: list[str] = []  # built once per process (simple_history's managers are slow to reach)


def _history_sql() -> str:
    if not _HISTORY_SQL:
        from django.db import connection

        from sitetrack.assessments.models import SiteAssessment
        from sitetrack.response.models import Activity, ActivityReport
        from sitetrack.sites.models import Site, SiteStatusChange

        qn = connection.ops.quote_name
        tables = [
            (m.history.model._meta.db_table, "history_id")
            for m in (SiteAssessment, Site, Activity, ActivityReport)
        ]
        tables.append((SiteStatusChange._meta.db_table, SiteStatusChange._meta.pk.column))
        _HISTORY_SQL.append(
            "SELECT " + ", ".join(f"(SELECT MAX({qn(column)}) FROM {qn(table)})" for table, column in tables)
        )
    return _HISTORY_SQL[0]


def history_stamp() -> tuple:
    """The newest history row id of assessments, sites, activities and activity reports,
    and the newest site status change id: one query of index lookups (see the module)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_history_sql())
        return tuple(cursor.fetchone())


def operation_stamp(operation_id: int) -> tuple:
    """What the dashboard reads, summarised in four aggregate queries (count and latest
    change of the operation's activities, monthly figures, assessments and sites): it
    changes as soon as a save does, committed or not, in any process."""
    from django.db.models import Count, Max

    from sitetrack.assessments.models import SiteAssessment
    from sitetrack.response.models import Activity, ActivityReport
    from sitetrack.sites.models import Site

    parts: list = []
    for qs in (
        Activity.objects.filter(operation_id=operation_id),
        ActivityReport.objects.filter(activity__operation_id=operation_id),
        SiteAssessment.objects.filter(round__operation_id=operation_id),
        Site.objects.filter(operation_id=operation_id),
    ):
        row = qs.aggregate(n=Count("pk"), last=Max("updated_at"))
        parts += [row["n"], row["last"].isoformat() if row["last"] else ""]
    return tuple(parts)
