"""The batch of a round: one PDF per assessed site, the merged PDF, a manifest, and a
site that fails reported without losing the others."""

from __future__ import annotations

import csv
import io
import zipfile

from pypdf import PdfReader

from sitetrack.core.testing import BaseCase
from sitetrack.profiles import batch
from sitetrack.profiles.rendering import render_profile_pdf
from sitetrack.profiles.selectors import round_site_profiles
from sitetrack.profiles.tests.fixtures import build_profile_fixture


def failing_for(code: str):
    def render(profile):
        if profile.code == code:
            raise ValueError(f"broken boundary for {code}")
        return render_profile_pdf(profile)

    return render


class BatchTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_profile_fixture(cls)

    def test_the_zip_holds_one_profile_per_assessed_site_and_the_merged_pdf(self) -> None:
        path = self.enterContext(self._tmp()) / "profiles.zip"
        seen = []
        result = batch.render_batch(
            round_site_profiles(self.round3), path, workers=2, progress=lambda d, f, t: seen.append((d, f, t))
        )
        names = zipfile.ZipFile(path).namelist()
        self.assertEqual(
            sorted(n for n in names if n.startswith("site-profile-")),
            ["site-profile-CF7111-S001-round-3-en.pdf", "site-profile-CF7131-S001-round-3-en.pdf"],
        )
        self.assertIn("site-profiles-round-3-en.pdf", names)
        self.assertNotIn("errors.txt", names)
        merged = PdfReader(io.BytesIO(zipfile.ZipFile(path).read("site-profiles-round-3-en.pdf")))
        self.assertEqual(len(merged.pages), 2)
        self.assertEqual(result.workers, 2)
        self.assertEqual(seen[-1], (2, 0, 2))

    def test_a_site_that_fails_is_reported_and_the_others_are_kept(self) -> None:
        path = self.enterContext(self._tmp()) / "profiles.zip"
        result = batch.render_batch(
            round_site_profiles(self.round3), path, workers=2, render=failing_for("CF7131-S001")
        )
        self.assertEqual([r.code for r in result.failed], ["CF7131-S001"])
        archive = zipfile.ZipFile(path)
        names = archive.namelist()
        self.assertIn("site-profile-CF7111-S001-round-3-en.pdf", names)
        self.assertNotIn("site-profile-CF7131-S001-round-3-en.pdf", names)
        errors = archive.read("errors.txt").decode()
        self.assertIn("CF7131-S001", errors)
        self.assertIn("broken boundary", errors)
        rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
        self.assertEqual(
            {r["site_code"]: r["status"] for r in rows}, {"CF7111-S001": "ok", "CF7131-S001": "failed"}
        )
        self.assertEqual(len(PdfReader(io.BytesIO(archive.read("site-profiles-round-3-en.pdf"))).pages), 1)

    def test_the_merged_pdf_is_made_without_pdfunite_too(self) -> None:
        from unittest import mock

        path = self.enterContext(self._tmp()) / "profiles.zip"
        with mock.patch("sitetrack.profiles.batch.shutil.which", return_value=None):
            batch.render_batch(round_site_profiles(self.round3), path, workers=1)
        merged = zipfile.ZipFile(path).read("site-profiles-round-3-en.pdf")
        self.assertEqual(len(PdfReader(io.BytesIO(merged)).pages), 2)

    def test_it_renders_in_this_process_with_one_worker(self) -> None:
        path = self.enterContext(self._tmp()) / "profiles.zip"
        result = batch.render_batch(round_site_profiles(self.round3), path, workers=1)
        self.assertEqual((result.workers, len(result.rendered)), (1, 2))

    def test_it_uses_every_core_but_never_more_processes_than_sites(self) -> None:
        import os

        self.assertEqual(batch.worker_count(1000), os.cpu_count() or 1)
        self.assertEqual(batch.worker_count(1, 8), 1)

    @staticmethod
    def _tmp():
        import tempfile
        from contextlib import contextmanager
        from pathlib import Path

        @contextmanager
        def folder():
            with tempfile.TemporaryDirectory() as name:
                yield Path(name)

        return folder()
