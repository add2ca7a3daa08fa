"""DRF's scoped throttle counting in a cache every web process shares.

DRF keeps its counts in the default cache, which is local memory: each gunicorn worker
counted alone, so four workers allowed four times the rate. The counts live in the
"throttle" cache (settings: files in the data folder by default, which every process of
the machine shares; Redis or Memcached when web processes run on several machines)."""

from __future__ import annotations

from django.core.cache import caches
from rest_framework.throttling import ScopedRateThrottle

THROTTLE_CACHE = "throttle"


class SharedScopedRateThrottle(ScopedRateThrottle):
    """ScopedRateThrottle (views name a `throttle_scope`), counted in the shared cache."""

    @property
    def cache(self):  # DRF reads `self.cache`; looked up per use so tests can swap caches
        return caches[THROTTLE_CACHE]
