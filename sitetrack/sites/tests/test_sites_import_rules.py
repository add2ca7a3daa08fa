"""The master-list rules that the fixtures do not show: values refused with a clear
message, generic types without a default, numbered siblings, the skipped country check."""

import tempfile
from pathlib import Path

from sitetrack.core.models import Operation
from sitetrack.core.testing import BaseCase, make_area
from sitetrack.sites.master_list.duplicates import numbered_siblings
from sitetrack.sites.models import Site
from sitetrack.sites.services import sites_import


class SitesImportRulesTest(BaseCase):
    def write(self, text: str) -> str:
        path = Path(tempfile.mkdtemp()) / "list.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def run_import(self, text: str, **kwargs):
        return sites_import(operation=self.operation, user=self.imani, path=self.write(text), **kwargs)

    def messages(self, report) -> list[str]:
        return [str(p) for p in report.errors]

    def test_nan_and_out_of_range_points_and_impossible_dates_are_refused_with_what_is_wrong(self):
        report = self.run_import(
            "name;type;pcode;latitude;longitude;opened on\n"
            "A;camp;CF7111;nan;nan;\n"
            "B;camp;CF7111;95;18.5;\n"
            "C;camp;CF7111;4.4;18.5;2999-01-01\n"
        )
        lines = self.messages(report)
        self.assertTrue(any("row 2" in m and "“nan” is not a number" in m for m in lines), lines)
        self.assertTrue(any("row 3" in m and "between -90 and 90, got 95" in m for m in lines), lines)
        self.assertTrue(any("row 4" in m and "“2999-01-01” is not possible" in m for m in lines), lines)
        self.assertEqual(Site.objects.count(), 2)

    def test_an_ambiguous_household_count_is_refused_and_both_readings_are_given(self):
        report = self.run_import('name;type;pcode;HH\nA;camp;CF7111;"12,34"\n')
        (problem,) = report.errors
        self.assertEqual((problem.row, problem.column, problem.rule), (2, "HH", "ambiguous_number"))
        self.assertIn("12.34", problem.message)
        self.assertIn("1234", problem.message)

    def test_an_idp_site_type_without_a_default_asks_for_one(self):
        report = self.run_import("name,type,pcode\nA,IDP site,CF7111\n")
        (problem,) = report.errors
        self.assertEqual(problem.rule, "generic_site_type")
        self.assertIn("--default site_type=TYPE", problem.message)
        report = self.run_import(
            "name,type,pcode\nA,IDP site,CF7111\n", defaults={"site_type": "transit_centre"}
        )
        self.assertTrue(report.ok, report.as_text())
        self.assertEqual(Site.objects.get(name="A").site_type, "transit_centre")

    def test_the_total_row_at_the_end_of_a_list_is_skipped_and_said(self):
        report = self.run_import("name;type;pcode;HH\nA;camp;CF7111;10\nGrand Total;;;10\n")
        self.assertTrue(report.ok, report.as_text())
        self.assertEqual(report.rows, 1)
        self.assertIn("Row 3 (“Grand Total”, no site code) is a total row: skipped.", report.notes)
        self.assertFalse(Site.objects.filter(name="Grand Total").exists())

    def test_an_unknown_default_type_is_one_error(self):
        report = self.run_import("name,pcode\nA,CF7111\nB,CF7111\n", defaults={"site_type": "castle"})
        self.assertEqual([p.rule for p in report.errors], ["unknown_default"])
        self.assertIn("spontaneous_site", report.errors[0].message)

    def test_a_list_without_a_type_column_takes_the_default_and_an_unknown_default_field_is_named(self):
        report = self.run_import("name,pcode\nA,CF7111\n")
        self.assertIn("give --default site_type=TYPE", str(report.errors[0]))
        report = self.run_import("name,pcode\nA,CF7111\n", defaults={"colour": "red", "site_type": "camp"})
        self.assertEqual(report.errors[0].rule, "unknown_field")

    def test_a_list_without_a_pcode_column_takes_the_area_from_the_site_code(self):
        report = self.run_import("site code,name,type\nCF7131-S900,Nouveau,camp\n")
        self.assertTrue(report.ok, report.as_text())
        self.assertEqual(Site.objects.get(code="CF7131-S900").admin_area, self.arr3_3)

    def test_numbered_sibling_sites_are_not_duplicates_but_same_names_are(self):
        self.assertTrue(numbered_siblings("camp1", "camp2"))
        self.assertTrue(numbered_siblings("kabo2ext3", "kabo2ext4"))
        self.assertFalse(numbered_siblings("camp1", "camp1"))
        self.assertFalse(numbered_siblings("campa", "campb"))
        report = self.run_import(
            "code;name;type;pcode;latitude;longitude\nCF7131-S777;Monastere Boy Rabe;collective centre;CF7131;4.4021;18.5451\n"
        )
        self.assertIn("Likely duplicate of CF7131-S001", " ".join(str(w) for w in report.warnings))

    def test_the_report_says_when_the_country_check_was_skipped(self):
        nowhere = make_area("QQ", "Nowhere", 0, min_lon=0, min_lat=0, max_lon=10, max_lat=10)
        make_area("QQ01", "North", 1, nowhere)
        operation = Operation.objects.create(slug="qq", name="QQ", country=nowhere)
        path = self.write("name,type,pcode,lat,lon\nA,camp,QQ01,5,5\n")
        report = sites_import(operation=operation, user=None, path=path)
        self.assertTrue(report.ok, report.as_text())
        self.assertIn("Coordinates were not checked against the outline of Nowhere", report.as_text())


class SiteNamesByLanguageTest(BaseCase):
    def test_names_in_the_operation_languages_are_kept(self):
        self.operation.languages = ["en", "fr", "sg"]
        self.operation.save()
        path = Path(tempfile.mkdtemp()) / "names.csv"
        path.write_text(
            "site name,name sg,nom du site fr,type,pcode\nAirport,Da ti lapyâ,Aéroport,camp,CF7111\n"
        )
        report = sites_import(operation=self.operation, user=None, path=str(path))
        self.assertTrue(report.ok, report.as_text())
        site = Site.objects.get(name="Airport")
        self.assertEqual(site.names, {"sg": "Da ti lapyâ", "fr": "Aéroport"})
        self.assertEqual((site.name_in("fr"), site.name_in("en")), ("Aéroport", "Airport"))
        again = sites_import(operation=self.operation, user=None, path=str(path))
        self.assertEqual(len(again.unchanged), 1)
