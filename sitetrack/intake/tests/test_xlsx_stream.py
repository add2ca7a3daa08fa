"""The streaming XLSX reader reads what python-calamine reads, row by row."""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

import openpyxl
import python_calamine as pc
from django.test import SimpleTestCase

from sitetrack.core.xlsx import column_letter, write_xlsx
from sitetrack.intake.readers.xlsx_stream import XlsxStream


def calamine_rows(path: Path, sheet: str) -> list[list]:
    wb = pc.CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def trimmed(rows: list[list]) -> list[list]:
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] == "":
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


class XlsxStreamTests(SimpleTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())

    def test_it_reads_an_openpyxl_workbook_like_calamine(self):
        # openpyxl writes shared strings, styles with date formats, booleans, gaps.
        path = self.tmp / "book.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "main & co"
        ws.append(["_uuid", "when", "day", "people", "ratio", "ok", "note", "", "far"])
        ws.append(["a-1", datetime.datetime(2014, 2, 3, 10, 30), datetime.date(2014, 2, 1), 120, 2.5, True])
        ws.append(["a-2", None, datetime.date(2014, 2, 2), 0, -1.25, False, '<b> & "quoted"', None, "x"])
        ws.append([])
        ws.append(["a-3", None, None, 7, None, None, "Évacuation, été", None, None])
        ws.cell(row=7, column=3, value="after a gap")
        wb.create_sheet("flows").append(["_parent_index", "n"])
        wb.save(path)
        stream = XlsxStream(path)
        self.assertEqual(stream.sheet_names, ["main & co", "flows"])
        self.assertEqual(trimmed(list(stream.rows("main & co"))), trimmed(calamine_rows(path, "main & co")))
        self.assertEqual(trimmed(list(stream.rows("flows"))), trimmed(calamine_rows(path, "flows")))

    def test_it_reads_our_inline_string_writer_like_calamine(self):
        path = self.tmp / "inline.xlsx"
        rows = [["a", "b", "c"], ["x", 1, 2.5], ["", "y & z", None], ["l\nm", 10**12, True]]
        write_xlsx(path, [("s", rows)])
        self.assertEqual(trimmed(list(XlsxStream(path).rows("s"))), trimmed(calamine_rows(path, "s")))

    def test_cells_give_each_non_empty_value_as_an_import_wants_it(self):
        path = self.tmp / "cells.xlsx"
        write_xlsx(
            path, [("s", [["a", "b", "c", "d"], [" padded ", 3.0, 2.5, "x &amp; <y>"], ["", None, "", -4]])]
        )
        stream = XlsxStream(path)
        rows = [stream.cells(inner) for _n, inner in stream.raw_rows("s")]
        self.assertEqual(rows[1], [(0, "padded"), (1, 3), (2, 2.5), (3, "x &amp; <y>")])
        self.assertEqual(rows[2], [(3, -4)])
        # The general decoder (styles, shared strings) gives the same pairs.
        book = openpyxl.Workbook()
        book.active.append(["when", "n", "t"])
        book.active.append([datetime.date(2014, 2, 1), 7, " x "])
        book.save(self.tmp / "styled.xlsx")
        styled = XlsxStream(self.tmp / "styled.xlsx")
        inner = [i for _n, i in styled.raw_rows(styled.sheet_names[0])][1]
        self.assertEqual(styled.cells(inner), [(0, "2014-02-01"), (1, 7), (2, "x")])

    def test_named_gives_the_cells_by_name_and_leaves_out_columns_past_the_names(self):
        # The one-pass path (our and KoboToolbox's writer) and the general one (openpyxl's
        # shared strings and styles) give what naming `cells` gives.
        path = self.tmp / "named.xlsx"
        write_xlsx(
            path,
            [("s", [["a", "b", "c", "d"], [" padded ", 3.0, 2.5, "x & <y>"], ["", None, "", -4], ["p", 1, 2, 3]])],
        )
        book = openpyxl.Workbook()
        book.active.append(["when", "n", "t", "extra"])
        book.active.append([datetime.date(2014, 2, 1), 7, " x ", "past"])
        book.save(self.tmp / "styled.xlsx")
        for stream in (XlsxStream(path), XlsxStream(self.tmp / "styled.xlsx")):
            for width in (4, 3):
                names = {column_letter(c): f"h{c}" for c in range(width)}
                for _n, inner in stream.raw_rows(stream.sheet_names[0]):
                    expected = {f"h{c}": v for c, v in stream.cells(inner) if c < width}
                    self.assertEqual(stream.named(inner, names), expected)
        stream = XlsxStream(path)
        rows = [inner for _n, inner in stream.raw_rows("s")]
        names = {"A": "a", "B": "b", "C": "c"}
        self.assertEqual(stream.named(rows[1], names), {"a": "padded", "b": 3, "c": 2.5})
        self.assertEqual(stream.named(rows[2], names), {})

    def test_a_row_key_does_not_depend_on_where_the_row_is_but_on_every_value(self):
        path = self.tmp / "keys.xlsx"
        write_xlsx(path, [("s", [["h"], ["same", 1], ["same", 1], ["same", 2]])])
        stream = XlsxStream(path)
        keys = [stream.row_key(n, inner) for n, inner in stream.raw_rows("s")]
        self.assertEqual(keys[1], keys[2])
        self.assertNotEqual(keys[2], keys[3])


class TotalTests(SimpleTestCase):
    """The reader knows how many submissions a file has before reading them (the
    progress reads "1,000 of 5,000", never "1000/0")."""

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())

    def test_a_generated_kobo_export_declares_its_rows(self):
        from sitetrack.demo.fake_export import write_kobo_xlsx
        from sitetrack.intake.readers.kobo_xlsx import KoboXlsxReader

        sites = [("CF7111-S001", "CF71", "CF711")]
        path = write_kobo_xlsx(self.tmp / "export.xlsx", submissions=37, sites=sites, seed=1)
        self.assertEqual(XlsxStream(path).height(XlsxStream(path).sheet_names[0]), 38)
        self.assertEqual(KoboXlsxReader(path, name="export.xlsx").total, 37)

    def test_a_sheet_that_declares_no_size_is_counted(self):
        from sitetrack.intake.readers.kobo_xlsx import KoboXlsxReader

        path = self.tmp / "streamed.xlsx"
        rows = ([f"r{i}", i] for i in range(1, 1201))
        write_xlsx(path, [("data", _chain(["_uuid", "n"], rows))])
        book = XlsxStream(path)
        self.assertEqual(book.height("data"), 0)
        self.assertEqual(book.count_rows("data"), 1201)
        self.assertEqual(KoboXlsxReader(path, name="streamed.xlsx").total, 1200)


def _chain(header, rows):
    yield header
    yield from rows
