"""The response's cached reads (the 3W list, the gap matrix: their API and their pages):
results kept at the data version of `core.versions` (which sees every committed write,
signals or not), and, for the gap matrix, shared between processes (`SharedResult`).
"""

from __future__ import annotations

import hashlib
import pickle
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sitetrack.core import versions as core_versions
from sitetrack.core.versions import CACHE_SECONDS, bump, local, uncommitted
from sitetrack.core.versions import version as data_version

__all__ = ["CACHE_SECONDS", "bump", "cache_key", "cached", "data_version", "local", "uncommitted"]


def cache_key(kind: str, *parts: Any, version: tuple | None = None) -> str:
    """A cache key for `kind` at the data version (read now unless given)."""
    text = repr((version or data_version(), *parts))
    return f"response:{kind}:" + hashlib.sha1(text.encode()).hexdigest()


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
    if core_versions.uncommitted():
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
