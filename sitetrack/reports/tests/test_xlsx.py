"""The weekly workbook: styles carry the black-and-white cues (the writer itself is
tested in core/tests/test_xlsx.py)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from sitetrack.core.testing import BaseCase
from sitetrack.reports.renderers.xlsx import render_xlsx
from sitetrack.reports.selectors import weekly_report
from sitetrack.reports.tests.fixtures import build_weekly_fixture


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
