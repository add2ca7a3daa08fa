"""admin_areas_import on files shaped like the ones operations have (tests/fixtures/real_shapes):
a flat admin-3 table with Arabic names and its `?????` twin, a P-code workbook with a
notes sheet first, a pivot, title rows and admin-1 names without admin-1 codes."""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.test import TestCase

from sitetrack.geo.models import AdminArea
from sitetrack.geo.services import AdminAreaImportError, Rule, admin_areas_import

SHAPES = Path(__file__).resolve().parent / "fixtures" / "real_shapes"
FLAT_AR = SHAPES / "yem_adm3_flat_ar.csv"
FLAT_LOST = SHAPES / "yem_adm3_flat_ar_lost.csv"
MOZ = SHAPES / "moz_adm2_pcodes.xlsx"
CAR = Path(__file__).resolve().parent.parent / "data" / "cod"


def findings(report, rule: str) -> list:
    return [f for f in report.findings if f.rule == rule]


def counts(report) -> dict[int, int]:
    return {level: c.created for level, c in report.counts.items()}


class TempDirMixin:
    def setUp(self) -> None:
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)


class FlatArabicTableTests(TestCase):
    def test_every_level_lands_with_its_arabic_name(self) -> None:
        report = admin_areas_import(paths=[FLAT_AR])
        self.assertEqual(counts(report), {0: 1, 1: 3, 2: 9, 3: 28})
        self.assertEqual(report.findings, [])
        aden = AdminArea.objects.get(pcode="YE24")
        self.assertEqual(aden.names, {"en": "Aden", "ar": "عدن"})
        self.assertEqual(aden.name_en, "Aden")
        sub = AdminArea.objects.get(pcode="YE240102")
        self.assertEqual(sub.names["ar"], "كريتر الغربية")
        self.assertEqual(sub.name_in("ar"), "كريتر الغربية")
        self.assertEqual(sub.path, "/YE/YE24/YE2401/YE240102/")
        self.assertEqual(AdminArea.objects.get(pcode="YE").names["ar"], "اليمن")

    def test_a_flat_table_does_not_report_its_own_parents_missing_when_other_areas_exist(self) -> None:
        admin_areas_import(paths=sorted(CAR.glob("*.csv")))  # admin 1-3 of another country
        first = admin_areas_import(paths=[FLAT_AR])
        self.assertEqual(findings(first, Rule.MISSING_PARENT), [])
        self.assertEqual(counts(first), {0: 1, 1: 3, 2: 9, 3: 28})
        second = admin_areas_import(paths=[FLAT_AR])
        self.assertEqual(len(second.findings), len(first.findings))

    def test_a_bare_parent_code_unknown_to_the_database_is_still_reported(self) -> None:
        admin_areas_import(paths=[FLAT_AR])
        path = Path(tempfile.mkdtemp()) / "adm3.csv"
        self.addCleanup(shutil.rmtree, path.parent)
        path.write_text("ADM2_PCODE,ADM3_PCODE,ADM3_EN\nYE2499,YE249901,Nowhere\n")
        report = admin_areas_import(paths=[path])
        missing = {(f.value, f.row, f.column) for f in findings(report, Rule.MISSING_PARENT)}
        self.assertIn(("YE2499", 2, "ADM2_PCODE"), missing)

    def test_the_same_list_from_another_file_changes_nothing(self) -> None:
        from openpyxl import Workbook

        admin_areas_import(paths=[FLAT_AR])
        workbook = Workbook()
        with open(FLAT_AR, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                workbook.active.append(row)
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp)
        workbook.save(tmp / "yemen-adm3-from-hdx.xlsx")
        report = admin_areas_import(paths=[tmp / "yemen-adm3-from-hdx.xlsx"])
        self.assertEqual((report.created, report.updated, report.unchanged), (0, 0, 41))
        self.assertEqual(AdminArea.objects.get(pcode="YE240101").source, FLAT_AR.name)

    def test_a_changed_name_from_another_file_is_an_update(self) -> None:
        admin_areas_import(paths=[FLAT_AR])
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp)
        changed = tmp / "other.csv"
        changed.write_bytes(FLAT_AR.read_bytes().replace("عدن".encode(), "عدن الكبرى".encode()))
        report = admin_areas_import(paths=[changed])
        self.assertEqual(report.level(1).updated, 1)
        self.assertEqual(AdminArea.objects.get(pcode="YE24").names["ar"], "عدن الكبرى")


class LostTextTests(TestCase):
    def test_question_mark_names_are_reported_per_column_and_left_out(self) -> None:
        report = admin_areas_import(paths=[FLAT_LOST])
        self.assertEqual(counts(report), {0: 1, 1: 3, 2: 9, 3: 28})
        lost = findings(report, Rule.LOST_TEXT)
        self.assertEqual(
            sorted(f.column for f in lost), ["ADM0_AR", "ADM1_AR", "ADM2_AR", "ADM3_AR"], report.findings
        )
        adm3 = next(f for f in lost if f.column == "ADM3_AR")
        self.assertEqual((adm3.file, adm3.row, adm3.value), (FLAT_LOST.name, 2, "????? ???????"))
        self.assertIn("28", adm3.message)
        self.assertIn("2–29", adm3.message)
        aden = AdminArea.objects.get(pcode="YE24")
        self.assertEqual(aden.names, {"en": "Aden"})  # no "???" stored as Arabic
        self.assertEqual(aden.name_en, "Aden")

    def test_the_twin_after_the_good_file_keeps_the_arabic_names(self) -> None:
        admin_areas_import(paths=[FLAT_AR])
        report = admin_areas_import(paths=[FLAT_LOST])
        self.assertEqual((report.created, report.updated), (0, 0))
        self.assertEqual(len(findings(report, Rule.LOST_TEXT)), 4)
        self.assertEqual(AdminArea.objects.get(pcode="YE24").names["ar"], "عدن")

    def test_a_two_letter_word_lost_is_recognised(self) -> None:
        from sitetrack.geo.cod_import.values import is_lost_text

        self.assertTrue(is_lost_text("??"))
        self.assertTrue(is_lost_text("?? ????"))
        self.assertTrue(is_lost_text("Caf\ufffd"))
        self.assertFalse(is_lost_text("Où?"))
        self.assertFalse(is_lost_text("Mocímboa da Praia"))


class PcodeWorkbookTests(TestCase):
    def test_it_reads_the_pcode_sheet_and_infers_the_admin1_codes(self) -> None:
        report = admin_areas_import(paths=[MOZ])
        self.assertEqual(counts(report), {0: 1, 1: 3, 2: 18})
        self.assertIn("moz_adm2_pcodes.xlsx: read sheet 'ADM2' (header on row 4).", report.notes)
        self.assertTrue(any("'Leia-me', 'Resumo', 'Listas'" in note for note in report.notes), report.notes)
        inferred = {f.value: f for f in findings(report, Rule.INFERRED_PARENT)}
        self.assertEqual(set(inferred), {"MZ01", "MZ02", "MZ03"})
        self.assertIn("Cabo Delgado", inferred["MZ02"].message)
        self.assertIn("(7: MZ0201, MZ0202, MZ0203 …)", inferred["MZ02"].message)
        self.assertEqual(inferred["MZ02"].row, 10)
        self.assertEqual(inferred["MZ02"].column, "ADM1_PT → P-code (inferred)")
        cabo = AdminArea.objects.get(pcode="MZ02")
        self.assertEqual((cabo.name_en, cabo.names), ("Cabo Delgado", {"pt": "Cabo Delgado"}))
        chiure = AdminArea.objects.get(pcode="MZ0203")
        self.assertEqual((chiure.parent, chiure.names["pt"]), (cabo, "Chiúre"))
        self.assertEqual(AdminArea.objects.get(pcode="MZ").name_en, "Moçambique")
        again = admin_areas_import(paths=[MOZ])
        self.assertEqual((again.created, again.updated, again.unchanged), (0, 0, 22))

    def test_a_sheet_can_be_named(self) -> None:
        report = admin_areas_import(paths=[MOZ], sheet="ADM2")
        self.assertEqual(report.level(2).created, 18)

    def test_a_sheet_that_is_not_there_is_refused_with_the_sheets_listed(self) -> None:
        with self.assertRaises(AdminAreaImportError) as caught:
            admin_areas_import(paths=[MOZ], sheet="ADM3")
        (problem,) = caught.exception.problems
        self.assertEqual(problem.rule, "sheet_not_found")
        self.assertIn("'Leia-me', 'Resumo', 'ADM2', 'Listas'", problem.message)

    def test_a_named_sheet_without_pcodes_is_refused(self) -> None:
        with self.assertRaises(AdminAreaImportError) as caught:
            admin_areas_import(paths=[MOZ], sheet="Resumo")
        self.assertEqual(caught.exception.problems[0].rule, Rule.NO_PCODE_COLUMN)
        self.assertIn("Resumo", caught.exception.problems[0].file)
        self.assertFalse(AdminArea.objects.exists())


class InferenceTests(TempDirMixin, TestCase):
    def test_names_that_do_not_follow_the_codes_are_refused(self) -> None:
        path = self.tmp / "mixed.csv"
        path.write_text("ADM1_EN,ADM2_PCODE,ADM2_EN\nNorth,ZZ0101,A\nSouth,ZZ0102,B\nNorth,ZZ0201,C\n")
        with self.assertRaises(AdminAreaImportError) as caught:
            admin_areas_import(paths=[path])
        (problem,) = caught.exception.problems
        self.assertEqual((problem.rule, problem.column), (Rule.NO_PARENT, "ADM1_EN"))
        self.assertIn("add an admin1 P-code column", problem.message)

    def test_somali_names_in_admin_n_name_so_columns(self) -> None:
        path = self.tmp / "som.csv"
        path.write_text(
            "admin1Name_en,admin1Name_so,admin1Pcode,admin2Name_en,admin2Name_so,admin2Pcode\n"
            "Banadir,Banaadir,SO22,Mogadishu,Muqdisho,SO2201\n",
            encoding="utf-8",
        )
        admin_areas_import(paths=[path], country="SOM")
        self.assertEqual(AdminArea.objects.get(pcode="SO2201").names, {"en": "Mogadishu", "so": "Muqdisho"})
        self.assertEqual(AdminArea.objects.get(pcode="SO").name_en, "Somalia")

    def test_a_table_of_another_country_is_refused_with_country(self) -> None:
        with self.assertRaises(AdminAreaImportError) as caught:
            admin_areas_import(paths=[FLAT_AR], country="SOM")
        self.assertEqual(
            [(p.rule, p.value, p.row) for p in caught.exception.problems], [(Rule.WRONG_COUNTRY, "YE", 2)]
        )
        with self.assertRaises(AdminAreaImportError) as caught:
            admin_areas_import(paths=[FLAT_AR], country="XYZ")
        self.assertIn("XYZ", caught.exception.problems[0].message)


class SizeGuardTests(TempDirMixin, TestCase):
    def test_a_sheet_that_declares_a_million_rows_is_streamed(self) -> None:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Adm1_pcode", "Adm1_name"])
        sheet.append(["CF11", "Ombella M'Poko"])
        sheet.cell(row=1_048_576, column=16_384, value=" ")  # stray formatting far away
        workbook.save(self.tmp / "wide.xlsx")
        tracemalloc.start()
        started = time.monotonic()
        try:
            report = admin_areas_import(paths=[self.tmp / "wide.xlsx"])
            _size, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertEqual(report.level(1).created, 1)
        self.assertLess(peak, 64 * 1024**2)
        self.assertLess(time.monotonic() - started, 60)

    def test_a_zip_bomb_is_refused_before_it_is_opened(self) -> None:
        from openpyxl import Workbook

        workbook = Workbook()
        workbook.active.append(["Adm1_pcode", "Adm1_name"])
        for n in range(400):
            workbook.active.append([f"CF{n:04d}", "a" * 30_000])
        workbook.save(self.tmp / "bomb.xlsx")
        with self.assertRaises(AdminAreaImportError) as caught:
            admin_areas_import(paths=[self.tmp / "bomb.xlsx"])
        self.assertEqual(caught.exception.problems[0].rule, "zip_bomb")
        self.assertEqual(caught.exception.problems[0].file, "bomb.xlsx")


class PivotAndTotalTests(TempDirMixin, TestCase):
    def test_a_pivot_of_pcodes_is_skipped_and_a_total_row_left_out(self) -> None:
        from openpyxl import Workbook

        workbook = Workbook()
        pivot = workbook.active
        pivot.title = "Pivot"
        pivot.append(["ADM1_PCODE", "Count of ADM2_PCODE"])
        pivot.append(["SO22", 2])
        pivot.append(["Grand Total", 2])
        data = workbook.create_sheet("Pcodes")
        data.append(["ADM1_EN", "ADM1_PCODE", "ADM2_EN", "ADM2_PCODE"])
        data.append(["Banadir", "SO22", "Mogadishu", "SO2201"])
        data.append(["Banadir", "SO22", "Hodan", "SO2202"])
        data.append(["", "Total", "", ""])
        workbook.save(self.tmp / "som.xlsx")
        report = admin_areas_import(paths=[self.tmp / "som.xlsx"], country="SOM")
        self.assertEqual(counts(report), {0: 1, 1: 1, 2: 2})
        self.assertTrue(any("skipped 'Pivot'" in note for note in report.notes), report.notes)
        (total,) = findings(report, Rule.TOTAL_ROW)
        self.assertEqual((total.file, total.row, total.column), ("som.xlsx[Pcodes]", 4, "ADM1_PCODE"))


class CsvTitleRowsTests(TempDirMixin, TestCase):
    def test_the_header_is_found_below_title_rows_and_null_is_missing(self) -> None:
        path = self.tmp / "som-adm1.csv"
        path.write_text(
            "Somalia admin 1 P-codes,,\nSource: OCHA, 2023,,\n,,\n"
            "admin1Pcode,admin1Name_en,admin1Name_so,Population\n"
            'SO22,Banadir,Banaadir," 2,682,000 "\nSO23,Gedo,NULL,N/A\n',
            encoding="utf-8",
        )
        report = admin_areas_import(paths=[path], country="SOM")
        self.assertIn("som-adm1.csv: header on row 4.", report.notes)
        self.assertEqual(report.level(1).created, 2)
        banadir, gedo = AdminArea.objects.filter(level=1).order_by("pcode")
        self.assertEqual((banadir.population, banadir.names["so"]), (2682000, "Banaadir"))
        self.assertEqual((gedo.population, gedo.names), (None, {"en": "Gedo"}))
