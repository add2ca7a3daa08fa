"""The master-list fixtures of fixtures/real_shapes/ import with the one command docs/sites.md
gives, without editing; what landed and what the report says are checked here."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from sitetrack.assessments.models import Round, RoundKind, SiteAssessment
from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site, SiteType
from sitetrack.sites.services import sites_import

FIXTURES = Path(__file__).parent / "fixtures" / "real_shapes"
WORKBOOK = FIXTURES / "site_master_list.xlsx"
FRENCH_CSV = FIXTURES / "site_master_list_fr.csv"


class MasterListWorkbookTest(BaseCase):
    def run_command(self, *extra: str) -> str:
        out = StringIO()
        call_command(
            "import-sites",
            str(WORKBOOK),
            "--operation",
            "car-bangui-2014",
            "--default",
            "site_type=spontaneous_site",
            *extra,
            stdout=out,
        )
        return out.getvalue()

    def test_it_reads_the_data_sheet_below_its_titles_and_says_so(self):
        report = sites_import(
            operation=self.operation,
            user=None,
            path=str(WORKBOOK),
            defaults={"site_type": "spontaneous_site"},
        )
        self.assertTrue(report.ok, report.as_text())
        self.assertEqual(report.sheet, "Master list")
        self.assertIn("“Master list” of 4", report.sheet_reason)
        self.assertEqual(report.header_row, 4)
        self.assertEqual(report.rows, 8)
        self.assertEqual(len(report.created), 8)
        self.assertEqual(report.ignored, ["Focal point", "Last update"])
        self.assertEqual(report.mapping["households"], "HH")
        self.assertEqual(report.mapping["individuals"], "Ind")

    def test_every_site_lands_with_its_type_area_and_population(self):
        self.run_command()
        sites = {s.code: s for s in Site.objects.filter(code__contains="-S1")}
        self.assertEqual(len(sites), 8)
        types = {code: s.site_type for code, s in sites.items()}
        self.assertEqual(types["CF7111-S101"], SiteType.SPONTANEOUS_SITE)  # informal settlement
        self.assertEqual(types["CF7131-S101"], SiteType.SPONTANEOUS_SITE)  # no type: the default
        self.assertEqual(types["CF7131-S102"], SiteType.SPONTANEOUS_SITE)  # "IDP site": the default
        self.assertEqual(types["CF111-S101"], SiteType.HOST_COMMUNITY)  # dispersed settings
        self.assertEqual(types["CF7111-S103"], SiteType.COLLECTIVE_CENTRE)  # Centre collectif
        self.assertEqual(types["CF7131-S103"], SiteType.HOST_COMMUNITY)
        # The P-code column gives the district; the SSID carries the admin-3 P-code.
        self.assertEqual(sites["CF7111-S101"].admin_area, self.arr1_3)
        self.assertEqual(sites["CF7131-S102"].admin_area, self.arr3_3)
        self.assertEqual(sites["CF111-S101"].admin_area, self.bimbo)
        # NULL / N/A are empty, not values.
        self.assertIsNone(sites["CF7131-S101"].management_agency)
        self.assertEqual(sites["CF7111-S101"].management_agency, self.ngo)
        self.assertEqual(sites["CF7111-S102"].notes, "Extension opened in February")
        self.assertEqual(sites["CF7111-S101"].notes, "")  # "-"
        baseline = Round.objects.get(operation=self.operation, kind=RoundKind.BASELINE)
        figures = dict(
            SiteAssessment.objects.validated().filter(round=baseline).values_list("site__code", "households")
        )
        self.assertEqual(figures["CF7111-S101"], 1475)  # " 1,475 "
        self.assertEqual(figures["CF7131-S102"], 2040)
        individuals = dict(
            SiteAssessment.objects.filter(round=baseline).values_list("site__code", "individuals")
        )
        self.assertEqual(individuals["CF7111-S101"], 7380)
        self.assertEqual(individuals["CF7111-S102"], 1560)  # "1 560"
        self.assertEqual(individuals["CF7131-S103"], 2900)  # households #N/A, individuals kept
        self.assertNotIn("CF7131-S101", individuals)  # NULL and N/A: no figure at all
        self.assertEqual(len(individuals), 7)

    def test_the_paris_and_swapped_points_are_refused_and_said_and_the_siblings_are_not_duplicates(self):
        output = self.run_command()
        self.assertIn(
            "Site Paris", "".join(Site.objects.filter(latitude__isnull=True).values_list("name", flat=True))
        )
        paris = Site.objects.get(code="CF111-S102")
        swapped = Site.objects.get(code="CF7111-S103")
        self.assertIsNone(paris.latitude)
        self.assertIsNone(swapped.latitude)
        self.assertIn(
            "row 10, column “Latitude”, value “48.8566, 2.3522”: The point 48.8566, 2.3522 lies outside",
            output,
        )
        self.assertIn(
            "row 11, column “Latitude”, value “18.558, 4.366”: Latitude and longitude look swapped", output
        )
        self.assertNotIn("Likely duplicate", output)
        self.assertIn("Columns ignored (2): “Focal point”, “Last update”", output)
        self.assertIn("Coordinates checked against the outline of Central African Republic (CAF", output)
        self.assertIn("Row 5: admin area CF7111 (1er Arrondissement) taken from the site code", output)
        self.assertIn("Row 13 (“Total”, no site code) is a total row: skipped.", output)

    def test_a_second_import_changes_nothing(self):
        self.run_command()
        counts = (Site.history.count(), SiteAssessment.history.count())
        output = self.run_command()
        self.assertIn("0 new, 0 updated, 8 unchanged", output)
        self.assertIn("(7 unchanged)", output)
        self.assertEqual((Site.history.count(), SiteAssessment.history.count()), counts)

    def test_the_population_columns_can_be_named(self):
        output = self.run_command("--map", "households=HH", "--map", "individuals=Ind", "--dry-run")
        self.assertIn("households ← HH", output)
        self.assertIn("population of 7 sites", output)
        self.assertEqual(Site.objects.count(), 2)  # a dry run writes nothing


class FrenchCsvTest(BaseCase):
    def test_it_imports_a_french_excel_csv_with_an_hxl_row(self):
        out = StringIO()
        call_command("import-sites", str(FRENCH_CSV), "--operation", "car-bangui-2014", stdout=out)
        output = out.getvalue()
        self.assertIn("5 rows — 5 new", output)
        jean = Site.objects.get(code="CF7111-S201")
        self.assertEqual(
            (jean.site_type, jean.latitude, jean.longitude), (SiteType.SPONTANEOUS_SITE, 4.3801, 18.553)
        )
        self.assertEqual(Site.objects.get(code="CF7131-S201").site_type, SiteType.HOST_COMMUNITY)
        self.assertEqual(Site.objects.get(code="CF7131-S202").notes, "Ecole fermée")
        figures = dict(SiteAssessment.objects.values_list("site__code", "households"))
        self.assertEqual(figures["CF7111-S201"], 1204)
        self.assertIsNone(figures["CF7131-S201"])  # N/A households, 1 050 individuals
        self.assertEqual(len(figures), 4)
        self.assertNotIn("Likely duplicate", output)  # Camp Kassaï 1 and 2, 80 m apart
