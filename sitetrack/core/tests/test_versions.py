"""The data version cached reads are keyed by: every committed write moves it, whatever
wrote it (a save, an update(), an import's own SQL); bookkeeping does not; nothing
uncommitted does."""

from unittest import mock

from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import SimpleTestCase, TransactionTestCase
from django.utils import timezone

from sitetrack.core import versions
from sitetrack.core.models import DataChange, Organisation


class WrittenTableTests(SimpleTestCase):
    def test_it_names_the_table_a_statement_writes(self):
        for sql, table in (
            ('INSERT INTO "sites_site" ("code") VALUES (%s)', "sites_site"),
            ("INSERT OR IGNORE INTO sites_site (code) VALUES (?)", "sites_site"),
            ('UPDATE "assessments_siteassessment" SET "status" = %s', "assessments_siteassessment"),
            ('  delete from "intake_rawsubmission" WHERE id = 1', "intake_rawsubmission"),
            ("TRUNCATE sites_site, geo_adminarea", "sites_site"),
        ):
            with self.subTest(sql=sql):
                self.assertEqual(versions.written_table(sql), table)

    def test_reads_are_not_writes(self):
        for sql in ('SELECT "id" FROM "sites_site"', "SAVEPOINT s1", "RELEASE SAVEPOINT s1", None):
            with self.subTest(sql=sql):
                self.assertIsNone(versions.written_table(sql))


class VersionTests(TransactionTestCase):
    def test_a_committed_save_moves_the_version(self):
        before = versions.version()
        Organisation.objects.create(name="Danish Refugee Council", acronym="DRC", kind="ingo")
        self.assertNotEqual(versions.version(), before)

    def test_bulk_writes_and_raw_sql_move_it_too(self):
        drc = Organisation.objects.create(name="Danish Refugee Council", acronym="DRC", kind="ingo")
        before = versions.version()
        Organisation.objects.filter(pk=drc.pk).update(acronym="DRC-DDG")
        after_update = versions.version()
        self.assertNotEqual(after_update, before)
        table = connection.ops.quote_name(Organisation._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [drc.pk])
        self.assertNotEqual(versions.version(), after_update)

    def test_bookkeeping_writes_leave_it(self):
        before = versions.version()
        Session.objects.create(session_key="k" * 32, session_data="x", expire_date=timezone.now())
        self.assertEqual(versions.version(), before)

    def test_an_open_transaction_is_uncommitted_until_it_commits(self):
        before = versions.version()
        with transaction.atomic():
            self.assertFalse(versions.uncommitted())
            Organisation.objects.create(name="INTERSOS", acronym="INTERSOS", kind="ingo")
            self.assertTrue(versions.uncommitted())
        self.assertFalse(versions.uncommitted())
        self.assertNotEqual(versions.version(), before)

    def test_a_rolled_back_transaction_changes_nothing(self):
        before = versions.version()
        try:
            with transaction.atomic():
                Organisation.objects.create(name="INTERSOS", acronym="INTERSOS", kind="ingo")
                raise RuntimeError("the save failed")
        except RuntimeError:
            pass
        self.assertEqual(versions.version(), before)

    def test_cached_values_follow_the_version(self):
        calls = []

        def compute():
            calls.append(1)
            return Organisation.objects.count()

        self.assertEqual(versions.cached("organisations", (), compute), 0)
        self.assertEqual(versions.cached("organisations", (), compute), 0)
        self.assertEqual(len(calls), 1)
        Organisation.objects.create(name="INTERSOS", acronym="INTERSOS", kind="ingo")
        self.assertEqual(versions.cached("organisations", (), compute), 1)
        self.assertEqual(len(calls), 2)


class LocalCacheTests(SimpleTestCase):
    def test_it_drops_its_oldest_entries_and_expired_ones(self):
        cache = versions.LocalCache(size=2)
        for key in "abc":
            cache.set(key, key.upper())
        self.assertEqual([cache.get(k) for k in "abc"], [None, "B", "C"])
        with mock.patch.object(versions.time, "monotonic", return_value=10**12):
            self.assertIsNone(cache.get("b"))


class PruneTests(TransactionTestCase):
    def test_old_changes_are_pruned(self):
        with mock.patch.object(versions, "PRUNE_EVERY", 5), mock.patch.object(versions, "KEEP", 2):
            for _ in range(12):
                versions.bump()
        latest = DataChange.objects.latest("pk").pk
        self.assertFalse(DataChange.objects.filter(pk__lt=latest - 10).exists())
