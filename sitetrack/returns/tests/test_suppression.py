"""Small cells are suppressed in every published output (web page, PDF, XLSX, HXL CSV,
API, the monthly DTM headline), and no published total gives one back by subtraction."""

from __future__ import annotations

import csv
import io
import re

import hxl
from openpyxl import load_workbook

from sitetrack.core.testing import BaseCase
from sitetrack.returns.choices import Intention
from sitetrack.returns.disclosure import Suppression
from sitetrack.returns.renderers import render_file
from sitetrack.returns.report import return_headline, returns_report
from sitetrack.returns.tests.helpers import add, make_survey


class SuppressionEngineTests(BaseCase):
    def test_one_small_cell_in_a_line_takes_the_smallest_other_cell_with_it(self):
        s = Suppression(5)
        for key, value in {"a": 3, "b": 9, "c": 20, "t": 32}.items():
            s.cell(key, value)
        s.line("t", ["a", "b", "c"])
        s.run()
        self.assertEqual(s.hidden, {"a", "b"})

    def test_zero_cells_stay_published_and_a_lone_small_cell_hides_the_total(self):
        s = Suppression(5)
        for key, value in {"a": 3, "b": 0, "t": 3}.items():
            s.cell(key, value)
        s.line("t", ["a", "b"])
        s.run()
        self.assertEqual(s.hidden, {"a", "t"})


class PublishedOutputsTests(BaseCase):
    """M'Poko: 20 return, 3 leave the country (small); Boy-Rabe: 12 return, 9 undecided."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.survey = make_survey(cls.operation, sampling_method="simple_random")
        add(cls.survey, cls.mpoko, Intention.RETURN, count=20, destination=cls.arr3)
        add(cls.survey, cls.mpoko, Intention.LEAVE, count=3)
        add(cls.survey, cls.boy_rabe, Intention.RETURN, count=12, destination=cls.arr1)
        add(cls.survey, cls.boy_rabe, Intention.UNDECIDED, count=9)

    def report(self, language="en"):
        return returns_report(self.survey, language=language)

    def test_the_small_cell_and_what_would_reveal_it_are_suppressed(self):
        report = self.report()
        table = report.table("site")
        columns = [c for c, _l in table.columns]
        mpoko = next(r for r in table.rows if r.code == self.mpoko.code)
        leave = mpoko.cells[columns.index(Intention.LEAVE)]
        self.assertTrue(leave.suppressed)
        self.assertEqual(leave.text, "<5")
        self.assertIsNone(leave.n)
        self.assertIsNone(leave.share)
        # The row total minus its visible cells would give 3 back: another is hidden.
        visible = [f.n for f in mpoko.cells if not f.suppressed]
        hidden = [f for f in mpoko.cells if f.suppressed]
        self.assertGreaterEqual(len(hidden), 2)
        if not mpoko.total.suppressed:
            self.assertNotEqual(mpoko.total.n - sum(visible), 3 if len(hidden) == 1 else None)

    def test_no_total_minus_visible_cells_gives_a_suppressed_cell_back(self):
        """The differencing attack, on every line of every table and across outputs: the
        overall column of the headline against the by-site, by-type, by-origin and
        by-destination tables."""
        report = self.report()
        headline_total = report.table("site").total
        for table in report.tables:
            self.assertEqual(
                [f.text for f in table.total.cells], [f.text for f in headline_total.cells], table.slug
            )
            for row in [*table.rows, table.total]:
                hidden = [f for f in [row.total, *row.cells] if f.suppressed]
                self.assertNotEqual(len(hidden), 1, f"{table.slug} row {row.label}")
            for i in range(len(table.columns)):
                column = [row.cells[i] for row in table.rows] + [table.total.cells[i]]
                hidden = [f for f in column if f.suppressed]
                self.assertNotEqual(len(hidden), 1, f"{table.slug} column {i}")

    def _texts(self, content: str) -> None:
        self.assertIn("<5", content)
        self.assertNotRegex(content, r"(?<![\d.,<])3(?![\d.,%])", "the small count 3 is published")

    def test_the_pdf_shows_the_mark_and_never_the_small_count(self):
        import subprocess
        import tempfile

        _name, pdf = render_file(self.report(), "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
            fh.write(pdf)
            fh.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", fh.name, "-"], capture_output=True, text=True
            ).stdout
        self.assertIn("<5", text)
        self.assertIn("Leave the", text)
        self.assertIsNone(re.search(r"(?<![\d.])3 \(", text), "a count of 3 is printed with its share")

    def test_the_xlsx_holds_the_mark_as_text_and_no_small_number(self):
        _name, content = render_file(self.report(), "xlsx")
        book = load_workbook(io.BytesIO(content))
        numbers = [
            c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, int | float)
        ]
        self.assertNotIn(3, numbers)
        marks = [c.value for ws in book for row in ws.iter_rows() for c in row if c.value == "<5"]
        self.assertTrue(marks)

    def test_the_hxl_csv_is_valid_hxl_and_suppressed(self):
        _name, content = render_file(self.report(), "hxl")
        dataset = hxl.data(io.BytesIO(content))
        tags = [str(t) for t in dataset.columns]
        self.assertIn("#affected+hh+num", tags)
        values = list(dataset.get_value_set("#affected+hh+num"))
        self.assertIn("<5", values)
        self.assertNotIn("3", values)
        rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))[2:]
        leave = [r for r in rows if r[1] == "site" and r[2] == self.mpoko.code and r[4] == Intention.LEAVE]
        self.assertEqual(leave[0][6:8], ["<5", ""])

    def test_the_web_page_and_the_api_are_suppressed_for_viewers_and_partners(self):
        for user in (self.victor, self.paul):
            self.login(user)
            page = self.client.get(f"/returns/{self.survey.key}/")
            self.assertEqual(page.status_code, 200)
            self.assertContains(page, "&lt;5")
            data = (
                self.api_as(user)
                .get(f"/api/returns/{self.survey.key}/?operation={self.operation.slug}")
                .json()
            )
            site = next(t for t in data["tables"] if t["table"] == "site")
            row = next(r for r in site["rows"] if r["code"] == self.mpoko.code)
            leave = row["cells"][site["columns"].index(Intention.LEAVE)]
            self.assertEqual(leave, {"n": None, "mark": "<5"})
            self.assertNotIn('"n": 3,', str(data).replace("'", '"'))

    def test_the_headline_for_the_monthly_report_is_suppressed_too(self):
        from django.utils import translation

        with translation.override("en"):
            headline = return_headline(operation=self.operation, month=self.survey.month)
        self.assertTrue(headline.title)
        values = dict(headline.rows)
        self.assertEqual(values["Households interviewed"], "44")
        self.assertEqual(values["Leave the country"], "<5")

    def test_a_survey_may_raise_its_threshold(self):
        self.survey.small_cell_threshold = 10
        self.survey.save()
        report = self.report()
        total = report.table("site").total
        columns = [c for c, _l in report.table("site").columns]
        self.assertTrue(total.cells[columns.index(Intention.UNDECIDED)].suppressed)  # 9 < 10
        self.assertEqual(total.cells[columns.index(Intention.UNDECIDED)].text, "<10")

    def test_the_report_speaks_french(self):
        report = self.report("fr")
        self.assertEqual(report.title, "Rapport mensuel sur les intentions de retour")
        _name, content = render_file(report, "hxl")
        self.assertIn("Retour au lieu d'origine", content.decode("utf-8"))
