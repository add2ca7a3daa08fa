"""The data version cached 3W and gap pages are keyed by: it moves once per committed
transaction that changes what they read, and nothing uncommitted is cached."""

from __future__ import annotations

from unittest import mock

from django.test import TestCase

from sitetrack.core.models import Organisation
from sitetrack.core.testing import BaseCase
from sitetrack.response import versions
from sitetrack.response.models import DataChange


class DataVersionTests(TestCase):
    def test_a_committed_transaction_moves_the_version_once(self):
        before = versions.data_version()
        with self.captureOnCommitCallbacks(execute=True):
            for name in ("Alpha", "Beta", "Gamma"):
                Organisation.objects.create(name=name)
            self.assertTrue(versions.uncommitted())
        after = versions.data_version()
        self.assertNotEqual(after, before)
        self.assertEqual(after[0], DataChange.objects.latest("pk").pk)

    def test_pages_are_computed_not_cached_while_a_change_is_uncommitted(self):
        Organisation.objects.create(name="Alpha")
        calls = []
        for _ in range(2):
            versions.cached("test", ("x",), lambda: calls.append(1) or len(calls))
        self.assertEqual(len(calls), 2)

    def test_a_value_is_reused_until_the_version_moves(self):
        versions.local.clear()
        calls = []

        def compute():
            calls.append(1)
            return len(calls)

        with mock.patch.object(versions, "uncommitted", return_value=False):
            self.assertEqual(versions.cached("test", ("x",), compute), 1)
            self.assertEqual(versions.cached("test", ("x",), compute), 1)
            self.assertEqual(versions.cached("test", ("y",), compute), 2)
            versions._record()
            self.assertEqual(versions.cached("test", ("x",), compute), 3)

    def test_the_local_cache_drops_its_oldest_entries_and_expired_ones(self):
        cache = versions.LocalCache(size=2)
        for key in "abc":
            cache.set(key, key.upper())
        self.assertEqual([cache.get(k) for k in "abc"], [None, "B", "C"])
        with mock.patch.object(versions.time, "monotonic", return_value=10**12):
            self.assertIsNone(cache.get("b"))

    def test_old_changes_are_pruned(self):
        with mock.patch.object(versions, "PRUNE_EVERY", 5), mock.patch.object(versions, "KEEP", 2):
            for _ in range(12):
                versions._record()
        latest = DataChange.objects.latest("pk").pk
        self.assertFalse(DataChange.objects.filter(pk__lt=latest - 10).exists())


class SharedResultTests(TestCase):
    def test_another_process_reads_the_stored_result_instead_of_computing(self):
        versions.local.clear()
        calls = []

        def compute():
            calls.append(1)
            return {"rows": [1, 2, 3]}

        with mock.patch.object(versions, "uncommitted", return_value=False):
            self.assertEqual(versions.cached("test", ("s",), compute, shared=True), {"rows": [1, 2, 3]})
            versions.local.clear()  # as a process that never computed it
            self.assertEqual(versions.cached("test", ("s",), compute, shared=True), {"rows": [1, 2, 3]})
        self.assertEqual(len(calls), 1)


class SignallessImportTests(BaseCase):
    def test_assessments_inserted_without_signals_move_the_version(self):
        from datetime import date

        from sitetrack.assessments.models import Round, RoundKind, SiteAssessment

        round = Round.objects.create(
            operation=self.operation,
            kind=RoundKind.WEEKLY,
            number=1,
            period_start=date(2014, 1, 6),
            period_end=date(2014, 1, 12),
        )
        before = versions.data_version()
        SiteAssessment.objects.bulk_create([SiteAssessment(round=round, site=self.mpoko, individuals=10)])
        self.assertNotEqual(versions.data_version(), before)
