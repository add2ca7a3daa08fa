"""The command-line refusals that protect production (load-demo outside debug, the demo
key, backup and restore) speak the active language, as the pages do."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, override_settings
from django.utils import translation

from sitetrack.accounts.checks import check_demo_key


class CliRefusalsTranslatedTests(SimpleTestCase):
    @override_settings(DEBUG=False)
    def test_load_demo_refuses_in_french_outside_debug(self):
        for language, words in (("en", "load-demo refused"), ("fr", "load-demo refusé")):
            with self.subTest(language=language), translation.override(language):
                with self.assertRaises(CommandError) as caught:
                    call_command("load-demo")
                self.assertIn(words, str(caught.exception))

    @override_settings(DEBUG=False, SITETRACK_ALLOW_DEMO_KEY=False)
    def test_the_demo_key_check_speaks_french(self):
        from django.conf import settings

        with override_settings(SECRET_KEY=settings.DEMO_SECRET_KEY), translation.override("fr"):
            errors = check_demo_key()
        self.assertEqual([e.id for e in errors], ["sitetrack.E001"])
        self.assertIn("SECRET_KEY n’est pas défini", errors[0].msg)

    def test_backup_refuses_to_overwrite_in_french(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "existing.backup"
            path.write_bytes(b"x")
            with translation.override("fr"), self.assertRaises(CommandError) as caught:
                call_command("backup", str(path))
        self.assertIn("existe déjà", str(caught.exception))

    def test_restore_of_a_missing_file_is_refused_in_french(self):
        with translation.override("fr"), self.assertRaises(CommandError) as caught:
            call_command("restore", "/nonexistent/none.backup", interactive=False)
        self.assertIn("n’existe pas", str(caught.exception))
