"""The dashboard's remembered reads (monthly.cache): kept for their seconds, forgotten at
a save in this process, and computed by one thread at a time when they expire."""

from __future__ import annotations

import time
from unittest import mock

from django.core.cache import cache

from sitetrack.core.testing import BaseCase
from sitetrack.monthly.cache import RECHECK_SECONDS, data_changed, generation, history_stamp, remembered


class RememberedTests(BaseCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.calls = 0

    def compute(self) -> int:
        self.calls += 1
        return self.calls

    def test_it_is_computed_once_then_served_until_it_expires(self) -> None:
        self.assertEqual(remembered("t", self.compute), 1)
        self.assertEqual(remembered("t", self.compute), 1)
        with mock.patch("time.time", return_value=time.time() + RECHECK_SECONDS + 1):
            self.assertEqual(remembered("t", self.compute), 2)

    def test_while_another_thread_recomputes_it_the_value_it_replaces_is_served(self) -> None:
        remembered("t", self.compute)
        later = time.time() + RECHECK_SECONDS + 1
        with mock.patch("time.time", return_value=later):
            cache.add(f"t:g{generation()}:busy", 1, 60)  # another thread is computing
            self.assertEqual(remembered("t", self.compute), 1)
            self.assertEqual(self.calls, 1)
            cache.delete(f"t:g{generation()}:busy")
            self.assertEqual(remembered("t", self.compute), 2)

    def test_a_save_in_this_process_forgets_it_at_once_even_while_busy(self) -> None:
        remembered("t", self.compute)
        data_changed()
        cache.add(f"t:g{generation()}:busy", 1, 60)
        self.assertEqual(remembered("t", self.compute), 2)  # nothing older to serve

    def test_the_history_stamp_moves_with_a_saved_site_and_not_with_a_new_round(self) -> None:
        from sitetrack.reports.tests.fixtures import make_round

        before = history_stamp()
        self.mpoko.name = "M'Poko aéroport"
        self.mpoko.save()
        after_site = history_stamp()
        self.assertNotEqual(before, after_site)
        make_round(self.operation, 1)  # a round is not read by the stamp
        self.assertEqual(history_stamp(), after_site)
