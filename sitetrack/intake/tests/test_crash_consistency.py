"""Crash consistency: `sitetrack import` killed with SIGKILL at 20 points spread over a
whole import (starting, reading and checking at each tenth, saving, finishing), each on
a fresh copy of one database — SQLite, or PostgreSQL when DATABASE_URL names one (as for the
suite). After each kill, once the killed process (and, on PostgreSQL, its server
session) is gone: the database holds the whole batch or none of it; the next import
marks the killed run interrupted, leaves no spool file (key-informant names and phones)
behind, and completes with every submission once; no run is left unfinished.

The kill points are found by what the import records (its run's status and the rows it
has checked), not by the clock: on a loaded machine a kill timed in seconds landed
before the import started or after it ended. What is asserted is the invariant,
whatever each kill met; only together must the points have met the checking and the
saving phase.

Slow (about 3 minutes a database): runs when SITETRACK_SLOW_TESTS=1 (`make test-slow`,
`make test-slow-postgres`), skipped otherwise. SITETRACK_KILL_POINTS (20) and
SITETRACK_KILL_ONLY ("3,12") to look at some points again."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.test import SimpleTestCase

from sitetrack.intake.tests.test_interrupted_import import SETUP

# Where the kills land, by what the import records (the clock would depend on the
# machine's load): seconds after the process started (before its run exists), the
# fraction of the submissions checked, seconds after the saving phase began.
POINTS = (
    [("started", 0.0), ("started", 0.4)]
    + [("checked", i / 10) for i in range(1, 10)]
    + [("saving", j * 0.1) for j in range(9)]
)
KILL_POINTS = int(os.environ.get("SITETRACK_KILL_POINTS", str(len(POINTS))))
ONLY = {int(p) for p in os.environ.get("SITETRACK_KILL_ONLY", "").split(",") if p}
SUBMISSIONS = 6000
UNFINISHED = ("queued", "checking", "saving")
COUNTS = (
    "select (select count(*) from assessments_siteassessment),"
    " (select count(*) from intake_rawsubmission),"
    " (select count(*) from assessments_historicalsiteassessment)"
)
RUNS = "select status from intake_importrun order by id"


class SqliteCopies:
    """Databases as files: the base made once, each kill point on a copy of it."""

    vendor = "sqlite"

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp

    def path(self, name: str) -> Path:
        return self.tmp / f"{name}.sqlite3"

    def env(self, name: str) -> dict:
        env = {**os.environ, "SQLITE_PATH": str(self.path(name))}
        env.pop("DATABASE_URL", None)
        return env

    def create_empty(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def copy(self, source: str, name: str) -> None:
        shutil.copy(self.path(source), self.path(name))

    def query(self, name: str, sql: str) -> list[tuple]:
        con = sqlite3.connect(self.path(name))
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def settle(self, name: str) -> None:
        """Nothing to wait for: a SQLite commit is made by the process, which is gone."""

    def drop(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)


class PostgresCopies:
    """Databases on the server of DATABASE_URL: the base made once, each kill point a
    `CREATE DATABASE … TEMPLATE base` (a file copy on the server)."""

    vendor = "postgresql"

    def __init__(self, url: str) -> None:
        self.parts = urlsplit(url)
        self.prefix = (self.parts.path.lstrip("/") or "sitetrack") + "_crash"

    def dbname(self, name: str) -> str:
        return f"{self.prefix}_{name}".replace("-", "_")

    def url(self, name: str) -> str:
        return urlunsplit(self.parts._replace(path="/" + self.dbname(name)))

    def env(self, name: str) -> dict:
        return {**os.environ, "DATABASE_URL": self.url(name)}

    def _admin(self, sql: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url("x").rsplit("/", 1)[0] + "/postgres", autocommit=True) as con:
            cur = con.execute(sql)
            return cur.fetchall() if cur.description else []

    def create_empty(self, name: str) -> None:
        self.drop(name)
        self._admin(f'CREATE DATABASE "{self.dbname(name)}"')

    def copy(self, source: str, name: str) -> None:
        self.drop(name)
        self._admin(f'CREATE DATABASE "{self.dbname(name)}" TEMPLATE "{self.dbname(source)}"')

    def query(self, name: str, sql: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(name)) as con:
            return con.execute(sql).fetchall()

    def settle(self, name: str) -> None:
        """Wait until the killed import's server session has ended: a COMMIT it sent just
        before the kill may still be completing, and its locks are held until then."""
        deadline = time.monotonic() + 60
        sql = f"select count(*) from pg_stat_activity where datname = '{self.dbname(name)}'"
        while self._admin(sql)[0][0] and time.monotonic() < deadline:
            time.sleep(0.05)

    def drop(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.dbname(name)}" WITH (FORCE)')


@unittest.skipUnless(os.environ.get("SITETRACK_SLOW_TESTS"), "slow: set SITETRACK_SLOW_TESTS=1")
class CrashConsistencyTests(SimpleTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        url = os.environ.get("DATABASE_URL", "")
        self.db = (
            PostgresCopies(url)
            if url.startswith(("postgres://", "postgresql://"))
            else SqliteCopies(self.tmp)
        )
        self.export = self.tmp / "export.xlsx"
        script = self.tmp / "setup.py"
        script.write_text("import django\ndjango.setup()\n" + SETUP)
        self.db.create_empty("base")
        self.addCleanup(self.db.drop, "base")
        subprocess.run(
            [sys.executable, str(script), str(self.export)], env=self.env("base"), check=True, timeout=600
        )

    def env(self, name: str) -> dict:
        return {
            **self.db.env(name),
            "SITETRACK_DATA_DIR": str(self.tmp / "data"),
            "DJANGO_SETTINGS_MODULE": "sitetrack.settings",
        }

    def start(self, name: str, *, stderr=subprocess.DEVNULL) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sitetrack.cli",
                "import",
                str(self.export),
                "--operation",
                "kill",
                "--round",
                "weekly:1",
                "--quiet",
            ],
            env=self.env(name),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )

    def fresh(self, name: str) -> str:
        self.db.copy("base", name)
        self.addCleanup(self.db.drop, name)
        return name

    def state(self, name: str) -> tuple[tuple[int, int, int], list[str]]:
        counts = tuple(self.db.query(name, COUNTS)[0])
        return counts, [status for (status,) in self.db.query(name, RUNS)]

    def spool_files(self) -> list[Path]:
        spool = self.tmp / "data" / "intake" / "spool"
        return list(spool.glob("*")) if spool.exists() else []

    def progress(self, name: str) -> tuple[str, int]:
        """(status, processed) of the import's run; ("", 0) before it exists or while the
        database cannot be read (SQLite locked by a commit)."""
        try:
            rows = self.db.query(name, "select status, processed from intake_importrun order by id limit 1")
        except Exception:  # noqa: BLE001 — a locked or not yet migrated database: look again
            return "", 0
        return (rows[0][0], rows[0][1]) if rows else ("", 0)

    def kill_at(self, name: str, proc: subprocess.Popen, point: tuple[str, float]) -> None:
        """Wait for the point of the import (by what it records, not by the clock, which
        the machine's load distorts), then SIGKILL it — unless it ended first."""
        kind, amount = point
        deadline = time.monotonic() + 600
        while proc.poll() is None and time.monotonic() < deadline and kind != "started":
            status, processed = self.progress(name)
            if kind == "checked" and (
                status not in ("", "queued", "checking") or processed >= amount * SUBMISSIONS
            ):
                break
            if kind == "saving" and status in ("saving", "done", "failed"):
                break
            time.sleep(0.01)
        time.sleep(amount if kind != "checked" else 0)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)

    def test_a_killed_import_leaves_all_or_nothing_and_a_clean_rerun(self):
        timing = self.fresh("whole")
        self.assertEqual(self.start(timing).wait(timeout=600), 0)
        self.assertEqual(self.state(timing)[0], (SUBMISSIONS,) * 3)
        self.db.drop(timing)
        outcomes: dict[int, str] = {}
        for number, point in enumerate(POINTS[:KILL_POINTS]):
            if ONLY and number not in ONLY:
                continue
            db = self.fresh(f"kill_{number}")
            proc = self.start(db)
            self.kill_at(db, proc, point)
            self.db.settle(db)
            counts, runs = self.state(db)
            outcomes[number] = runs[0] if runs else "not started"
            with self.subTest(point=number, at=point, killed_in=outcomes[number]):
                # All of the batch or none of it, whatever the kill met.
                self.assertIn(counts, [(0, 0, 0), (SUBMISSIONS,) * 3])
                if runs and runs[0] == "done":
                    self.assertEqual(counts, (SUBMISSIONS,) * 3)
                if counts == (0, 0, 0):
                    self.assertNotEqual(outcomes[number], "done")
                # The next import: the killed run ended, a complete result, no spool left.
                rerun = self.start(db, stderr=subprocess.PIPE)
                _out, err = rerun.communicate(timeout=600)
                self.assertEqual(rerun.returncode, 0, err.decode("utf-8", "replace")[-2000:])
                self.db.settle(db)
                counts_after, after = self.state(db)
                self.assertEqual(counts_after[:2], (SUBMISSIONS, SUBMISSIONS))
                self.assertEqual([s for s in after if s in UNFINISHED], [], after)
                if runs and runs[0] in UNFINISHED:
                    self.assertEqual(after[0], "interrupted")
                self.assertEqual(self.spool_files(), [])
            self.db.drop(db)
        if not ONLY and len(POINTS) == KILL_POINTS:
            # The kills met the import while it checked and while it saved.
            self.assertLessEqual({"checking", "saving"}, set(outcomes.values()), outcomes)
        print(f"\ncrash consistency ({self.db.vendor}): {len(outcomes)} kills, killed in {outcomes}")
