"""The one XLSX writer of SiteTrack: streamed rows, inline strings, five cell styles.

Every workbook SiteTrack writes goes through here: the report workbooks (styled sheets
of numbers and text, column widths, a frozen top row) and the large plain exports of
intake (cleaning logs, generated KoboToolbox exports of 100,000 rows). Rows go straight
into the zip entry of their sheet as they are written (in blocks of 500), so a sheet of
100,000 rows costs no more memory than a short one: the constant-memory mode of
XlsxWriter, without its cost per cell.

Why not XlsxWriter: measured on the same rows in one run (`python -m bench.xlsx_writers`,
20,000 rows x 25 cells of text and numbers, typed calls, no type guessing), this writer
took 3.1 µs a cell, XlsxWriter in constant-memory mode 9.3 µs (3.0x slower) and
openpyxl's write-only mode 26.2 µs (8.5x). Both hand-written writers it replaces
(reports/renderers/xlsx_writer.py, intake/xlsxwrite.py) were 15 % and 7 % slower than
it on those rows.

Rules every caller gets:
- numbers stay numbers (int, float, Decimal), booleans booleans, None and "" empty; a
  float that is not finite (NaN, infinity) is written as text, which Excel can open;
- text is text (inline strings), never a formula or a link: a site called
  `=HYPERLINK(...)` is shown, not run;
- dates and datetimes are written as ISO text (what SiteTrack's own readers expect);
- characters XML 1.0 cannot hold (a stray control character in a name) are dropped,
  so the file always opens; sheet names are made Excel-safe and unique.

    book = XlsxBook()
    sheet = book.sheet("Weekly report", widths=[16, 30], freeze_top_row=True)
    sheet.row(["Sites assessed", 3], [BOLD, None])
    data = book.save()

    write_xlsx(path, [("cleaning_log", rows)])   # sheets of plain rows, to a file
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence, Sized
from datetime import date, datetime
from decimal import Decimal
from itertools import repeat
from pathlib import Path

# Cell styles (indexes into cellXfs of STYLES below).
PLAIN, BOLD, TITLE, HEADER, SEVERE = 0, 1, 2, 3, 4

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

STYLES = f"""{HEAD}<styleSheet xmlns="{MAIN}">
<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDDDDD"/><bgColor indexed="64"/></patternFill></fill><fill><patternFill patternType="lightUp"><fgColor rgb="FF888888"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/><xf numFmtId="0" fontId="1" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
FLUSH_ROWS = 500
# Distinct texts whose XML a workbook keeps (a plain export of 100,000 free-text rows
# stops caching there; memory stays bounded).
TEXT_CACHE = 50_000
_STYLE_ATTRS = {None: "", 0: "", **{i: f' s="{i}"' for i in range(1, 5)}}


def _style_attr(style: int | None) -> str:
    attr = _STYLE_ATTRS.get(style)
    return attr if attr is not None else (f' s="{style}"' if style else "")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (zero-based, as the intake readers count)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def escape(text: str) -> str:
    """Text for XML: &, < and > escaped, characters XML 1.0 forbids dropped."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


def sheet_name(name: str, used: set[str]) -> str:
    """An Excel-safe sheet name: 31 characters, none of []:*?/\\, unique (any case)."""
    name = _SHEET_NAME.sub("-", _ILLEGAL.sub("", str(name)))[:31].strip() or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


class _Letters(list):
    """Column letters, grown on demand (a sheet may have hundreds of columns)."""

    def upto(self, n: int) -> _Letters:
        while len(self) < n:
            self.append(column_letter(len(self)))
        return self


def _cell(ref: str, value, s: str) -> str:
    if value is True or value is False:
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, float | Decimal) and math.isfinite(value):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


class XlsxSheet:
    """One sheet being written; its rows go to the file as they come.

    `rows` (the number of rows the sheet will have, when the caller knows it) is declared
    in the sheet's dimension, which readers take as its size before reading it (the
    intake's progress "1,000 of 100,000"), with `columns` (else the width of the first
    row: a wider row later is refused, since readers such as openpyxl's read-only mode cut
    rows to the declared width). A sheet streamed without it has no dimension (as the
    specification allows)."""

    def __init__(
        self,
        handle,
        title: str,
        widths: Sequence[float] | None,
        freeze_top_row: bool,
        rows: int | None = None,
        columns: int | None = None,
        texts: dict[str, str] | None = None,
    ) -> None:
        self.title = title
        self._handle = handle
        self._rows = 0
        self._declared = rows
        self._columns = columns or 0
        self._buffer: list[str] = []
        self._letters = _Letters()
        # Text → its XML, shared by the workbook's sheets (see `row`).
        self._texts: dict[str, str] = texts if texts is not None else {}
        self._widths, self._freeze = widths, freeze_top_row
        self._started = False

    def _start(self, columns: int) -> None:
        """The sheet's head, written with its first row (the dimension needs its width)."""
        self._started = True
        parts = [HEAD, f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">']
        if self._declared:
            self._columns = max(self._columns, columns, 1)
            parts.append(f'<dimension ref="A1:{column_letter(self._columns - 1)}{self._declared}"/>')
        widths, freeze_top_row, handle = self._widths, self._freeze, self._handle
        if freeze_top_row:
            parts.append(
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            )
        if widths:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1)
            )
            parts.append(f"<cols>{cols}</cols>")
        parts.append("<sheetData>")
        handle.write("".join(parts).encode("utf-8"))

    def row(self, values: Sequence, styles: Sequence[int | None] | int | None = None) -> None:
        """Append a row; `styles` is one style for every cell or one per cell.

        The usual cells (text, whole numbers, empty) are written inline here, with each
        distinct text escaped once per workbook (a report repeats its site names, P-codes
        and labels on every sector sheet); anything else goes through `_cell`."""
        if not self._started:
            self._start(len(values))
        elif self._declared and len(values) > self._columns:
            raise ValueError(f"sheet {self.title!r}: row {self._rows + 1} is wider than its first row")
        self._rows += 1
        r = self._rows
        letters = self._letters.upto(len(values))
        if styles is None or isinstance(styles, int):
            attrs = repeat(_style_attr(styles))
        else:
            known = _STYLE_ATTRS.get
            attrs = [a if (a := known(s)) is not None else _style_attr(s) for s in styles]
            if len(attrs) < len(values):
                raise IndexError(f"sheet {self.title!r}: row {r} has more values than styles")
        texts = self._texts
        parts = [f'<row r="{r}">']
        add = parts.append
        # Letters may run longer than the row (grown for a wider one): zip stops at the row.
        for letter, v, s in zip(letters, values, attrs, strict=False):
            t = type(v)
            if t is str:
                if not v:
                    continue
                xml = texts.get(v)
                if xml is None:
                    xml = escape(v)
                    if len(texts) < TEXT_CACHE:
                        texts[v] = xml
                add(f'<c r="{letter}{r}"{s} t="inlineStr"><is><t xml:space="preserve">{xml}</t></is></c>')
            elif t is int or (t is float and v - v == 0):  # v - v: 0.0 unless NaN or infinite
                add(f'<c r="{letter}{r}"{s}><v>{v}</v></c>')
            elif v is None or (isinstance(v, str) and v == ""):
                continue
            else:
                add(_cell(f"{letter}{r}", v, s))
        add("</row>")
        self._buffer.append("".join(parts))
        if len(self._buffer) >= FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        self._handle.write("".join(self._buffer).encode("utf-8"))
        self._buffer.clear()

    def close(self) -> None:
        if not self._started:
            self._start(0)
        if self._declared is not None and self._rows != self._declared:
            raise ValueError(f"sheet {self.title!r}: {self._rows} rows written, {self._declared} declared")
        self._flush()
        self._handle.write(b"</sheetData></worksheet>")
        self._handle.close()


class XlsxBook:
    """A workbook written sheet after sheet (starting a sheet finishes the one before);
    `save()` finishes it and returns its bytes (or writes the file given)."""

    def __init__(self, path: Path | str | None = None, *, compresslevel: int = 6) -> None:
        self._path = path
        self._out = io.BytesIO() if path is None else str(path)
        self._zip = zipfile.ZipFile(self._out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._titles: list[str] = []
        self._used: set[str] = set()
        self._current: XlsxSheet | None = None
        self._texts: dict[str, str] = {}

    def sheet(
        self,
        title: str,
        *,
        widths: Sequence[float] | None = None,
        freeze_top_row: bool = False,
        rows: int | None = None,
        columns: int | None = None,
    ) -> XlsxSheet:
        """Start a sheet; `rows` (and `columns`), when known, are declared as its size
        (see XlsxSheet)."""
        if self._current is not None:
            self._current.close()
        title = sheet_name(title, self._used)
        self._titles.append(title)
        handle = self._zip.open(f"xl/worksheets/sheet{len(self._titles)}.xml", "w", force_zip64=True)
        self._current = XlsxSheet(handle, title, widths, freeze_top_row, rows, columns, self._texts)
        return self._current

    def save(self) -> bytes:
        if self._current is not None:
            self._current.close()
            self._current = None
        if not self._titles:
            self.sheet("Sheet").close()
            self._current = None
        n = len(self._titles)
        z = self._zip
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
            for i in range(1, n + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'{HEAD}<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(
            f'<sheet name="{escape(t).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
            for i, t in enumerate(self._titles, 1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheets}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{HEAD}<Relationships xmlns="{PKG_REL}">{rels}'
            f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/></Relationships>',
        )
        z.writestr("xl/styles.xml", STYLES)
        z.close()
        return self._out.getvalue() if isinstance(self._out, io.BytesIO) else b""


def write_xlsx(path: Path | str, sheets: Sequence[tuple[str, Iterable[Sequence]]]) -> None:
    """Write sheets given as (name, rows), each row a sequence of cell values. The rows of
    each sheet are consumed in sheet order, so a later sheet's rows may be produced while
    an earlier one is written (the fake export fills its repeat sheet that way). Rows
    that have a length (a list, or an object with `__len__`, asked when the sheet
    starts, whose rows are no wider than its first) declare the sheet's size, so that
    readers know it before reading it."""
    book = XlsxBook(path, compresslevel=1)
    for name, rows in sheets:
        if isinstance(rows, list | tuple):
            sheet = book.sheet(name, rows=len(rows), columns=max(map(len, rows), default=0))
        else:
            sheet = book.sheet(name, rows=len(rows) if isinstance(rows, Sized) else None)
        for row in rows:
            sheet.row(row)
    book.save()
