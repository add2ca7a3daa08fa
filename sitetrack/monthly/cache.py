"""Cached reads for the dashboard: a version of the data a cached figure was computed
from, so that a cached page is never served after the data changed.

The version is the round shown and `operation_stamp` (count and last change of the
operation's activities, monthly figures, assessments and sites), read from the database
at most every RECHECK_SECONDS per process. A save or delete of those models in this
process (a form, the API, a service) forgets the remembered version at once (signals);
writes from another process (the import worker, another web worker) show within
RECHECK_SECONDS. With a shared cache (Redis, Memcached) the signals reach every process.
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
    """`compute()` cached under `key` for `seconds`, forgotten when the data changes."""
    full = f"{key}:g{generation()}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, seconds)
    return value


def connect_signals() -> None:
    from sitetrack.assessments.models import SiteAssessment
    from sitetrack.response.models import Activity, ActivityReport
    from sitetrack.sites.models import Site, SiteStatusChange

    for model in (SiteAssessment, Site, SiteStatusChange, Activity, ActivityReport):
        post_save.connect(data_changed, sender=model, dispatch_uid=f"monthly-data-{model.__name__}-save")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"monthly-data-{model.__name__}-delete")


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
