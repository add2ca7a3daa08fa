"""Streaming XLSX sheet reader: rows straight from the zip, a few rows in memory at a time.

python-calamine (0.9) loads a whole sheet before the first row can be read: about 1 GB
for a 100,000 × 120 KoboToolbox export. This reader decompresses the sheet's XML in
chunks and cuts it into rows, so memory stays flat whatever the number of rows; a test
checks it reads what python-calamine reads (shared and inline strings, numbers, booleans,
dates by their number format, formulas' cached values).

Values come out as python-calamine gives them: str, float, bool, datetime.date /
datetime.datetime for cells with a date format, "" for an empty cell.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from xml.etree import ElementTree as ET

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# One row; one cell (with its optional `r` first, as every writer puts it).
_ROW_NUMBER = re.compile(r'\br="(\d+)"')
_CELL = re.compile(r'<c(?: r="([A-Z]+)\d*")?((?:\s+[\w:]+="[^"]*")*)\s*(?:/>|>(.*?)</c>)', re.S)
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_V = re.compile(r"<v>([^<]*)</v>")
_T = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>")
# The cells every common writer produces (Excel, openpyxl, XlsxWriter, KoboToolbox):
# reference first, optional style and type, a value or an inline string. A row whose
# cells do not all match goes through the general decoder.
_FAST_CELL = re.compile(
    r'<c r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="([a-zA-Z]+)")?(?: s="(\d+)")?>'
    r'(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)</c>'
)
# The two cells of KoboToolbox's own writer (and ours), in one pattern: an inline string
# (group 2) or a plain number (group 3).
_KOBO_CELL = re.compile(
    r'<c r="([A-Z]+)\d+"(?: t="inlineStr"><is><t(?: xml:space="preserve")?>([^<]*)</t></is>'
    r"|><v>([^<]*)</v>)</c>"
)
_SHARED_V = re.compile(r't="s"[^>]*><v>(\d+)</v>')
_DIMENSION = re.compile(r'<dimension ref="[A-Z]*\d*:?[A-Z]*(\d*)"')
_XESC = re.compile(r"_x([0-9A-Fa-f]{4})_")

# Built-in number formats that are dates or times (ECMA-376, 18.8.30).
_DATE_FORMATS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_EPOCH = dt.datetime(1899, 12, 30)


_COLUMNS: dict[str, int] = {}


def _all_columns() -> dict[str, int]:
    """Column letters → index for A … ZZZ (filled once)."""
    if len(_COLUMNS) < 18278:
        letters = [chr(65 + i) for i in range(26)]
        for a in letters:
            column_index(a)
            for b in letters:
                column_index(a + b)
                for c in letters:
                    column_index(a + b + c)
    return _COLUMNS


def _number(text: str):
    if text.isdigit():
        return int(text)
    number = float(text)
    return int(number) if number.is_integer() else number


def column_index(letters: str) -> int:
    found = _COLUMNS.get(letters)
    if found is None:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        found = _COLUMNS[letters] = n - 1
    return found


def _text(value: str) -> str:
    if "&" in value:
        value = html.unescape(value)
    if "_x" in value:
        value = _XESC.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def _is_date_format(code: str) -> bool:
    # Drop quoted text, escapes and colours/conditions; what is left names date parts.
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code).lower()
    return any(ch in code for ch in "dmyhs") and "general" not in code


def _excel_date(serial: float, date1904: bool):
    if date1904:
        serial += 1462
    moment = _EPOCH + dt.timedelta(days=serial)
    if moment.hour == moment.minute == moment.second == moment.microsecond == 0:
        return moment.date()
    # Excel stores times to the millisecond at best; round away float noise.
    micro = round(moment.microsecond / 1000) * 1000
    if micro == 1_000_000:
        return moment.replace(microsecond=0) + dt.timedelta(seconds=1)
    return moment.replace(microsecond=micro)


class XlsxStream:
    """Open once; then `sheet_names`, `rows(name)` (a fresh stream each time) and
    `height(name)` (rows declared by the sheet's dimension, 0 when absent)."""

    def __init__(self, path) -> None:
        self.zf = zipfile.ZipFile(path)
        names = set(self.zf.namelist())
        workbook = ET.fromstring(self.zf.read("xl/workbook.xml"))
        rels = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for rel in ET.fromstring(self.zf.read("xl/_rels/workbook.xml.rels")).iter(
                f"{PKG_REL_NS}Relationship"
            ):
                target = rel.get("Target", "")
                target = target[1:] if target.startswith("/") else str(PurePosixPath("xl") / target)
                rels[rel.get("Id")] = target
        pr = workbook.find(f"{NS}workbookPr")
        self.date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        self.sheets: dict[str, str] = {}
        for n, sheet in enumerate(workbook.iter(f"{NS}sheet"), start=1):
            target = rels.get(sheet.get(f"{REL_NS}id")) or f"xl/worksheets/sheet{n}.xml"
            self.sheets[sheet.get("name")] = target
        self.sheet_names = list(self.sheets)
        self._attr_cache: dict[str, tuple[str, str, int | None]] = {}
        self._cell_patterns: dict[str, re.Pattern] = {}
        self.shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            with self.zf.open("xl/sharedStrings.xml") as fh:
                for _event, elem in ET.iterparse(fh):
                    if elem.tag == f"{NS}si":
                        self.shared.append("".join(t.text or "" for t in elem.iter(f"{NS}t")))
                        elem.clear()
        # Style index → is a date format.
        self.date_styles: set[str] = set()
        if "xl/styles.xml" in names:
            styles = ET.fromstring(self.zf.read("xl/styles.xml"))
            custom = {
                int(f.get("numFmtId")): f.get("formatCode", "")
                for f in styles.iter(f"{NS}numFmt")
                if f.get("numFmtId", "").isdigit()
            }
            xfs = styles.find(f"{NS}cellXfs")
            for i, xf in enumerate(xfs.iter(f"{NS}xf") if xfs is not None else ()):
                fmt = int(xf.get("numFmtId", "0") or 0)
                if fmt in _DATE_FORMATS or (fmt in custom and _is_date_format(custom[fmt])):
                    self.date_styles.add(str(i))

    def close(self) -> None:
        self.zf.close()

    def _chunks(self, name: str) -> Iterator[str]:
        with self.zf.open(self.sheets[name]) as fh:
            decoder = codecs.getincrementaldecoder("utf-8")()
            while block := fh.read(1 << 20):
                yield decoder.decode(block)
            yield decoder.decode(b"", final=True)

    def height(self, name: str) -> int:
        for chunk in self._chunks(name):
            found = _DIMENSION.search(chunk)
            if found and found.group(1):
                return int(found.group(1))
            if "<sheetData" in chunk:
                return 0
        return 0

    def count_rows(self, name: str) -> int:
        """The rows of a sheet that declares no dimension, counted (a pass over the
        decompressed sheet, without parsing it: about a tenth of reading it)."""
        n, tail = 0, b""
        with self.zf.open(self.sheets[name]) as fh:
            while block := fh.read(1 << 20):
                # The last 5 bytes go with the next block: a "</row>" cut in two is
                # counted once (6 bytes never fit in 5, so none is counted twice).
                data = tail + block
                n += data.count(b"</row>")
                tail = data[-5:]
        return n

    def raw_rows(self, name: str) -> Iterator[tuple[int, str]]:
        """(row number, inner XML of the <row>) in order; rows a writer left out are
        skipped (their numbers are missing)."""
        buffer = ""
        started = False
        last = 0
        for chunk in self._chunks(name):
            buffer += chunk
            if not started:
                at = buffer.find("<sheetData")
                if at < 0:
                    buffer = buffer[-20:]
                    continue
                started = True
                buffer = buffer[at:]
            if "</row>" not in chunk and "/>" not in chunk:
                continue
            pieces = buffer.split("</row>")
            buffer = pieces.pop()
            for piece in pieces:
                for number, inner in self._rows_in(piece, last):
                    last = number
                    yield number, inner
        # The rest: self-closing rows only (an unclosed row is a truncated file).
        for number, inner in self._rows_in(buffer, last, tail=True):
            last = number
            yield number, inner

    @staticmethod
    def _rows_in(piece: str, last: int, tail: bool = False) -> Iterator[tuple[int, str]]:
        at = piece.find("<row")
        while at >= 0:
            close = piece.find(">", at)
            if close < 0:
                return
            attrs = piece[at + 4 : close]
            number = _ROW_NUMBER.search(attrs)
            last = int(number.group(1)) if number else last + 1
            if attrs.endswith("/"):
                yield last, ""
                at = piece.find("<row", close)
                continue
            if tail:
                return
            nxt = piece.find("<row", close)
            if nxt >= 0:  # cannot happen in a well-formed sheet; read defensively
                yield last, piece[close + 1 : nxt]
                at = nxt
                continue
            yield last, piece[close + 1 :]
            return

    def _row_texts(self, name: str) -> Iterator[str]:
        """The inner XML of each row, in order; rows a writer left out come as ""."""
        expected = 1
        for number, inner in self.raw_rows(name):
            while expected < number:
                yield ""
                expected += 1
            expected += 1
            yield inner

    def row_key(self, number: int, inner: str) -> str:
        """The row's content as text that does not depend on where the row is: cell
        references lose their row number (replaced by a character XML cannot hold, so
        two different rows never give the same key), shared strings are resolved."""
        key = inner.replace(f'{number}"', '\x01"')
        if 't="s"' in inner and self.shared:
            shared = self.shared
            key += "\x02".join(shared[int(i)] for i in _SHARED_V.findall(inner))
        return key

    def cell(self, inner: str, letters: str):
        """One cell of a row by its column letters ("" when absent)."""
        pattern = self._cell_patterns.get(letters)
        if pattern is None:
            pattern = self._cell_patterns[letters] = re.compile(
                rf'<c r="{letters}\d+"((?:\s+[\w:]+="[^"]*")*)\s*(?:/>|>(.*?)</c>)', re.S
            )
        found = pattern.search(inner)
        if found is None:
            return ""
        row = self.decode(f"<c{found.group(1)}>{found.group(2) or ''}</c>")
        return row[0] if row else ""

    def rows(self, name: str) -> Iterator[list]:
        """Each row as a list of values, padded with "" up to its last cell."""
        decode = self.decode
        for inner in self._row_texts(name):
            yield decode(inner)

    def cells(self, inner: str) -> list[tuple[int, object]]:
        """A row's non-empty cells as (column index, value), values as an import wants
        them: strings stripped (blank ones left out), whole numbers as int, dates and
        times as ISO text, booleans as bool."""
        n = inner.count("<c ")
        # Inline strings and plain numbers only (KoboToolbox's writer and ours)? One scan,
        # cells in column order, no per-cell branching outside the comprehension.
        plain = ' t="s"' not in inner and ' s="' not in inner  # no shared strings or styles
        found = _KOBO_CELL.findall(inner) if plain else ()
        if plain and len(found) == n:
            cols = _all_columns()
            if "&" in inner or "_x" in inner:
                return [
                    (cols[c], x)
                    for c, t, v in found
                    if (x := ((int(v) if v.isdigit() else _number(v)) if v else _text(t).strip())) != ""
                ]
            return [
                (cols[c], x)
                for c, t, v in found
                if (x := ((int(v) if v.isdigit() else _number(v)) if v else t.strip())) != ""
            ]
        found = _FAST_CELL.findall(inner)
        if len(found) != n:
            return _normalised(enumerate(self.decode(inner)))
        out = []
        append = out.append
        shared, date_styles = self.shared, self.date_styles
        cols = _COLUMNS
        for letters, s1, kind, s2, v, text in found:
            col = cols.get(letters)
            if col is None:
                col = column_index(letters)
            if kind == "inlineStr":
                if "&" in text or "_x" in text:
                    text = _text(text)
                value = text.strip()
                if not value:
                    continue
            elif kind == "s":
                value = shared[int(v)].strip() if v else ""
                if not value:
                    continue
            elif not kind or kind == "n":
                if not v:
                    continue
                number = float(v)
                style = s1 or s2
                if style and style in date_styles:
                    moment = _excel_date(number, self.date1904)
                    value = moment.isoformat()
                else:
                    value = int(number) if number.is_integer() else number
            elif kind == "b":
                value = v == "1"
            else:
                value = _text(v).strip()
                if not value:
                    continue
            append((col, value))
        return out

    def named(self, inner: str, names: dict[str, str]) -> dict[str, object]:
        """A row's non-empty cells by name, `names` giving the names of the first columns
        by their letters (later columns are left out); values as `cells` gives them.
        The same as `{name of column c: v for c, v in cells(inner)}`, in one pass for
        the rows of KoboToolbox's writer (and ours), the per-row loop of an import."""
        if ' t="s"' not in inner and ' s="' not in inner and "&" not in inner and "_x" not in inner:
            found = _KOBO_CELL.findall(inner)
            if len(found) == inner.count("<c ") and (not found or found[-1][0] in names):
                # Cells come in column order (ECMA-376): if the last is named, all are.
                return {
                    names[c]: x
                    for c, t, v in found
                    if (x := ((int(v) if v.isdigit() else _number(v)) if v else t.strip())) != ""
                }
        by_index = {column_index(letters): name for letters, name in names.items()}
        return {by_index[c]: v for c, v in self.cells(inner) if c in by_index}

    def decode(self, inner: str) -> list:
        """A row's inner XML as a list of values."""
        shared, date_styles, date1904 = self.shared, self.date_styles, self.date1904
        attr_cache = self._attr_cache
        row: list = []
        for letters, attrs, content in _CELL.findall(inner):
            col = column_index(letters) if letters else len(row)
            if attrs:
                parsed = attr_cache.get(attrs)
                if parsed is None:
                    found = dict(_ATTR.findall(attrs))
                    ref = found.get("r")
                    parsed = (
                        found.get("t", "n"),
                        found.get("s", ""),
                        column_index(re.sub(r"\d", "", ref)) if ref else None,
                    )
                    if ref is None:
                        attr_cache[attrs] = parsed
                kind, style, at = parsed
                if at is not None:
                    col = at
            else:
                kind, style = "n", ""
            if not content:
                value = ""
            elif kind == "inlineStr":
                value = _text("".join(_T.findall(content)))
            else:
                if content.startswith("<v>"):
                    raw = content[3 : content.find("<", 3)]
                else:
                    found_v = _V.search(content)
                    raw = found_v.group(1) if found_v else ""
                if kind == "s":
                    value = shared[int(raw)] if raw else ""
                elif kind == "n":
                    if raw == "":
                        value = ""
                    else:
                        value = float(raw)
                        if style and style in date_styles:
                            value = _excel_date(value, date1904)
                elif kind == "b":
                    value = raw == "1"
                elif kind == "d":
                    value = _iso(raw)
                elif kind == "e":
                    value = _text(raw)
                else:  # str (formula result) and anything else
                    value = _text(raw)
            gap = col - len(row)
            if gap > 0:
                row.extend([""] * gap)
                row.append(value)
            elif gap == 0:
                row.append(value)
            else:
                row[col] = value
        return row


def _normalised(pairs) -> list[tuple[int, object]]:
    out = []
    for col, value in pairs:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        elif isinstance(value, float):
            if value.is_integer():
                value = int(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif value is None:
            continue
        out.append((col, value))
    return out


def _iso(text: str):
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.date() if "T" not in text and " " not in text else moment
