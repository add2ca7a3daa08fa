"""The 3W template round-trips: generated, filled (here), imported, identical to the data
entered; a second import changes nothing; a bad file writes nothing and says where."""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from sitetrack.core.testing import BaseCase
from sitetrack.response.models import Activity, ActivityReport
from sitetrack.response.tests.helpers import other_organisation
from sitetrack.response.threew.columns import TEMPLATE_COLUMNS
from sitetrack.response.threew.importer import import_activities
from sitetrack.response.threew.template import FIRST_DATA_ROW, activities_template

COLUMN = {c.name: i for i, c in enumerate(TEMPLATE_COLUMNS, start=1)}


class TemplateRoundTripTests(BaseCase):
    def setUp(self) -> None:
        self.nrc = other_organisation()
        self.month = timezone.localdate().replace(day=1)
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def fill(self, rows: list[dict], language: str = "en") -> Path:
        book = load_workbook(BytesIO(activities_template(operation=self.operation, language=language)))
        sheet = book.worksheets[0]
        for offset, row in enumerate(rows):
            for name, value in row.items():
                sheet.cell(row=FIRST_DATA_ROW + offset, column=COLUMN[name], value=value)
        path = Path(self.folder.name) / "3w.xlsx"
        book.save(path)
        return path

    def entered(self) -> list[dict]:
        return [
            {
                "organisation": "DRC",
                "funding_organisation": "NRC",
                "sector": "wash",
                "activity_type": "wash-latrines",
                "site": "CF7111-S001",
                "start_date": date(2014, 2, 1),
                "status": "Ongoing",
                "targeted_f_0_17": 100,
                "targeted_m_0_17": 90,
                "targeted_f_18_59": 80,
                "targeted_m_18_59": 70,
                "targeted_f_60_plus": 20,
                "targeted_m_60_plus": 10,
                "targeted_pwd": 15,
                "reached_f_0_17": 40,
                "reached_m_0_17": 35,
                "reached_f_18_59": 30,
                "reached_m_18_59": 25,
                "reached_f_60_plus": 5,
                "reached_m_60_plus": 5,
                "reached_pwd": 6,
                "quantity": 12,
                "notes": "Block C",
            },
            {
                "organisation": "NRC",
                "activity_type": "health-mobile-clinic",
                "admin_area": "CF711",
                "start_date": "2014-01-15",
                "end_date": f"{timezone.localdate().year + 1}-06-30",
                "status": "completed",
                "unit": "consultations",
                "targeted": 500,
                "month": self.month.strftime("%Y-%m"),
                "reached": 120,
            },
            {
                "organisation": "DRC",
                "activity_type": "prot-monitoring",
                "site": "CF7131-S001",
                "start_date": "2014-03-01",
                "status": "Planned",
            },
        ]

    def test_a_filled_template_imports_identical_to_what_was_entered(self):
        path = self.fill(self.entered())
        report = import_activities(path, operation=self.operation, period=self.month.strftime("%Y-%m"))
        self.assertEqual(report.problems, [])
        self.assertEqual((report.kind, report.rows, report.created, report.months), ("template", 3, 3, 2))
        latrines, clinic, monitoring = Activity.objects.order_by("pk")
        self.assertEqual(
            (
                latrines.organisation,
                latrines.funding_organisation,
                latrines.sector,
                latrines.site,
                latrines.admin_area,
            ),
            (self.ngo, self.nrc, "wash", self.mpoko, self.arr1_3),
        )
        self.assertEqual(
            (latrines.start_date, latrines.end_date, latrines.status, latrines.unit),
            (date(2014, 2, 1), None, "ongoing", "latrines"),
        )
        self.assertEqual(
            [
                latrines.targeted_f_0_17,
                latrines.targeted_m_0_17,
                latrines.targeted_f_18_59,
                latrines.targeted_m_18_59,
                latrines.targeted_f_60_plus,
                latrines.targeted_m_60_plus,
                latrines.targeted_pwd,
                latrines.targeted,
            ],
            [100, 90, 80, 70, 20, 10, 15, 370],
        )
        self.assertEqual(latrines.notes, "Block C")
        report_row = ActivityReport.objects.get(activity=latrines)
        self.assertEqual(report_row.period.month, self.month)
        self.assertEqual(
            [
                report_row.reached_f_0_17,
                report_row.reached_m_0_17,
                report_row.reached_f_18_59,
                report_row.reached_m_18_59,
                report_row.reached_f_60_plus,
                report_row.reached_m_60_plus,
                report_row.reached_pwd,
                report_row.reached,
            ],
            [40, 35, 30, 25, 5, 5, 6, 140],
        )
        self.assertEqual(report_row.quantity, Decimal("12.00"))
        self.assertEqual(
            (clinic.site, clinic.admin_area, clinic.status, clinic.targeted, clinic.end_date),
            (None, self.arr1, "completed", 500, date(timezone.localdate().year + 1, 6, 30)),
        )
        self.assertEqual(ActivityReport.objects.get(activity=clinic).reached, 120)
        self.assertEqual(
            (monitoring.status, monitoring.sector, monitoring.targeted), ("planned", "protection", None)
        )
        self.assertFalse(monitoring.reports.exists())
        self.assertEqual({a.source for a in (latrines, clinic, monitoring)}, {"template"})

        again = import_activities(path, operation=self.operation, period=self.month.strftime("%Y-%m"))
        self.assertEqual((again.created, again.updated, again.unchanged), (0, 0, 3))
        self.assertEqual(Activity.objects.count(), 3)
        self.assertEqual(latrines.history.count(), 1)

    def test_the_french_template_round_trips_too(self):
        rows = self.entered()[2:]
        rows[0]["status"] = "Planifiée"
        report = import_activities(self.fill(rows, language="fr"), operation=self.operation)
        self.assertEqual(report.problems, [])
        self.assertEqual(Activity.objects.get().status, "planned")

    def test_a_bad_file_writes_nothing_and_names_row_column_value_and_rule(self):
        rows = self.entered()
        rows[0]["site"] = "CF9999-S404"
        rows[1]["organisation"] = "Nobody"
        rows[2]["targeted"] = "12.5"
        path = self.fill(rows)
        report = import_activities(path, operation=self.operation, period=self.month.strftime("%Y-%m"))
        self.assertFalse(report.written)
        self.assertFalse(Activity.objects.exists())
        found = {(p.row, p.column, str(p.value), p.rule) for p in report.problems}
        self.assertIn((4, "Site code", "CF9999-S404", "unplaced"), found)
        self.assertIn((5, "Implementing organisation (acronym)", "Nobody", "unknown_organisation"), found)
        self.assertTrue(any(p.row == 6 and p.column == "People targeted" for p in report.problems))
        self.assertTrue(all(p.file == "3w.xlsx" and p.sheet == "Activities" for p in report.problems))

    def test_a_locked_month_refuses_the_whole_file(self):
        path = self.fill(self.entered()[:1])
        report = import_activities(path, operation=self.operation, period="2014-02")
        self.assertFalse(Activity.objects.exists())
        self.assertEqual([(p.column, p.rule) for p in report.problems], [("--period", "rule")])
        self.assertIn("locked", report.problems[0].message)

    def test_the_command_reports_and_refuses(self):
        path = self.fill(self.entered())
        out = StringIO()
        call_command(
            "import-activities",
            str(path),
            "--operation",
            self.operation.slug,
            "--period",
            self.month.strftime("%Y-%m"),
            "--dry-run",
            stdout=out,
        )
        self.assertIn("Activities would be created: 3", out.getvalue())
        self.assertFalse(Activity.objects.exists())
        bad = self.entered()
        bad[0]["status"] = "finished"
        with self.assertRaises(CommandError):
            call_command(
                "import-activities",
                str(self.fill(bad)),
                "--operation",
                self.operation.slug,
                "--period",
                self.month.strftime("%Y-%m"),
                stdout=StringIO(),
            )
