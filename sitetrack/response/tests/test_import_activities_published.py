"""A published OCHA-style 3W (HXL row, BOM, CRLF, district rows without a site, organisations
named several ways) imports with one command: organisations matched by acronym and name,
new ones created for review, every unplaced row refused and listed."""

from __future__ import annotations

import os
import tempfile
import time
from io import StringIO
from pathlib import Path
from unittest import skipUnless

from django.core.management import call_command

from sitetrack.core.testing import BaseCase
from sitetrack.response.models import Activity, OrganisationReview
from sitetrack.response.tests.fixtures.ocha_3w import generate
from sitetrack.response.threew.importer import import_activities

AREAS = [
    ("CF71", "Bangui", "CF711", "1er Arrondissement"),
    ("CF71", "Bangui", "CF713", "3e Arrondissement"),
    ("CF11", "Ombella M'Poko", "CF111", "Bimbo"),
]


class PublishedImportTests(BaseCase):
    def setUp(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def make(self, rows: int):
        path = Path(self.folder.name) / "ocha-3w.csv"
        sites = [("CF7111-S001", "CF71", "CF711"), ("CF7131-S001", "CF71", "CF713")]
        return path, generate(path, rows=rows, areas=AREAS, sites=sites)

    def test_a_published_3w_lands_with_its_unplaced_rows_listed(self):
        path, expected = self.make(400)
        self.assertTrue(path.read_bytes().startswith(b"\xef\xbb\xbf"))
        self.assertIn(b"\r\n#adm1+code,", path.read_bytes())
        report = import_activities(path, operation=self.operation)
        self.assertEqual(report.kind, "published")
        self.assertEqual(report.rows, 400)
        self.assertEqual(report.refused_rows, expected.refused)
        self.assertTrue({p.rule for p in report.problems} <= {"unplaced"}, {p.rule for p in report.problems})
        self.assertTrue(all(p.row in expected.refused and p.file == "ocha-3w.csv" for p in report.problems))
        self.assertEqual(set(report.organisations_matched), {"DRC"})
        self.assertEqual(
            set(report.organisations_matched["DRC"]),
            {"Danish Refugee Council", "DANISH REFUGEE COUNCIL", "Conseil Danois pour les Réfugiés"},
        )
        created = {o["acronym"] or o["name"] for o in report.organisations_created}
        self.assertEqual(created, expected.new_organisations)
        self.assertEqual(OrganisationReview.objects.filter(reviewed_at__isnull=True).count(), len(created))
        kinds = {o["acronym"]: o["kind"] for o in report.organisations_created}
        self.assertEqual(
            (kinds["CICR"], kinds["UNICEF"], kinds["AFBR"], kinds["MSP"]), ("rcrc", "un", "cbo", "government")
        )
        placed = 400 - len(expected.refused)
        self.assertEqual(report.created + report.updated + report.unchanged + report.repeated, placed)
        self.assertEqual((report.updated, report.unchanged), (0, 0))
        self.assertEqual(len(report.warnings), report.repeated)
        self.assertEqual(
            Activity.objects.filter(site__isnull=True).count()
            + Activity.objects.filter(site__isnull=False).count(),
            Activity.objects.count(),
        )
        self.assertTrue(Activity.objects.filter(site__isnull=True, admin_area__pcode="CF111").exists())
        self.assertTrue(Activity.objects.filter(site=self.mpoko).exists())
        self.assertEqual(set(Activity.objects.values_list("source", flat=True)), {"ocha"})

        again = import_activities(path, operation=self.operation)
        self.assertEqual(again.organisations_created, [])
        self.assertEqual(again.created, 0)
        self.assertEqual(Activity.objects.count(), report.created)

    def test_a_dry_run_lists_the_same_and_writes_nothing(self):
        path, expected = self.make(120)
        out = StringIO()
        call_command(
            "import-activities", str(path), "--operation", self.operation.slug, "--dry-run", stdout=out
        )
        text = out.getvalue()
        self.assertIn("published 3W", text)
        self.assertIn(f"Rows refused: {len(expected.refused)}", text)
        self.assertIn("Dry run: nothing was written.", text)
        self.assertFalse(Activity.objects.exists())
        self.assertFalse(OrganisationReview.objects.exists())

    @skipUnless(os.getenv("SITETRACK_OCHA_ROWS"), "set SITETRACK_OCHA_ROWS=10000 to time a full-size file")
    def test_a_full_size_file_imports_in_one_command(self):
        rows = int(os.environ["SITETRACK_OCHA_ROWS"])
        path, expected = self.make(rows)
        started = time.monotonic()
        report = import_activities(path, operation=self.operation)
        seconds = time.monotonic() - started
        self.assertEqual(report.refused_rows, expected.refused)
        print(
            f"\nOCHA 3W {rows:,} rows: {report.created:,} activities created, {report.repeated:,} rows repeating one, "
            f"{len(report.organisations_matched)} organisations matched, {len(report.organisations_created)} created, "
            f"{len(report.refused_rows)} rows refused, {seconds:.1f} s"
        )
