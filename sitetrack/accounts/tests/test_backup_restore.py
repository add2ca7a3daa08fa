"""`sitetrack backup` then `sitetrack restore` into a fresh database gives back every table,
row for row (SQLite: online backup API; PostgreSQL: pg_dump / pg_restore)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TransactionTestCase

from sitetrack.accounts.services import api_token_create
from sitetrack.core.catalogue import catalogue_ensure_default
from sitetrack.core.models import Membership, Operation, Role
from sitetrack.core.testing import make_area
from sitetrack.sites.models import Site, SiteType

ROOT = Path(__file__).resolve().parents[3]


def rows_of(cursor, table: str, quote) -> list[tuple]:
    cursor.execute(f"SELECT * FROM {quote(table)}")
    return sorted((tuple(row) for row in cursor.fetchall()), key=repr)


class BackupRestoreTests(TransactionTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        country = make_area("CF", "Central African Republic", 0, name_fr="République centrafricaine")
        area = make_area("CF71", "Bangui", 1, country)
        operation = Operation.objects.create(slug="car", name="CAR — Bangui", country=country)
        user = User.objects.create_user("imani", password="a-long-demo-password")
        Membership.objects.create(user=user, operation=operation, role=Role.IMO)
        Site.objects.create(
            operation=operation,
            code="CF71-S001",
            name="Aéroport M'Poko",
            site_type=SiteType.SPONTANEOUS_SITE,
            admin_area=area,
        )
        catalogue_ensure_default()
        api_token_create(user=user, name="backup test")

    def tables(self) -> list[str]:
        return sorted(connection.introspection.table_names())

    def live_rows(self) -> dict[str, list[tuple]]:
        with connection.cursor() as cursor:
            return {t: rows_of(cursor, t, connection.ops.quote_name) for t in self.tables()}

    def restore_into_fresh_database(self, backup: Path) -> dict[str, list[tuple]]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
        env.update(PYTHONPATH=str(ROOT), SITETRACK_DATA_DIR=str(self.tmp))
        if connection.vendor == "sqlite":
            fresh = self.tmp / "fresh.sqlite3"
            env["SQLITE_PATH"] = str(fresh)
        else:
            settings = connection.settings_dict
            name = f"{settings['NAME']}_restore"[:60]
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                cursor.execute(f'CREATE DATABASE "{name}"')
            self.addCleanup(self._drop, name)
            env["DATABASE_URL"] = (
                f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or 'localhost'}"
                f":{settings['PORT'] or 5432}/{name}"
            )
        result = subprocess.run(
            [sys.executable, "-m", "sitetrack.cli", "restore", str(backup), "--noinput"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        if connection.vendor == "sqlite":
            # The same type detection as Django's connection, so values compare equal.
            fresh_connection = sqlite3.connect(
                fresh, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
            )
            try:
                cursor = fresh_connection.cursor()
                return {t: rows_of(cursor, t, connection.ops.quote_name) for t in self.tables()}
            finally:
                fresh_connection.close()
        import psycopg
        from psycopg.types.string import TextLoader

        with psycopg.connect(env["DATABASE_URL"]) as fresh_connection:
            # JSON as text, as Django's connection reads it, so values compare equal.
            for kind in ("json", "jsonb"):
                fresh_connection.adapters.register_loader(kind, TextLoader)
            with fresh_connection.cursor() as cursor:
                return {t: rows_of(cursor, t, connection.ops.quote_name) for t in self.tables()}

    def _drop(self, name: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    def test_a_backup_restored_into_a_fresh_database_holds_every_table_row_for_row(self):
        backup = self.tmp / "sitetrack.backup"
        call_command("backup", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
        restored = self.restore_into_fresh_database(backup)
        live = self.live_rows()
        self.assertEqual(sorted(restored), sorted(live))
        for table in live:
            self.assertEqual(restored[table], live[table], table)
        self.assertTrue(live["sites_site"] and live["accounts_apitoken"] and live["core_indicator"])

    def test_restore_puts_back_what_was_deleted_since_the_backup(self):
        if connection.vendor != "sqlite":
            self.skipTest("the in-place restore is exercised on SQLite; PostgreSQL restores above")
        backup = self.tmp / "sitetrack.backup"
        call_command("backup", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
        before = self.live_rows()
        Site.objects.all().delete()
        call_command("restore", str(backup), interactive=False, stdout=open(os.devnull, "w"))  # noqa: SIM115
        self.assertEqual(self.live_rows(), before)

    def test_it_refuses_a_damaged_backup_and_changes_nothing(self):
        damaged = self.tmp / "damaged.backup"
        damaged.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
        before = self.live_rows()
        with self.assertRaises(CommandError):
            call_command("restore", str(damaged), interactive=False)
        self.assertEqual(self.live_rows(), before)

    def test_it_will_not_overwrite_an_existing_backup(self):
        existing = self.tmp / "old.backup"
        existing.write_bytes(b"keep me")
        with self.assertRaisesMessage(CommandError, "--overwrite"):
            call_command("backup", str(existing))
        self.assertEqual(existing.read_bytes(), b"keep me")
