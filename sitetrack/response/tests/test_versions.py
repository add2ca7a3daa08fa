"""The data version cached 3W and gap pages are keyed by: it moves once per committed
transaction that changes what they read, and nothing uncommitted is cached."""

from __future__ import annotations

from django.test import TestCase

from sitetrack.core.models import DataChange, Organisation
from sitetrack.core.testing import BaseCase, as_if_committed
from sitetrack.response import versions


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
        self.assertEqual(DataChange.objects.filter(pk__gt=before[0]).count(), 1)

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

        as_if_committed(self)
        self.assertEqual(versions.cached("test", ("x",), compute), 1)
        self.assertEqual(versions.cached("test", ("x",), compute), 1)
        self.assertEqual(versions.cached("test", ("y",), compute), 2)
        Organisation.objects.filter(name="none").update(acronym="X")
        self.assertEqual(versions.cached("test", ("x",), compute), 3)


class SharedResultTests(TestCase):
    def test_another_process_reads_the_stored_result_instead_of_computing(self):
        versions.local.clear()
        calls = []

        def compute():
            calls.append(1)
            return {"rows": [1, 2, 3]}

        as_if_committed(self)
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
        as_if_committed(self)
        before = versions.data_version()
        SiteAssessment.objects.bulk_create([SiteAssessment(round=round, site=self.mpoko, individuals=10)])
        self.assertNotEqual(versions.data_version(), before)
