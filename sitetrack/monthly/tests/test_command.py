"""`sitetrack report monthly --month YYYY-MM --out DIR [--lang fr]`."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from pypdf import PdfReader

from sitetrack.core.testing import BaseCase
from sitetrack.monthly.tests.fixtures import build_monthly_fixture


class MonthlyCommandTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_monthly_fixture(cls)

    def test_it_writes_the_pdf_of_the_month(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = StringIO()
            call_command("report", "monthly", "--month", "2014-02", "--out", tmp, "--lang", "fr", stdout=out)
            path = Path(tmp) / "monthly-report-car-bangui-2014-2014-02-fr.pdf"
            self.assertTrue(path.exists())
            self.assertIn("round 3, 3 of 4 open sites assessed", out.getvalue())
            text = PdfReader(path).pages[0].extract_text()
            self.assertIn("Rapport DTM mensuel", text)

    def test_a_month_without_data_says_which_months_have_some(self):
        with self.assertRaisesMessage(CommandError, "Months with data: 2014-02, 2014-01"):
            call_command("report", "monthly", "--month", "2013-12", "--out", tempfile.gettempdir())

    def test_a_badly_written_month_is_explained(self):
        with self.assertRaisesMessage(CommandError, "write it as YYYY-MM"):
            call_command("report", "monthly", "--month", "Feb 2014", "--out", tempfile.gettempdir())
