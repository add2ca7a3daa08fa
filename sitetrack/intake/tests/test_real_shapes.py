"""A DTM-style export as real ones come (fixtures/real_shapes/dtm_site_assessment.csv:
m-coded columns, no SSID, no `_uuid`, cells with line breaks, priority answers outside
the catalogue's sectors) imports with one command and no editing:

    sitetrack import dtm_site_assessment.csv --operation car-idp --round weekly:1 \
        --mapping dtm-site-assessment [--create-sites]
"""

from __future__ import annotations

import datetime
import io
import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command

from sitetrack.assessments.models import SiteAssessment
from sitetrack.core.testing import make_area
from sitetrack.intake.models import ChangeType, CleaningLogEntry, ImportRun, ImportStatus, RawSubmission
from sitetrack.intake.services import field_mapping_install_shipped
from sitetrack.intake.tests.helpers import FIXTURES, IntakeCase
from sitetrack.sites.models import Site, SiteType

DTM = FIXTURES / "real_shapes" / "dtm_site_assessment.csv"


class DtmExportTests(IntakeCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.locations = {n: make_area(f"CF7111{n:02d}", f"Quartier {n}", 4, cls.arr1_3) for n in range(1, 11)}
        for n in range(1, 9):  # known by their admin-4 area
            Site.objects.create(
                operation=cls.operation,
                code=f"BG-{n:03d}",
                name=f"Site {n}",
                site_type=SiteType.PLANNED_CAMP,
                admin_area=cls.locations[n],
            )
        for n in range(11, 15):  # known by their DTM location code, an alias
            Site.objects.create(
                operation=cls.operation,
                code=f"BG-{n:03d}",
                name=f"Site {n}",
                site_type=SiteType.COLLECTIVE_CENTRE,
                admin_area=cls.arr1_3,
                aliases=[f"LOC-BG-{n:04d}"],
            )

    def setUp(self) -> None:
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.path = shutil.copy(DTM, self.tmp / DTM.name)

    def sitetrack_import(self, *extra: str) -> str:
        out = io.StringIO()
        call_command(
            "import",
            str(self.path),
            "--operation",
            self.operation.slug,
            "--round",
            "weekly:1",
            "--mapping",
            "dtm-site-assessment",
            "--quiet",
            *extra,
            stdout=out,
        )
        return out.getvalue()

    def assessment(self, code: str) -> SiteAssessment:
        return SiteAssessment.objects.get(round=self.round, site__code=code)

    def test_the_export_lands_by_location_with_its_figures_dates_and_priorities(self):
        out = self.sitetrack_import()  # the shipped mapping installed on first use
        run = ImportRun.objects.get()
        self.assertEqual(run.status, ImportStatus.DONE, run.error)
        # 16 records in 23 physical lines (cells with line breaks): progress ends at 100%.
        self.assertEqual((run.total, run.processed, run.percent), (16, 16, 100))
        self.assertEqual((run.new, run.rejected, run.held), (12, 4, 0))
        first = self.assessment("BG-001")  # by its admin-4 P-code CF711101
        self.assertEqual(
            (first.households, first.individuals, first.arrivals, first.departures), (47, 236, 3, 1)
        )
        self.assertEqual(first.visit_date, datetime.date(2014, 2, 2))
        # "shelter nfi food": shelter and NFI are one sector, one priority.
        self.assertEqual(
            (first.priority_1, first.priority_2, first.priority_3), ("shelter_nfi", "food_security", "")
        )
        # "clothes cash health": cash is no sector; the other figures still land.
        fourth = self.assessment("BG-004")
        self.assertEqual(
            (fourth.priority_1, fourth.priority_2, fourth.individuals),
            ("shelter_nfi", "health", (40 + 7 * 4) * 5 + 4),
        )
        self.assertEqual(self.assessment("BG-007").priority_1, "")  # "cash" alone
        self.assertEqual(
            (self.assessment("BG-005").departures, self.assessment("BG-005").arrivals), (None, 15)
        )
        self.assertIsNone(self.assessment("BG-008").arrivals)  # "-"
        self.assertEqual(self.assessment("BG-003").priority_1, "wash")  # drinking water, hygiene items
        self.assertEqual(self.assessment("BG-012").individuals, (40 + 7 * 12) * 5 + 12)  # by alias
        # Identity from the response id column; the raw record keeps every answer.
        raw = RawSubmission.objects.get(uuid="m0001_meta_response_id:1004")
        self.assertIn("cash", raw.data)
        self.assertIn("KI says new arrivals from Bimbo.", raw.data)
        # One finding per value the mapping cannot place, with its count.
        finding = CleaningLogEntry.objects.get(run=run, rule="unknown_choice_value")
        self.assertEqual((finding.old_value, finding.severity), ("cash", "warning"))
        self.assertIn("7 submissions name cash as a priority", finding.message)
        self.assertIn("7 submissions name cash as a priority", out)
        missing = CleaningLogEntry.objects.filter(run=run, change_type=ChangeType.REJECTED)
        self.assertEqual(
            sorted(missing.values_list("old_value", flat=True)),
            ["CF711109", "CF711110", "LOC-BG-0015", "LOC-BG-0016"],
        )
        self.assertEqual(set(missing.values_list("rule", flat=True)), {"unknown_site"})
        self.assertIn("4 submissions name a site the registry lacks", out)

    def test_create_sites_lists_and_creates_the_missing_sites_from_the_export(self):
        out = self.sitetrack_import("--create-sites")
        self.assertIn("4 sites the export names are not in the registry", out)
        self.assertIn("4 sites created.", out)
        created = Site.objects.get(code="LOC-BG-0010")
        self.assertEqual(
            (created.name, created.admin_area.pcode, created.site_type),
            ("Site 10 Bangui", "CF711110", SiteType.SPONTANEOUS_SITE),  # informal settlement
        )
        self.assertAlmostEqual(created.latitude, 4.361)
        self.assertEqual(Site.objects.get(code="LOC-BG-0016").admin_area.pcode, "CF711")
        run = ImportRun.objects.get()
        self.assertEqual((run.new, run.rejected), (16, 0), run.error)
        # Again: every site known, every submission unchanged.
        again = self.sitetrack_import("--create-sites")
        self.assertIn("Every site the export names is in the registry.", again)
        last = ImportRun.objects.order_by("-pk").first()
        self.assertEqual((last.new, last.unchanged, last.rejected), (0, 16, 0))

    def test_a_name_cell_with_a_line_break_gives_a_one_line_site_name(self):
        Site.objects.filter(code="BG-006").delete()
        self.sitetrack_import("--create-sites")
        created = Site.objects.get(admin_area=self.locations[6])
        self.assertEqual(created.name, "Site 6 Bangui (annexe)")

    def test_a_point_outside_its_area_leaves_the_site_created_without_it(self):
        from sitetrack.geo.spatial import bbox_polygon

        # A boundary that none of the export's points falls in (an approximate one).
        self.arr1.boundary = bbox_polygon(18.0, 4.0, 18.1, 4.1)
        self.arr1.save()
        out = self.sitetrack_import("--create-sites")
        self.assertIn("4 sites created.", out)
        self.assertIn("LOC-BG-0010: created without its point (The point", out)
        created = Site.objects.get(code="LOC-BG-0010")
        self.assertEqual((created.latitude, created.longitude), (None, None))
        run = ImportRun.objects.get()
        self.assertEqual((run.new, run.rejected), (16, 0), run.error)

    def test_the_web_import_previews_the_missing_sites_and_creates_them_on_confirmation(self):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        from sitetrack.intake.models import FieldMapping

        self.login(self.imani)
        field_mapping_install_shipped(operation=self.operation, user=self.imani)
        mapping = FieldMapping.objects.get(operation=self.operation, name="dtm-site-assessment")
        response = self.client.post(
            reverse("intake:home"),
            {
                "file": SimpleUploadedFile(DTM.name, DTM.read_bytes()),
                "round": self.round.pk,
                "form": "site-assessment",
                "mapping": mapping.pk,
                "create_sites": "on",
            },
        )
        run = ImportRun.objects.get()
        self.assertRedirects(response, reverse("intake:run-new-sites", args=[run.pk]))
        self.assertEqual(run.status, ImportStatus.QUEUED)  # nothing runs before the IMO confirms
        preview = self.client.get(reverse("intake:run-new-sites", args=[run.pk]))
        self.assertContains(preview, "4 sites the export names are not in the registry")
        self.assertContains(preview, "LOC-BG-0015")
        self.assertFalse(Site.objects.filter(code="LOC-BG-0015").exists())
        done = self.client.post(reverse("intake:run-new-sites", args=[run.pk]), {"create": "1"})
        self.assertRedirects(done, reverse("intake:run", args=[run.pk]))
        run.refresh_from_db()
        self.assertEqual((run.status, run.new, run.rejected), (ImportStatus.DONE, 16, 0), run.error)
        self.assertTrue(Site.objects.filter(code="LOC-BG-0015", operation=self.operation).exists())
