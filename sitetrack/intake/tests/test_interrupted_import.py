"""A killed import leaves no partial batch: run `sitetrack import` in a subprocess on a
file-based SQLite database and SIGKILL it once it has started writing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.test import SimpleTestCase

SETUP = r"""
import datetime, sys
from django.core.management import call_command
call_command("migrate", verbosity=0)
from sitetrack.assessments.models import Round
from sitetrack.core.catalogue import catalogue_ensure_default
from sitetrack.core.models import Operation
from sitetrack.geo.models import AdminArea
from sitetrack.sites.models import Site
from sitetrack.demo.fake_export import write_kobo_xlsx
catalogue_ensure_default()
cf = AdminArea.objects.create(pcode="CF", name_en="CAR", level=0)
a1 = AdminArea.objects.create(pcode="CF71", name_en="Bangui", level=1, parent=cf)
a2 = AdminArea.objects.create(pcode="CF711", name_en="1er", level=2, parent=a1)
for p in ("CF713", "CF111"):
    AdminArea.objects.create(pcode=p, name_en=p, level=2, parent=a1)
a3 = AdminArea.objects.create(pcode="CF7111", name_en="1er", level=3, parent=a2)
op = Operation.objects.create(slug="kill", name="Kill test", country=cf)
codes = [f"CF7111-S{i:05d}" for i in range(1, 6001)]
Site.objects.bulk_create([Site(operation=op, code=c, name=c, site_type="spontaneous_site", admin_area=a3) for c in codes])
Round.objects.create(operation=op, kind="weekly", number=1, period_start=datetime.date(2014, 2, 1), period_end=datetime.date(2014, 2, 14))
write_kobo_xlsx(sys.argv[1], submissions=6000, sites=codes, seed=5)
"""


class InterruptedImportTests(SimpleTestCase):
    def test_a_killed_import_leaves_no_partial_batch(self):
        tmp = Path(tempfile.mkdtemp())
        db = tmp / "kill.sqlite3"
        export = tmp / "export.xlsx"
        env = {**os.environ, "SQLITE_PATH": str(db), "DJANGO_SETTINGS_MODULE": "sitetrack.settings"}
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, str(self._script(tmp, SETUP)), str(export)],
            env=env,
            check=True,
            timeout=300,
        )
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sitetrack.cli",
                "import",
                str(export),
                "--operation",
                "kill",
                "--round",
                "weekly:1",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Wait until the import is in its saving phase (it says so in the database), then
        # give it a moment to be inside its writes, and kill it.
        deadline = time.monotonic() + 240
        status = ""
        while time.monotonic() < deadline and proc.poll() is None:
            status = self._status(db)
            if status == "saving":
                break
            time.sleep(0.02)
        self.assertEqual(status, "saving", "the import never reached its saving phase")
        time.sleep(0.1)
        self.assertIsNone(proc.poll(), "the import finished before it could be killed")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        con = sqlite3.connect(db)
        assessments = con.execute("select count(*) from assessments_siteassessment").fetchone()[0]
        raw = con.execute("select count(*) from intake_rawsubmission").fetchone()[0]
        history = con.execute("select count(*) from assessments_historicalsiteassessment").fetchone()[0]
        con.close()
        self.assertEqual((assessments, raw, history), (0, 0, 0))

    @staticmethod
    def _script(tmp: Path, body: str) -> Path:
        path = tmp / "setup.py"
        path.write_text("import django\ndjango.setup()\n" + body)
        return path

    @staticmethod
    def _status(db: Path) -> str:
        if not db.exists():
            return ""
        try:
            con = sqlite3.connect(db, timeout=0.1)
            row = con.execute("select status from intake_importrun order by id desc limit 1").fetchone()
            con.close()
            return row[0] if row else ""
        except sqlite3.Error:
            return ""
