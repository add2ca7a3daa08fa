import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from pypdf import PdfReader

from sitetrack.core.testing import BaseCase
from sitetrack.reports.tests.fixtures import build_weekly_fixture


class ReportCommandTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)

    def test_it_writes_every_format_asked_for(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = StringIO()
            call_command(
                "report",
                "weekly",
                "--round",
                "2",
                "--format",
                "pdf,xlsx,hxl,html",
                "--out",
                tmp,
                "--lang",
                "fr",
                stdout=out,
            )
            names = sorted(p.name for p in Path(tmp).iterdir())
            self.assertEqual(
                names,
                [
                    "weekly-report-car-bangui-2014-round-2-fr.html",
                    "weekly-report-car-bangui-2014-round-2-fr.hxl.csv",
                    "weekly-report-car-bangui-2014-round-2-fr.pdf",
                    "weekly-report-car-bangui-2014-round-2-fr.xlsx",
                ],
            )
            text = (
                PdfReader(Path(tmp) / "weekly-report-car-bangui-2014-round-2-fr.pdf").pages[0].extract_text()
            )
            self.assertIn("Sites évalués", text)
            self.assertIn("pdf:", out.getvalue())

    def test_an_unknown_round_is_a_clear_error(self):
        with self.assertRaisesMessage(
            CommandError, "No weekly round 9 in operation car-bangui-2014. Weekly rounds: 1, 2."
        ):
            call_command("report", "weekly", "--round", "9", "--out", tempfile.gettempdir())

    def test_a_bad_format_is_a_clear_error(self):
        with self.assertRaisesMessage(
            CommandError, "Unknown format docx: use one or more of pdf, xlsx, hxl, html."
        ):
            call_command("report", "weekly", "--round", "2", "--format", "pdf,docx")

    def test_an_unknown_operation_is_a_clear_error(self):
        with self.assertRaisesMessage(CommandError, "No operation 'nowhere'"):
            call_command("report", "weekly", "--round", "2", "--operation", "nowhere")
