"""Raw sheets of a file: every sheet of a workbook (XLSX and XLSM streamed by
`xlsx_stream`; XLS and ODS read by python-calamine) or the one sheet of a CSV, as rows of stripped text. The format is
decided by the content, not the name; every guard of `safety` runs first."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from sitetrack.core.tabular.problems import TabularError
from sitetrack.core.tabular.safety import (
    MAX_CELL_CHARS,
    OLE_MAGIC,
    check_size,
    check_xlsx,
    check_zip,
    huge_cell,
)
from sitetrack.core.tabular.text import UndecodableText, cell_text, decode_text, sniff_delimiter


@dataclass
class Sheet:
    """One sheet as text. `rows[i]` is spreadsheet row i + 1 (a CSV record counts as one
    row even when a cell holds line breaks, as a spreadsheet shows it)."""

    name: str
    rows: list[list[str]]
    encoding: str = ""
    delimiter: str = ""


def file_kind(path: Path) -> str:
    """ "xlsx", "ods", "xls" or "csv", from the first bytes of the file."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        return "xls" if path.suffix.lower() == ".xls" else "ole"
    if head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                if "content.xml" in zf.namelist() and "xl/workbook.xml" not in zf.namelist():
                    return "ods"
        except zipfile.BadZipFile:
            pass
        return "xlsx"
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
        return "xlsx"  # a damaged workbook: check_xlsx says so
    return "csv"


def read_sheets(path: str | Path, *, name: str | None = None, only: str | None = None) -> list[Sheet]:
    """Every sheet of the file (or only the sheet named `only`, still checking it exists).
    Raises TabularError for a file that is too large, unsafe, damaged or not text."""
    path = Path(path)
    name = name or path.name
    kind = file_kind(path)
    if kind in ("xlsx", "ole"):
        check_xlsx(path, name=name)
    else:
        check_size(path.stat().st_size, name=name)
        if kind == "ods":
            check_zip(path, name=name)
    if kind == "csv":
        return [_read_csv(path, name)]
    if kind == "xlsx":
        return _read_xlsx(path, name, only)
    return _read_workbook(path, name, only)


def _read_csv(path: Path, name: str) -> Sheet:
    try:
        text, encoding = decode_text(path.read_bytes())
    except UndecodableText as exc:
        raise TabularError.make(str(exc), file=name, rule="not_text") from exc
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            for i, cell in enumerate(record):
                if len(cell) > MAX_CELL_CHARS:
                    raise huge_cell(
                        file=name, sheet="", row=len(rows) + 1, column=_letter(i), length=len(cell)
                    )
            rows.append([c.strip() for c in record])
    except csv.Error as exc:
        # The csv module refuses a field over its own limit (128 KiB) before we see it.
        if "field larger than field limit" in str(exc):
            raise huge_cell(
                file=name,
                sheet="",
                row=len(rows) + 1,
                column="",
                length=csv.field_size_limit(),
                at_least=True,
            ) from exc
        raise TabularError.make(
            _("The file is not a readable CSV table: %(error)s") % {"error": exc},
            file=name,
            row=len(rows) + 1,
            rule="bad_csv",
        ) from exc
    return Sheet(name="", rows=rows, encoding=encoding, delimiter=delimiter)


# A sheet's rows are lists padded up to their last cell: a few cells far apart (row
# 20,000, column 2,000) make wide rows of nothing. Past this many cells in one workbook
# it is refused (a real table of that size is a database export, not a spreadsheet).
MAX_CELLS = 20_000_000


def _sheet_named(only: str, names: list[str], name: str) -> str:
    """The sheet `--sheet` names: exactly, else the one sheet whose name matches it
    ignoring case and surrounding spaces ("adm2" for "ADM2 "; Excel's sheet names are
    unique ignoring case), else an error listing them."""
    if only in names:
        return only
    folded = [n for n in names if n.strip().casefold() == only.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise _unknown_sheet(only, names, name)


def _unknown_sheet(only: str, names: list[str], name: str) -> TabularError:
    return TabularError.make(
        _("The workbook has no sheet “%(sheet)s”; its sheets are %(sheets)s.")
        % {"sheet": only, "sheets": ", ".join(f"“{n}”" for n in names)},
        file=name,
        sheet=only,
        rule="unknown_sheet",
    )


def _read_xlsx(path: Path, name: str, only: str | None) -> list[Sheet]:
    """XLSX/XLSM streamed from the zip (`xlsx_stream`): memory grows with the cells the
    file holds, not with the rectangle from A1 to its last cell (python-calamine filled
    that rectangle: 1.5 GB for one cell at row 20,000, column 2,000)."""
    from sitetrack.core.tabular.xlsx_stream import XlsxStream

    try:
        book = XlsxStream(path)
    except Exception as exc:  # a damaged workbook.xml, a missing part: the file is not readable
        raise TabularError.make(
            _("The file is not a readable spreadsheet: %(error)s") % {"error": exc},
            file=name,
            rule="unreadable_workbook",
        ) from exc
    try:
        names = [n for n in book.sheet_names if "chartsheets/" not in book.sheets[n]]
        if only is not None:
            names = [_sheet_named(only, names, name)]
        budget = MAX_CELLS
        sheets = []
        for sheet_name in names:
            rows = []
            for r, values in enumerate(book.rows(sheet_name)):
                cells = [cell_text(v) for v in values]
                budget -= len(cells) or 1
                if budget < 0:
                    raise TabularError.make(
                        _(
                            "The workbook holds more than %(max)s cells (counting the empty ones "
                            "between filled cells): it is not a table this page can read."
                        )
                        % {"max": f"{MAX_CELLS:,}"},
                        file=name,
                        sheet=sheet_name,
                        row=r + 1,
                        rule="too_many_cells",
                    )
                # Writers (openpyxl, Excel) cut a longer cell to the limit: a full cell was longer.
                _refuse_huge_cells(cells, file=name, sheet=sheet_name, row=r + 1, reader_cuts=False)
                rows.append(cells)
            while rows and not any(rows[-1]):
                rows.pop()
            sheets.append(Sheet(name=sheet_name, rows=rows))
        return sheets
    except TabularError:
        raise
    except Exception as exc:  # malformed XML inside the zip
        raise TabularError.make(
            _("The file is not a readable spreadsheet: %(error)s") % {"error": exc},
            file=name,
            rule="unreadable_workbook",
        ) from exc
    finally:
        book.close()


def _refuse_huge_cells(cells: list[str], *, file: str, sheet: str, row: int, reader_cuts: bool) -> None:
    """Refuse a row with a cell at the size limit (its length is "at least" when the
    reader cut it there, or when it is exactly the limit a writer cuts to)."""
    for i, cell in enumerate(cells):
        if len(cell) >= MAX_CELL_CHARS:
            raise huge_cell(
                file=file,
                sheet=sheet,
                row=row,
                column=_letter(i),
                length=len(cell),
                at_least=reader_cuts or len(cell) == MAX_CELL_CHARS,
            )


def _read_workbook(path: Path, name: str, only: str | None) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = [
            m.name for m in book.sheets_metadata if str(getattr(m, "typ", "")).endswith("WorkSheet")
        ] or list(book.sheet_names)
        if only is not None:
            names = [_sheet_named(only, names, name)]
        sheets = []
        for sheet_name in names:
            data = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            rows = []
            for r, row in enumerate(data):
                cells = [cell_text(v) for v in row]
                # python-calamine cuts a longer cell to the limit: its length is a lower bound.
                _refuse_huge_cells(cells, file=name, sheet=sheet_name, row=r + 1, reader_cuts=True)
                rows.append(cells)
            sheets.append(Sheet(name=sheet_name, rows=rows))
        return sheets
    except TabularError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken files
        raise TabularError.make(
            _("The file is not a readable spreadsheet: %(error)s") % {"error": exc},
            file=name,
            rule="unreadable_workbook",
        ) from exc


def _letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
