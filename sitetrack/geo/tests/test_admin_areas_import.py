"""admin_areas_import: the real CAR tables with their quirks, other formats, bad input."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from django.test import TestCase

from sitetrack.geo.models import AdminArea
from sitetrack.geo.services import AdminAreaImportError, Rule, admin_areas_import

COD = Path(__file__).resolve().parent.parent / "data" / "cod"
ADM1 = COD / "download-caf-admpop-adm1-2015-v2.csv"
ADM2 = COD / "download-caf-admpop-adm2-2015-v2.csv"
ADM3 = COD / "download-caf-admpop-adm3-2015-v2.csv"


class TempFilesMixin:
    def setUp(self) -> None:
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def write(self, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = self.tmp / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path


def findings(report, rule: str, value: str | None = None) -> list:
    return [f for f in report.findings if f.rule == rule and (value is None or f.value == value)]


class CarTablesTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.report = admin_areas_import(paths=[ADM1, ADM2, ADM3])

    def test_it_creates_every_level_parents_first(self) -> None:
        counts = {level: c.created for level, c in self.report.counts.items()}
        # 72 distinct adm2 codes in the adm2 file, plus CF234 and CF712-CF718 from the adm3 file.
        self.assertEqual(counts, {0: 1, 1: 17, 2: 80, 3: 177})
        self.assertEqual(AdminArea.objects.get(pcode="CF7111").path, "/CF/CF71/CF711/CF7111/")

    def test_it_reports_an_admin3_code_under_the_wrong_admin2(self) -> None:
        (boganda,) = findings(self.report, Rule.PREFIX_MISMATCH, "CF1251")
        self.assertEqual(boganda.file, ADM3.name)
        self.assertEqual(boganda.column, "Adm3_pcode")
        self.assertIn("CF124", boganda.message)
        (boutelossi,) = findings(self.report, Rule.PREFIX_MISMATCH, "CF1241")
        self.assertIn("CF125", boutelossi.message)
        (yobe,) = findings(self.report, Rule.PREFIX_MISMATCH, "CF2331")
        self.assertIn("CF234", yobe.message)
        # Reported, not fixed: the file's parent is kept.
        self.assertEqual(AdminArea.objects.get(pcode="CF1251").parent.pcode, "CF124")

    def test_it_reports_the_duplicated_bangui_row_and_keeps_the_first(self) -> None:
        (duplicate,) = findings(self.report, Rule.DUPLICATE_CODE, "CF711")
        self.assertEqual(duplicate.file, ADM2.name)
        self.assertIn("15716", duplicate.message)
        self.assertIn("823365", duplicate.message)
        self.assertEqual(AdminArea.objects.get(pcode="CF711").population, 15716)

    def test_it_reports_bayanga_coded_differently_in_two_files(self) -> None:
        (missing,) = findings(self.report, Rule.MISSING_PARENT, "CF234")
        self.assertEqual(missing.file, ADM3.name)
        self.assertIn(ADM2.name, missing.message)
        (conflict,) = findings(self.report, Rule.NAME_CODE_CONFLICT, "CF234")
        self.assertIn("Bayanga", conflict.message)
        self.assertIn("CF233", conflict.message)

    def test_it_reports_bangui_arrondissements_missing_from_the_admin2_file(self) -> None:
        missing = {f.value for f in findings(self.report, Rule.MISSING_PARENT)}
        self.assertEqual(missing, {"CF234", "CF712", "CF713", "CF714", "CF715", "CF716", "CF717", "CF718"})

    def test_it_reports_a_code_named_differently_in_two_files(self) -> None:
        (conflict,) = findings(self.report, Rule.NAME_CONFLICT, "CF711")
        self.assertIn("1er Arrondissement", conflict.message)
        self.assertIn("Bangui", conflict.message)
        self.assertEqual(AdminArea.objects.get(pcode="CF711").name_en, "Bangui")  # first file wins

    def test_it_decodes_windows_1252_names(self) -> None:
        self.assertEqual(AdminArea.objects.get(pcode="CF21").name_en, "Mambéré Kadéi")
        self.assertEqual(AdminArea.objects.get(pcode="CF1241").name_en, "Boutélossi")

    def test_it_reads_quoted_numbers_with_thousands_separators(self) -> None:
        ombella = AdminArea.objects.get(pcode="CF11")
        self.assertEqual(ombella.population, 448465)
        self.assertEqual(ombella.population_year, 2015)

    def test_it_names_the_country_and_sets_its_extent(self) -> None:
        car = AdminArea.objects.get(pcode="CF")
        self.assertEqual(
            (car.name_en, car.name_fr), ("Central African Republic", "République centrafricaine")
        )
        self.assertEqual((car.min_lon, car.min_lat, car.max_lon, car.max_lat), (14.4, 2.2, 27.5, 11.1))

    def test_a_reimport_changes_nothing(self) -> None:
        before = AdminArea.objects.count()
        again = admin_areas_import(paths=[ADM1, ADM2, ADM3])
        self.assertEqual((again.created, again.updated), (0, 0))
        self.assertEqual(again.unchanged, before)
        self.assertEqual(AdminArea.objects.count(), before)
        self.assertEqual(len(again.findings), len(self.report.findings))


class ImportBehaviourTests(TempFilesMixin, TestCase):
    def test_a_reimport_updates_changed_values_only(self) -> None:
        admin_areas_import(paths=[ADM1])
        changed = ADM1.read_bytes().replace(b'"448,465"', b'"450,000"')
        report = admin_areas_import(paths=[self.write(ADM1.name, changed)])
        self.assertEqual((report.level(1).created, report.level(1).updated), (0, 1))
        self.assertEqual(report.level(1).unchanged, 16)
        self.assertEqual(AdminArea.objects.get(pcode="CF11").population, 450000)

    def test_a_dry_run_writes_nothing_but_reports(self) -> None:
        report = admin_areas_import(paths=[ADM2, ADM3], dry_run=True)
        self.assertTrue(report.dry_run)
        self.assertEqual(report.level(3).created, 177)
        self.assertTrue(findings(report, Rule.PREFIX_MISMATCH, "CF1251"))
        self.assertFalse(AdminArea.objects.exists())

    def test_it_reads_utf8_with_bom_semicolons_and_french_names(self) -> None:
        path = self.write(
            "adm1.csv",
            "\ufeffADM0_PCODE;ADM0_EN;ADM1_EN;ADM1_FR;ADM1_PCODE;Population\n"
            'TD;Chad;Lake;Lac;TD07;"433 790"\n',
        )
        admin_areas_import(paths=[path])
        lake = AdminArea.objects.get(pcode="TD07")
        self.assertEqual((lake.name_en, lake.name_fr, lake.population), ("Lake", "Lac", 433790))
        self.assertEqual(lake.parent.name_en, "Chad")

    def test_it_skips_an_hxl_hashtag_row(self) -> None:
        path = self.write(
            "hxl.csv", "Adm1_pcode,Adm1_name,T_TL\n#adm1+code,#adm1+name,#population\nCF11,Ombella,1 234\n"
        )
        report = admin_areas_import(paths=[path])
        self.assertEqual(report.level(1).created, 1)
        self.assertEqual(AdminArea.objects.get(pcode="CF11").population, 1234)

    def test_it_asks_for_a_country_name_it_does_not_know(self) -> None:
        path = self.write("zz.csv", "adm1_pcode,adm1_name\nZZ01,North\n")
        report = admin_areas_import(paths=[path])
        (unknown,) = findings(report, Rule.UNKNOWN_COUNTRY)
        self.assertIn("--country-name", unknown.message)
        admin_areas_import(paths=[path], country_name="Zedland")
        self.assertEqual(AdminArea.objects.get(pcode="ZZ").name_en, "Zedland")

    def test_it_reports_a_code_under_two_parents(self) -> None:
        path = self.write(
            "adm3.csv",
            "Adm1_pcode,Adm1_name,Adm2_pcode,Adm2_name,Adm3_pcode,Adm3_name\n"
            "CF11,Ombella,CF111,Bimbo,CF1111,Bimbo\n"
            "CF12,Lobaye,CF111,Bimbo,CF1112,Bimbo 2\n",
        )
        report = admin_areas_import(paths=[path])
        (conflict,) = findings(report, Rule.PARENT_CONFLICT, "CF111")
        self.assertEqual((conflict.row, conflict.column), (3, "Adm2_pcode"))
        self.assertIn("CF12", conflict.message)
        self.assertEqual(AdminArea.objects.get(pcode="CF111").parent.pcode, "CF11")

    def test_it_reports_a_duplicate_row_under_another_parent(self) -> None:
        path = self.write(
            "adm2.csv",
            "Adm1_pcode,Adm1_name,Adm2_pcode,Adm2_name\nCF11,Ombella,CF111,Bimbo\nCF12,Lobaye,CF111,Bimbo\n",
        )
        report = admin_areas_import(paths=[path])
        (duplicate,) = findings(report, Rule.DUPLICATE_CODE, "CF111")
        self.assertIn("parent CF11 / CF12", duplicate.message)

    def test_it_reports_a_name_that_differs_from_the_database(self) -> None:
        path = self.write("adm1.csv", "Adm1_pcode,Adm1_name\nCF11,Ombella-Mpoko\n")
        admin_areas_import(paths=[path])
        report = admin_areas_import(paths=[ADM1])
        (conflict,) = findings(report, Rule.NAME_CONFLICT, "CF11")
        self.assertIn("Ombella-Mpoko", conflict.message)
        self.assertEqual(AdminArea.objects.get(pcode="CF11").name_en, "Ombella M'Poko")

    def test_a_move_takes_the_areas_below_along(self) -> None:
        admin_areas_import(paths=[ADM3])
        moved = self.write(
            "adm2.csv", "Adm1_pcode,Adm1_name,Adm2_pcode,Adm2_name\nCF21,Mambéré Kadéi,CF124,Boganda\n"
        )
        report = admin_areas_import(paths=[moved])
        self.assertTrue(findings(report, Rule.PARENT_CONFLICT, "CF124"))
        self.assertEqual(AdminArea.objects.get(pcode="CF1251").path, "/CF/CF21/CF124/CF1251/")

    def test_it_places_an_area_by_its_code_prefix_when_the_parent_column_is_absent(self) -> None:
        admin_areas_import(paths=[ADM1])
        report = admin_areas_import(paths=[self.write("adm2.csv", "adm2_pcode,adm2_name\nCF111,Bimbo\n")])
        self.assertEqual(AdminArea.objects.get(pcode="CF111").parent.pcode, "CF11")
        self.assertTrue(findings(report, Rule.MISSING_PARENT, "CF111"))

    def test_it_imports_every_sheet_of_a_workbook(self) -> None:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "adm1"
        sheet.append(["admin1Name_en", "admin1Pcode", "T_TL"])
        sheet.append(["Ombella M'Poko", "CF11", 448465])
        second = workbook.create_sheet("adm2")
        second.append(["admin1Pcode", "admin2Name_en", "admin2Pcode", "T_TL"])
        second.append(["CF11", "Bimbo", "CF111", 276042.0])
        workbook.create_sheet("notes")
        path = self.tmp / "car.xlsx"
        workbook.save(path)
        report = admin_areas_import(paths=[path])
        self.assertEqual(report.level(2).created, 1)
        self.assertEqual(AdminArea.objects.get(pcode="CF111").population, 276042)


class GeoJsonImportTests(TempFilesMixin, TestCase):
    def square(self, lon: float, lat: float, size: float = 0.1) -> dict:
        ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        return {"type": "Polygon", "coordinates": [ring]}

    def collection(self) -> dict:
        features = [
            {
                "type": "Feature",
                "properties": {
                    "ADM0_PCODE": "CF",
                    "ADM0_EN": "Central African Republic",
                    "ADM1_PCODE": "CF71",
                    "ADM1_EN": "Bangui",
                    "ADM1_FR": "Bangui",
                    "ADM2_PCODE": pcode,
                    "ADM2_EN": name,
                    "ADM2_FR": name_fr,
                },
                "geometry": self.square(*corner),
            }
            for pcode, name, name_fr, corner in [
                ("CF711", "1st Arrondissement", "1er Arrondissement", (18.55, 4.35)),
                ("CF712", "2nd Arrondissement", "2e Arrondissement", (18.45, 4.35)),
            ]
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {"ADM1_PCODE": "CF71", "ADM2_PCODE": "CF713", "ADM2_EN": "3rd"},
                "geometry": {"type": "Point", "coordinates": [18.5, 4.4]},
            }
        )
        return {"type": "FeatureCollection", "features": features}

    def test_it_stores_boundaries_and_their_bounding_boxes(self) -> None:
        path = self.write("bangui.geojson", json.dumps(self.collection()))
        report = admin_areas_import(paths=[path])
        first = AdminArea.objects.get(pcode="CF711")
        self.assertEqual(first.boundary["type"], "Polygon")
        self.assertAlmostEqual(first.min_lon, 18.55)
        self.assertAlmostEqual(first.max_lat, 4.45)
        self.assertEqual((first.name_en, first.name_fr), ("1st Arrondissement", "1er Arrondissement"))
        (point,) = findings(report, Rule.INVALID_GEOMETRY)
        self.assertEqual((point.value, point.row), ("CF713", 3))
        self.assertIsNone(AdminArea.objects.get(pcode="CF713").boundary)
        again = admin_areas_import(paths=[path])
        self.assertEqual((again.created, again.updated), (0, 0))


class BadInputTests(TempFilesMixin, TestCase):
    def assertFatal(self, paths, rule: str, *fragments: str) -> AdminAreaImportError:
        with self.assertRaises(AdminAreaImportError) as caught:
            admin_areas_import(paths=paths)
        problems = [p for p in caught.exception.problems if p.rule == rule]
        self.assertTrue(problems, caught.exception.problems)
        text = str(problems[0])
        for fragment in fragments:
            self.assertIn(fragment, text)
        self.assertFalse(AdminArea.objects.exists())
        return caught.exception

    def test_it_refuses_a_file_it_cannot_decode(self) -> None:
        path = self.write("bad.csv", b"Adm1_pcode,Adm1_name\nCF11,\x81\x8d\n")
        self.assertFatal([path], "encoding", "bad.csv", "0x81", "UTF-8")

    def test_it_refuses_utf16_without_a_byte_order_mark(self) -> None:
        path = self.write("utf16.csv", "Adm1_pcode,Adm1_name\nCF11,Ombella\n".encode("utf-16-le"))
        self.assertFatal([path], "encoding", "utf16.csv")

    def test_it_refuses_a_table_without_pcode_columns(self) -> None:
        path = self.write("names.csv", "name,population\nBimbo,12\n")
        self.assertFatal([path], Rule.NO_PCODE_COLUMN, "names.csv", "Adm1_pcode", "name, population")

    def test_it_refuses_an_empty_file(self) -> None:
        self.assertFatal([self.write("empty.csv", "")], "empty", "empty.csv")
        self.assertFatal([self.write("header.csv", "Adm1_pcode,Adm1_name\n")], "empty", "no data rows")

    def test_it_refuses_a_missing_file(self) -> None:
        self.assertFatal([self.tmp / "nowhere.csv"], "file_not_found", "nowhere.csv")

    def test_it_refuses_json_that_is_not_a_feature_collection(self) -> None:
        self.assertFatal([self.write("x.geojson", '{"type": "Feature"}')], "format", "FeatureCollection")
        self.assertFatal([self.write("y.geojson", '{"type": ')], "format", "y.geojson", "JSON")

    def test_it_refuses_a_non_numeric_population_and_writes_nothing_from_any_file(self) -> None:
        bad = self.write("adm1.csv", "Adm1_pcode,Adm1_name,T_TL\nCF11,Ombella,12\nCF12,Lobaye,about 300k\n")
        error = self.assertFatal([ADM3, bad], Rule.NOT_A_NUMBER, "adm1.csv:3", "T_TL=about 300k")
        self.assertEqual(error.message_dict["paths"][0], str(error.problems[0]))

    def test_it_refuses_a_malformed_pcode(self) -> None:
        path = self.write("adm1.csv", "Adm1_pcode,Adm1_name\nCF 11 bis!,Ombella\n")
        self.assertFatal([path], Rule.INVALID_CODE, "adm1.csv:2")


class TranslationTests(TempFilesMixin, TestCase):
    def test_messages_come_in_french(self) -> None:
        from django.utils import translation

        with translation.override("fr"), self.assertRaises(AdminAreaImportError) as caught:
            admin_areas_import(paths=[self.tmp / "absent.csv"])
        self.assertIn("Fichier introuvable", str(caught.exception.problems[0]))
