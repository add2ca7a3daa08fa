"""The token API's throttle counts in a cache every web process shares (files in the
data folder by default), not in one worker's local memory: a second worker — here, a wiped local cache —
still refuses a client that used up its rate."""

from __future__ import annotations

from pathlib import Path

from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.test import TestCase
from django.urls import reverse
from rest_framework.test import APIClient

from sitetrack.accounts.throttles import THROTTLE_CACHE


class SharedThrottleTests(TestCase):
    def setUp(self) -> None:
        for each in caches.all():
            each.clear()

    def test_the_throttle_cache_is_shared_files_by_default(self):
        self.assertIsInstance(caches[THROTTLE_CACHE], FileBasedCache)

    def test_the_counts_outlive_a_workers_local_memory(self):
        client = APIClient()
        url = reverse("api-token-obtain")
        codes = [
            client.post(url, {"username": f"nobody{i}", "password": "x"}, format="json").status_code
            for i in range(10)
        ]
        self.assertEqual(codes, [401] * 10)
        cache.clear()  # what another gunicorn worker has: nothing of this one's memory
        response = client.post(url, {"username": "nobody", "password": "x"}, format="json")
        self.assertEqual(response.status_code, 429)
        # What the counts are kept in: files another process opens as well.
        self.assertTrue(list(Path(caches[THROTTLE_CACHE]._dir).glob("*.djcache")))
