"""A production server never runs on the public demo key, and `check --deploy` is clean
with production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from sitetrack.accounts.checks import check_demo_key, refuse_demo_key

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_KEY = "t5y2-Vq8mZr0kP3wXc9LbN4sJ7hGd1fA6eU_oI-yT2rE8wQ5zX0cV3bN9mL4kJ7h"


def run(args: list[str], tmp: Path, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "SECRET_KEY",
            "DEBUG",
            "DATABASE_URL",
            "SITETRACK_ALLOW_DEMO_KEY",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
        and not k.startswith(("SECURE_", "SESSION_", "CSRF_", "SITETRACK_HTTPS"))
    }
    base.update(SITETRACK_DATA_DIR=str(tmp), SQLITE_PATH=str(tmp / "db.sqlite3"), PYTHONPATH=str(ROOT))
    base.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


class DemoKeyCheckTests(SimpleTestCase):
    @override_settings(DEBUG=False, SECRET_KEY=settings.DEMO_SECRET_KEY, SITETRACK_ALLOW_DEMO_KEY=False)
    def test_it_reports_the_demo_key_outside_debug(self):
        self.assertEqual([m.id for m in check_demo_key()], ["sitetrack.E001"])
        with self.assertRaisesMessage(ImproperlyConfigured, "SECRET_KEY"):
            refuse_demo_key()

    @override_settings(DEBUG=False, SECRET_KEY=settings.DEMO_SECRET_KEY, SITETRACK_ALLOW_DEMO_KEY=True)
    def test_it_accepts_the_demo_key_when_forced(self):
        self.assertEqual(check_demo_key(), [])
        refuse_demo_key()

    @override_settings(DEBUG=True, SECRET_KEY=settings.DEMO_SECRET_KEY, SITETRACK_ALLOW_DEMO_KEY=False)
    def test_it_accepts_the_demo_key_in_debug_mode(self):
        self.assertEqual(check_demo_key(), [])

    @override_settings(DEBUG=False, SECRET_KEY=PRODUCTION_KEY, SITETRACK_ALLOW_DEMO_KEY=False)
    def test_it_accepts_a_real_key(self):
        self.assertEqual(check_demo_key(), [])


class ServerStartTests(SimpleTestCase):
    def setUp(self):
        import tempfile

        self.tmp = Path(tempfile.mkdtemp())

    def test_the_wsgi_application_refuses_to_load_on_the_demo_key(self):
        result = run(["-c", "import sitetrack.wsgi"], self.tmp, DEBUG="0")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY is unset (or is the public demo key)", result.stderr)

    def test_the_wsgi_application_loads_when_forced_or_with_a_real_key(self):
        forced = run(["-c", "import sitetrack.wsgi"], self.tmp, DEBUG="0", SITETRACK_ALLOW_DEMO_KEY="1")
        self.assertEqual(forced.returncode, 0, forced.stderr)
        real = run(["-c", "import sitetrack.wsgi"], self.tmp, DEBUG="0", SECRET_KEY=PRODUCTION_KEY)
        self.assertEqual(real.returncode, 0, real.stderr)

    def test_check_deploy_names_the_demo_key(self):
        result = run(["-m", "sitetrack.cli", "check", "--deploy"], self.tmp, DEBUG="0")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("sitetrack.E001", result.stderr + result.stdout)

    def test_check_deploy_is_clean_with_production_settings(self):
        result = run(
            ["-m", "sitetrack.cli", "check", "--deploy", "--fail-level", "WARNING"],
            self.tmp,
            DEBUG="0",
            SECRET_KEY=PRODUCTION_KEY,
            ALLOWED_HOSTS="sitetrack.example.org",
            SITETRACK_HTTPS="1",
        )
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        self.assertIn("System check identified no issues", result.stdout)
