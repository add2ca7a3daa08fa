"""The shared XLSX writer: numbers stay numbers, text stays text (never a formula),
styles carry the black-and-white cues, and what XML cannot hold does not break a file."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.test import SimpleTestCase
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from sitetrack.core.xlsx import BOLD, SEVERE, XlsxBook, column_letter, sheet_name, write_xlsx


class XlsxBookTests(SimpleTestCase):
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

    def test_text_that_looks_like_a_formula_is_stored_as_text(self):
        book = XlsxBook()
        sheet = book.sheet("Sites")
        names = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-1+1"]
        sheet.row(names)
        ws = load_workbook(io.BytesIO(book.save()))["Sites"]
        for cell, name in zip(ws[1], names, strict=True):
            self.assertEqual(cell.data_type, "s")
            self.assertEqual(cell.value, name)

    def test_sheet_names_are_made_safe_and_unique(self):
        used: set[str] = set()
        self.assertEqual(sheet_name("Water/sanitation: [WASH]?", used), "Water-sanitation- -WASH--")
        self.assertEqual(sheet_name("Water/sanitation: [WASH]?", used), "Water-sanitation- -WASH-- (2)")
        self.assertEqual(len(sheet_name("x" * 40, used)), 31)

    def test_values_excel_cannot_store_as_numbers_become_text(self):
        book = XlsxBook()
        book.sheet("S").row([float("nan"), float("inf"), True, 3])
        ws = load_workbook(io.BytesIO(book.save()))["S"]
        self.assertEqual([c.value for c in ws[1]], ["nan", "inf", True, 3])


class WriteXlsxTests(SimpleTestCase):
    def test_it_streams_sheets_in_order_and_calamine_reads_them_back(self):
        repeat: list[list] = []

        def main_rows():
            yield ["id", "name", "people"]
            for i in range(1, 1201):
                repeat.append([i, "arrival"])
                yield [i, f"Site {i}", i * 10]

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "export.xlsx"
            # The second sheet's rows exist only once the first sheet is written.
            write_xlsx(path, [("main", main_rows()), ("flows", repeat)])
            book = CalamineWorkbook.from_path(str(path))
            self.assertEqual(book.sheet_names, ["main", "flows"])
            main = book.get_sheet_by_name("main").to_python()
            self.assertEqual(len(main), 1201)
            self.assertEqual(main[1200], [1200.0, "Site 1200", 12000.0])
            self.assertEqual(len(book.get_sheet_by_name("flows").to_python()), 1200)

    def test_column_letters_count_from_zero(self):
        self.assertEqual([column_letter(i) for i in (0, 25, 26, 701, 702)], ["A", "Z", "AA", "ZZ", "AAA"])


class DeclaredSizeTests(SimpleTestCase):
    """A sheet whose size is known declares it (readers show progress against it)."""

    def test_rows_given_as_a_list_declare_the_sheets_size_and_width(self):
        out = Path(tempfile.mkdtemp()) / "sized.xlsx"
        write_xlsx(out, [("Main", [["a", "b"], [1], [1, 2, 3]])])
        ws = load_workbook(out, read_only=True)["Main"]
        self.assertEqual((ws.max_row, ws.max_column), (3, 3))
        # openpyxl's read-only mode cuts rows to the declared width: nothing is lost.
        self.assertEqual(list(ws.iter_rows(values_only=True))[2], (1, 2, 3))

    def test_a_stream_with_a_length_declares_it_and_a_wrong_length_is_refused(self):
        class Rows:
            def __init__(self, n):
                self.n = n

            def __len__(self):
                return self.n

            def __iter__(self):
                return iter([["h1", "h2"], [1, 2]])

        out = Path(tempfile.mkdtemp()) / "stream.xlsx"
        write_xlsx(out, [("Main", Rows(2))])
        self.assertEqual(load_workbook(out, read_only=True)["Main"].max_row, 2)
        with self.assertRaises(ValueError):
            write_xlsx(out, [("Main", Rows(5))])

    def test_a_stream_without_a_length_declares_nothing(self):
        out = Path(tempfile.mkdtemp()) / "plain.xlsx"
        write_xlsx(out, [("Main", (row for row in [["h"], [1]]))])
        ws = load_workbook(out, read_only=True)["Main"]
        self.assertEqual([r for r in ws.iter_rows(values_only=True)], [("h",), (1,)])
