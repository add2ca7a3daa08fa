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


SHAPES = Path(__file__).resolve().parent / "fixtures" / "real_shapes"


class RealShapesCommandTests(TestCase):
    def test_it_says_which_sheet_it_read_and_what_it_inferred(self) -> None:
        output = run(str(SHAPES / "moz_adm2_pcodes.xlsx"), "--country", "MOZ")
        self.assertIn("moz_adm2_pcodes.xlsx: read sheet 'ADM2' (header on row 4).", output)
        self.assertIn("admin2: 18 created, 0 updated, 0 unchanged", output)
        self.assertIn("inferred_parent: MZ02 (Cabo Delgado) inferred", output)

    def test_it_reads_the_sheet_it_is_given(self) -> None:
        with self.assertRaises(CommandError) as caught:
            run(str(SHAPES / "moz_adm2_pcodes.xlsx"), "--sheet", "Leia-me")
        self.assertIn("no_pcode_column", str(caught.exception))
        output = run(str(SHAPES / "moz_adm2_pcodes.xlsx"), "--sheet", "ADM2", "--dry-run")
        self.assertIn("admin1: 3 created", output)
        self.assertFalse(AdminArea.objects.exists())

    def test_it_prints_lost_names_with_file_column_and_rows(self) -> None:
        output = run(str(SHAPES / "yem_adm3_flat_ar_lost.csv"), "--country", "YEM")
        self.assertIn("admin3: 28 created", output)
        self.assertIn("yem_adm3_flat_ar_lost.csv:2 ADM3_AR=????? ??????? — lost_text: 28 names", output)

    def test_it_refuses_a_table_of_another_country(self) -> None:
        with self.assertRaises(CommandError) as caught:
            run(str(SHAPES / "yem_adm3_flat_ar.csv"), "--country", "MOZ")
        self.assertIn("wrong_country", str(caught.exception))
        self.assertFalse(AdminArea.objects.exists())
