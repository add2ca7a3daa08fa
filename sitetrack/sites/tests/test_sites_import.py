import tempfile
from pathlib import Path

from openpyxl import Workbook

from sitetrack.core.testing import BaseCase
from sitetrack.geo.spatial import bbox_polygon
from sitetrack.sites.models import Site, SiteType
from sitetrack.sites.services import sites_import

GOOD = """Site code;Site name;Site type;Admin P-code;Latitude;Longitude;Management agency;Capacity
CF7111-S001;Aéroport M'Poko;Site spontané;CF7111;4.3986;18.5189;DRC;100000
;Eglise Saint-Paul;collective centre;CF7131;4.4100;18.5500;;3 500
CF111-S010;Bimbo Centre;transit_centre;CF111;;;;800
"""


class SitesImportTest(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.arr1.boundary = bbox_polygon(18.50, 4.35, 18.60, 4.42)
        cls.arr1.save()

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())

    def write(self, text: str, name: str = "sites.csv", encoding: str = "utf-8") -> str:
        path = self.tmp / name
        path.write_bytes(text.encode(encoding))
        return str(path)

    def run_import(self, path: str, **kwargs):
        return sites_import(operation=self.operation, user=self.imani, path=path, **kwargs)

    def test_it_imports_a_good_file_and_a_reimport_changes_nothing(self) -> None:
        path = self.write(GOOD)
        report = self.run_import(path)
        self.assertTrue(report.ok, report.as_text())
        self.assertEqual(report.created, ["CF7131-S002", "CF111-S010"])
        self.assertEqual(report.updated, ["CF7111-S001"])  # DRC became its management agency
        self.mpoko.refresh_from_db()
        self.assertEqual(self.mpoko.management_agency, self.ngo)
        saint_paul = Site.objects.get(name="Eglise Saint-Paul")
        self.assertEqual((saint_paul.site_type, saint_paul.capacity), (SiteType.COLLECTIVE_CENTRE, 3500))
        counts = (Site.objects.count(), Site.history.count())
        again = self.run_import(path)
        self.assertTrue(again.ok, again.as_text())
        self.assertEqual(again.created + again.updated, [])
        self.assertEqual(len(again.unchanged), 3)
        self.assertEqual((Site.objects.count(), Site.history.count()), counts)

    def test_it_reads_a_cp1252_file_with_commas(self) -> None:
        text = "site name,site type,pcode,lat,lon\nNotre-Dame de Fatima,Centre collectif,CF7131,4.37,18.54\n"
        report = self.run_import(self.write(text, encoding="cp1252"))
        self.assertTrue(report.ok, report.as_text())
        self.assertTrue(Site.objects.filter(name="Notre-Dame de Fatima").exists())

    def test_it_reads_an_xlsx_with_dtm_field_codes_and_a_gps_column(self) -> None:
        book = Workbook()
        sheet = book.active
        sheet.append(
            [
                "m0445_loc_site_id_ssid",
                "m0448_loc_site_name",
                "m0342_loc_site_type",
                "admin3_pcode",
                "m1650_loc_gps_coords",
                "capacity",
            ]
        )
        sheet.append(["CF7111-S009", "Don Bosco", "collective_centre", "CF7111", "4.38 18.55 380 5", 12000])
        path = self.tmp / "sites.xlsx"
        book.save(path)
        report = self.run_import(str(path))
        self.assertTrue(report.ok, report.as_text())
        site = Site.objects.get(code="CF7111-S009")
        self.assertEqual((site.latitude, site.longitude, site.capacity), (4.38, 18.55, 12000))
        self.assertEqual(report.mapping["gps"], "m1650_loc_gps_coords")

    def test_missing_columns_get_one_clear_error(self) -> None:
        report = self.run_import(self.write("Nom;Lat;Lon\nX;4;18\n"))
        self.assertEqual(len(report.errors), 1)
        message = str(report.errors[0])
        self.assertIn("Missing required columns: site type, admin P-code", message)
        self.assertIn("Columns found: Nom, Lat, Lon", message)

    def test_an_explicit_mapping_overrides_the_guess(self) -> None:
        text = "Lieu;Genre;Zone\nCentre Jean XXIII;transit centre;CF7111\n"
        report = self.run_import(
            self.write(text), mapping={"name": "Lieu", "site_type": "Genre", "admin_area": "Zone"}
        )
        self.assertTrue(report.ok, report.as_text())
        self.assertEqual(report.created, ["CF7111-S002"])

    def test_row_errors_name_file_row_column_and_value_and_nothing_is_written(self) -> None:
        text = (
            "code;name;type;pcode;latitude;longitude\n"
            "CF7111-S050;Good row;transit centre;CF7111;4.38;18.55\n"
            "CF7111-S051;Outside;transit centre;CF7111;4.9;18.2\n"
            "CF7111-S052;Bad point;transit centre;CF7111;4.3x;18.55\n"
            "CF7111-S053;Unknown area;transit centre;CF9999;;\n"
            "CF7111-S050;Twice;transit centre;CF7111;;\n"
        )
        report = self.run_import(self.write(text, name="master.csv"))
        self.assertFalse(report.ok)
        lines = [str(e) for e in report.errors]
        self.assertEqual(
            lines,
            [
                "master.csv, row 4, column “latitude”, value “4.3x”: Latitude must be a number in decimal "
                "degrees, got “4.3x”.",
                "master.csv, row 5, column “pcode”, value “CF9999”: Unknown P-code “CF9999”.",
                "master.csv, row 6, column “code”, value “CF7111-S050”: Duplicate site code in the file "
                "(first on row 2).",
            ],
        )
        # A point outside the row's admin area is a warning (the site would land without it).
        (outside,) = [w for w in report.warnings if w.rule == "point_outside_area"]
        self.assertEqual((outside.row, outside.value), (3, "4.9, 18.2"))
        self.assertFalse(Site.objects.filter(code="CF7111-S050").exists())
        self.assertEqual(Site.objects.count(), 2)

    def test_likely_duplicates_are_reported_as_warnings(self) -> None:
        text = (
            "name;type;pcode;latitude;longitude\n"
            "Site Aéroport M'Poko;spontaneous site;CF7111;4.3990;18.5195\n"  # ~80 m from M'Poko
            "Eglise Sainte Famille;collective centre;CF7131;4.4150;18.5600\n"
            "Église Ste-Famille;collective centre;CF7131;4.4160;18.5605\n"  # similar name, ~120 m
            "Eglise Sainte Famille;collective centre;CF7131;4.4400;18.5600\n"  # same name, 2.8 km away
        )
        report = self.run_import(self.write(text))
        self.assertTrue(report.ok, report.as_text())
        self.assertEqual(len(report.created), 4)
        messages = [str(w) for w in report.warnings]
        self.assertEqual(len(messages), 2, messages)
        self.assertIn("row 2", messages[0])
        self.assertIn(
            "Likely duplicate of CF7111-S001 “Aéroport M'Poko” (already in the registry): similar name, 80 m apart",
            messages[0],
        )
        self.assertIn("row 3", messages[1])
        self.assertIn("(row 4 of the file): similar name", messages[1])

    def test_a_row_without_code_updates_the_site_of_the_same_name_and_says_so(self) -> None:
        text = "name;type;pcode;capacity\nMonastere Boy Rabe;collective centre;CF7131;8000\n"
        report = self.run_import(self.write(text))
        self.assertTrue(report.ok, report.as_text())
        self.assertEqual(report.updated, ["CF7131-S001"])
        self.assertIn("taken to be CF7131-S001", str(report.warnings[0]))
        self.boy_rabe.refresh_from_db()
        self.assertEqual(self.boy_rabe.capacity, 8000)

    def test_a_dry_run_writes_nothing(self) -> None:
        report = self.run_import(self.write(GOOD), dry_run=True)
        self.assertTrue(report.ok)
        self.assertEqual(len(report.created), 2)
        self.assertEqual(Site.objects.count(), 2)
        self.assertIn("nothing was written", report.summary())

    def test_an_unreadable_file_is_reported(self) -> None:
        path = self.tmp / "broken.xlsx"
        path.write_bytes(b"not a zip")
        report = self.run_import(str(path))
        self.assertIn("broken.xlsx: The file is not a readable XLSX workbook", str(report.errors[0]))
