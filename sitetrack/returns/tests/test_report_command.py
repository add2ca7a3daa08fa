"""`sitetrack report returns --month YYYY-MM [--operation SLUG] --format pdf,xlsx,hxl --out DIR [--lang fr]`"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from sitetrack.core.testing import BaseCase
from sitetrack.returns.choices import Intention
from sitetrack.returns.tests.helpers import add, make_survey


class ReportCommandTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.survey = make_survey(cls.operation)
        add(cls.survey, cls.mpoko, Intention.RETURN, count=12)
        add(cls.survey, cls.boy_rabe, Intention.UNDECIDED, count=8)

    def test_it_writes_the_three_files_in_french(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = io.StringIO()
            call_command(
                "report",
                "returns",
                "--month",
                "2014-03",
                "--format",
                "pdf,xlsx,hxl",
                "--out",
                tmp,
                "--lang",
                "fr",
                stdout=out,
            )
            names = sorted(p.name for p in Path(tmp).iterdir())
            hxl = (Path(tmp) / "return-intentions-car-bangui-2014-2014-03-fr.csv").read_text(encoding="utf-8")
        self.assertEqual(
            names,
            [
                "return-intentions-car-bangui-2014-2014-03-fr.csv",
                "return-intentions-car-bangui-2014-2014-03-fr.pdf",
                "return-intentions-car-bangui-2014-2014-03-fr.xlsx",
            ],
        )
        self.assertIn("Ménages", hxl.splitlines()[0])
        self.assertIn("pdf:", out.getvalue())

    def test_an_unknown_month_lists_the_surveys(self):
        with self.assertRaises(CommandError) as caught:
            call_command("report", "returns", "--month", "2014-01", stdout=io.StringIO())
        self.assertIn("Surveys: 2014-03", str(caught.exception))

    def test_a_malformed_month_says_how_to_write_it(self):
        with self.assertRaises(CommandError) as caught:
            call_command("report", "returns", "--month", "March", stdout=io.StringIO())
        self.assertIn("YYYY-MM", str(caught.exception))

    def test_the_weekly_report_still_needs_its_round(self):
        with self.assertRaises(CommandError):
            call_command("report", "weekly", "--round", "99", stdout=io.StringIO())
