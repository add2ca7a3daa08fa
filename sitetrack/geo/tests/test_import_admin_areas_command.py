"""sitetrack import-admin-areas: summary, one line per finding, non-zero exit on fatal errors."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from sitetrack.geo.models import AdminArea

COD = Path(__file__).resolve().parent.parent / "data" / "cod"
FILES = [str(COD / f"download-caf-admpop-adm{n}-2015-v2.csv") for n in (1, 2, 3)]


def run(*args: str) -> str:
    out = StringIO()
    call_command("import-admin-areas", *args, stdout=out)
    return out.getvalue()


class ImportAdminAreasCommandTests(TestCase):
    def test_it_prints_a_summary_per_level_and_every_finding(self) -> None:
        output = run(*FILES)
        self.assertIn("admin1: 17 created, 0 updated, 0 unchanged", output)
        self.assertIn("admin3: 177 created, 0 updated, 0 unchanged", output)
        self.assertIn(
            "download-caf-admpop-adm3-2015-v2.csv:21 Adm3_pcode=CF1251 — prefix_mismatch: "
            "CF1251 (Boganda) does not start with the code of its parent CF124 (Boganda).",
            output,
        )
        self.assertIn("download-caf-admpop-adm2-2015-v2.csv:14 Adm2_Pcode=CF711 — duplicate_code", output)

    def test_a_second_run_changes_nothing(self) -> None:
        run(*FILES)
        output = run(*FILES)
        self.assertIn("admin2: 0 created, 0 updated, 80 unchanged", output)

    def test_a_dry_run_saves_nothing(self) -> None:
        output = run("--dry-run", *FILES)
        self.assertIn("Dry run", output)
        self.assertFalse(AdminArea.objects.exists())

    def test_it_names_the_country_when_asked(self) -> None:
        run("--country-name", "Centrafrique", FILES[0])
        self.assertEqual(AdminArea.objects.get(pcode="CF").name_en, "Centrafrique")

    def test_it_fails_on_a_fatal_problem_naming_the_file(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            bad = Path(tmp) / "nothing-here.csv"
            bad.write_text("name\nBimbo\n")
            with self.assertRaises(CommandError) as caught:
                run(FILES[0], str(bad))
        self.assertIn("nothing-here.csv", str(caught.exception))
        self.assertIn("no_pcode_column", str(caught.exception))
        self.assertFalse(AdminArea.objects.exists())
