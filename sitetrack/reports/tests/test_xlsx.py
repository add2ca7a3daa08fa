"""The workbook writer: numbers stay numbers, styles carry the black-and-white cues, and
text that XML cannot hold does not break the file."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from sitetrack.core.testing import BaseCase
from sitetrack.reports.renderers.xlsx import render_xlsx
from sitetrack.reports.renderers.xlsx_writer import BOLD, SEVERE, XlsxBook
from sitetrack.reports.selectors import weekly_report
from sitetrack.reports.tests.fixtures import build_weekly_fixture


class XlsxWriterTests(BaseCase):
    def test_it_writes_numbers_text_and_styles_that_excel_readers_open(self):
        book = XlsxBook()
        sheet = book.sheet("Sites & <gaps>", widths=[20, 10], freeze_top_row=True)
        sheet.row(["Code", "People"], BOLD)
        sheet.row(["A\x01&B <1>", 1200, None, 2.5], [None, SEVERE, None, None])
        wb = load_workbook(io.BytesIO(book.save()))
        ws = wb["Sites & <gaps>"]
        self.assertEqual(ws.freeze_panes, "A2")
        self.assertEqual(ws.column_dimensions["A"].width, 20)
        self.assertTrue(ws["A1"].font.b)
        self.assertEqual(ws["A2"].value, "A&B <1>")
        self.assertEqual(ws["B2"].value, 1200)
        self.assertIsNone(ws["C2"].value)
        self.assertEqual(ws["D2"].value, 2.5)
        self.assertTrue(ws["B2"].font.b)
        self.assertEqual(ws["B2"].fill.patternType, "lightUp")


class WeeklyWorkbookStyleTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)

    def test_severe_needs_are_bold_and_hatched_and_critical_sites_bold(self):
        wb = load_workbook(io.BytesIO(render_xlsx(weekly_report(self.round2, language="en"))))
        ws = wb["Weekly report"]
        header = next(row for row in ws.iter_rows() if row[0].value == "Site code")
        wash = next(c.column for c in header if c.value == "Severity: Water, sanitation and hygiene")
        mpoko = next(row for row in ws.iter_rows() if row[0].value == "CF7111-S001")
        self.assertEqual(mpoko[wash - 1].value, 5)
        self.assertEqual(mpoko[wash - 1].fill.patternType, "lightUp")
        self.assertTrue(mpoko[0].font.b)  # critical gap
        don_bosco = next(row for row in ws.iter_rows() if row[0].value == "CF7111-S002")
        self.assertFalse(don_bosco[0].font.b)
        self.assertIsNone(don_bosco[wash - 1].fill.patternType)
