"""`sitetrack report site-profiles --round N --out DIR [--lang fr]`."""

from __future__ import annotations

import tempfile
import zipfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from sitetrack.core.testing import BaseCase
from sitetrack.profiles.tests.fixtures import build_profile_fixture, month_round


class SiteProfilesCommandTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_profile_fixture(cls)

    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("report", "site-profiles", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    def test_it_writes_the_zip_of_the_round(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            output = self.run_command("--round", "3", "--out", folder, "--lang", "fr", "--workers", "2")
            path = Path(folder) / "site-profiles-car-bangui-2014-round-3-fr.zip"
            names = zipfile.ZipFile(path).namelist()
        self.assertIn("2 profiles, 0 failed", output)
        self.assertIn("site-profile-CF7111-S001-round-3-fr.pdf", names)
        self.assertIn("site-profiles-round-3-fr.pdf", names)
        self.assertIn("manifest.csv", names)

    def test_an_unknown_round_lists_the_monthly_rounds(self) -> None:
        with self.assertRaisesMessage(
            CommandError, "No monthly round 7 in operation car-bangui-2014. Monthly rounds: 1, 2, 3."
        ):
            self.run_command("--round", "7", "--out", tempfile.gettempdir())

    def test_an_unknown_operation_is_named(self) -> None:
        with self.assertRaisesMessage(CommandError, "No operation 'nowhere'"):
            self.run_command("--round", "3", "--operation", "nowhere")

    def test_a_round_without_validated_assessments_says_so(self) -> None:
        month_round(self.operation, 4)
        with self.assertRaisesMessage(CommandError, "no validated assessment"):
            self.run_command("--round", "4", "--out", tempfile.gettempdir())

    def test_workers_must_be_positive(self) -> None:
        with self.assertRaisesMessage(CommandError, "--workers must be 1 or more"):
            self.run_command("--round", "3", "--workers", "0")
