"""KoboToolbox XLSX exports: a main sheet and one sheet per repeat group.

Repeat rows point at their parent through `_parent_index` (the main sheet's `_index`).
Rows are streamed straight from the zip (readers/xlsx_stream.py: python-calamine 0.9
loads a whole sheet first, about 1 GB for 100,000 rows × 120 columns); repeat sheets,
which KoboToolbox writes in parent order, are merge-joined as the main sheet streams, so
only one parent's repeat rows are held at a time (an out-of-order repeat sheet is indexed
once instead).

Each submission carries `raw_hash`, a digest of its cells and its repeat rows taken
before any cell is typed; when the caller sets `known(uuid, raw_hash)` and it answers
True, the row is yielded as `skipped` without being decoded (re-imports of unchanged
submissions cost little more than reading the file).
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

from sitetrack.core.tabular.xlsx_stream import XlsxStream
from sitetrack.core.xlsx import column_letter
from sitetrack.intake.readers.base import IntakeFileError, Submission, clean_cell, field_keys, strip_uuid
from sitetrack.intake.readers.labels import LabelTranslator
from sitetrack.intake.readers.safety import check_xlsx

REPEAT_META = {"_index", "_parent_table_name", "_parent_index"}
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ParseError, KeyError, ValueError, OSError)


def _cell(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return clean_cell(value)


class KoboXlsxReader:
    format = "kobo_xlsx"

    known: Callable[[str, str], bool] | None = None
    # Set by an import that reads in a second process: submissions then come with their
    # raw record only (fields and repeats None), and the importing process fills them in
    # with `complete` — the reading process is the slower of the two.
    defer_fields = False

    def __init__(
        self, path: Path, *, name: str, labels: LabelTranslator | None = None, sheet: str = ""
    ) -> None:
        check_xlsx(path, name=name)
        self.path, self.name, self.labels = path, name, labels
        try:
            self.book = XlsxStream(path)
            sheets = self.book.sheet_names
            if not sheets:
                raise IntakeFileError(code="no_sheet", file=name, rule="no_sheet")
            if sheet and sheet not in sheets:
                raise IntakeFileError(
                    code="no_such_sheet",
                    params={"sheet": sheet, "sheets": ", ".join(sheets)},
                    file=name,
                    sheet=sheet,
                    rule="no_sheet",
                )
            self.sheet = sheet or sheets[0]
            # The size the sheet declares, else its rows counted (writers that stream
            # may leave the dimension out): the progress needs the total.
            height = self.book.height(self.sheet) or self.book.count_rows(self.sheet)
            self.total = max(0, height - 1)
            first = next(iter(self.book.raw_rows(self.sheet)), None)
        except _READ_ERRORS as exc:
            raise self._damaged(exc) from exc
        if first is None or not first[1]:
            raise IntakeFileError(code="empty_main_sheet", file=name, sheet=self.sheet, rule="empty")
        self.headers = [str(h).strip() for h in self.book.decode(first[1])]
        if labels is not None:
            self.headers = labels.headers(self.headers)
        self.keys = field_keys(self.headers, "/")
        self.columns = dict(zip(self.keys, self.headers, strict=False))
        self.repeat_sheets = [s for s in sheets if s != self.sheet]
        # Without either, the mapping must name a stable id column (the checker says so).
        self.has_identity = bool({"_uuid", "meta/instanceID", "meta/rootUuid"} & set(self.headers))
        self._key_of: dict[str, str] | None = None
        # Read now, not in `complete`: by then a second process may be reading the same
        # open file (a forked child shares its offset).
        self._repeat_key_of: dict[str, dict[str, str]] = {}
        self._repeat_header_rows: dict[str, list[str]] = {}
        try:
            for sheet_name in self.repeat_sheets:
                headers = self._repeat_header_rows[sheet_name] = self._repeat_headers(sheet_name)
                self._repeat_key_of[sheet_name] = dict(zip(headers, field_keys(headers, "/"), strict=False))
        except _READ_ERRORS as exc:
            raise self._damaged(exc) from exc
        # What the digest of a row depends on besides its XML: how numbers are read as dates.
        self._salt = f"{self.book.date1904}|{','.join(sorted(self.book.date_styles))}|"

    def _damaged(self, exc: Exception, sheet: str = "") -> IntakeFileError:
        return IntakeFileError(
            code="damaged_xlsx",
            file=self.name,
            sheet=sheet,
            value=str(exc)[:200],
            rule="truncated_or_damaged",
        )

    def _column(self, inner: str, index: int):
        """One cell of a row, without decoding the others when the cells carry references."""
        if '<c r="' in inner:
            return self.book.cell(inner, column_letter(index))
        row = self.book.decode(inner)
        return row[index] if index < len(row) else ""

    def _repeat_stream(self, sheet_name: str):
        """(parent index, row number, row XML, headers) for each repeat row, in file order."""
        rows = self.book.raw_rows(sheet_name)
        first = next(rows, None)
        if first is None:
            return
        headers = list(self._repeat_header_rows[sheet_name])  # read once, in __init__
        if self.labels is not None:
            headers = self.labels.headers(headers)
        if "_parent_index" not in headers:
            return
        pidx = headers.index("_parent_index")
        for number, inner in rows:
            yield _cell(self._column(inner, pidx)), number, inner, headers

    def _repeat_fields(self, inner: str, headers: list[str]) -> tuple[dict, dict]:
        keys = self._keys_cache.get(id(headers))
        if keys is None:
            keys = self._keys_cache[id(headers)] = field_keys(headers, "/")
        value = self.labels.value if self.labels is not None else None
        n = len(headers)
        cells = [(c, v) for c, v in self.book.cells(inner) if c < n]
        raw = {headers[c]: v for c, v in cells}
        fields = {
            keys[c]: (value(keys[c], v) if value else v) for c, v in cells if not headers[c].startswith("_")
        }
        return fields, raw

    def _main_cells(self, inner: str, ncols: int) -> list[tuple[int, object]]:
        """A main-sheet row's non-empty cells, without those past the last header."""
        cells = self.book.cells(inner)
        if cells and cells[-1][0] >= ncols:
            cells = [(c, v) for c, v in cells if c < ncols]
        return cells

    def _repeat_raw(self, inner: str, headers: list[str]) -> dict:
        n = len(headers)
        return {headers[c]: v for c, v in self.book.cells(inner) if c < n}

    def complete(self, sub: Submission, raw: dict | None = None) -> Submission:
        """Fill in the fields and repeats of a submission read with `defer_fields`, from
        its raw record (`raw`, when `sub.raw` holds it encoded already): the same as
        reading them directly (a test checks)."""
        if sub.fields is not None or sub.skipped:
            return sub
        key_of = self._key_of
        if key_of is None:
            key_of = self._key_of = dict(zip(self.headers, self.keys, strict=False))
        if raw is None:
            raw = sub.raw
        sub.fields = {key_of[h]: v for h, v in raw.items() if h != "__repeats__"}
        raw_repeats = raw.get("__repeats__") or {}
        sub.repeats = {}
        for name in self.repeat_sheets:
            rows = raw_repeats.get(name) or ()
            if not rows:
                sub.repeats[name] = []
                continue
            rkeys = self._repeat_key_of[name]
            sub.repeats[name] = [
                {rkeys[h]: v for h, v in row.items() if not h.startswith("_")} for row in rows
            ]
        return sub

    def _repeat_headers(self, sheet_name: str) -> list[str]:
        first = next(iter(self.book.raw_rows(sheet_name)), None)
        return [str(h).strip() for h in self.book.decode(first[1])] if first else []

    def __iter__(self) -> Iterator[Submission]:
        try:
            yield from self._submissions()
        except _READ_ERRORS as exc:
            raise self._damaged(exc, self.sheet) from exc

    def _submissions(self) -> Iterator[Submission]:
        """The main sheet's rows as submissions, their repeat rows merge-joined.

        Longer than 80 lines on purpose: it is the per-row loop of every XLSX import
        (100,000 rows read in a few seconds), kept in one frame with its lookups in
        locals; a helper call per row and per repeat sheet costs measurably there."""
        headers, keys, sheet, book = self.headers, self.keys, self.sheet, self.book
        self._keys_cache: dict[int, list[str]] = {}
        idx_col = headers.index("_index") if "_index" in headers else None
        uuid_col = headers.index("_uuid") if "_uuid" in headers else None
        root_col = headers.index("meta/rootUuid") if "meta/rootUuid" in headers else None
        inst_col = headers.index("meta/instanceID") if "meta/instanceID" in headers else None
        time_col = headers.index("_submission_time") if "_submission_time" in headers else None
        value = self.labels.value if self.labels is not None else None
        known = self.known
        defer = self.defer_fields and value is None
        streams = []
        for name in self.repeat_sheets:
            stream = self._repeat_stream(name)
            streams.append([name, stream, next(stream, None), None])
        ncols = min(len(headers), len(keys))
        # A deferred row is decoded straight into its raw record (header → value).
        names = {column_letter(c): headers[c] for c in range(ncols)}

        def decoded(inner: str) -> tuple[list | None, dict]:
            """(cells, raw record) of a main-sheet row; no cells when deferred."""
            if defer:
                return None, book.named(inner, names)
            cells = self._main_cells(inner, ncols)
            return cells, {headers[c]: v for c, v in cells}

        rows = book.raw_rows(sheet)
        next(rows, None)  # the header row
        for line, inner in rows:
            if not inner:
                continue
            column = self._column
            cells = raw = None
            if known is None:
                # Nothing to compare with (a first import): decode the row at once and
                # read the identity from it.
                cells, raw = decoded(inner)
                if not raw:
                    continue
                uid = (
                    strip_uuid(raw.get("meta/rootUuid"))
                    or strip_uuid(raw.get("_uuid"))
                    or strip_uuid(raw.get("meta/instanceID"))
                )
                index = raw.get("_index", line - 1) if idx_col is not None else line - 1
                submitted = raw.get("_submission_time")
            else:

                def uid_from(col, inner=inner, column=column):
                    return strip_uuid(column(inner, col)) if col is not None else ""

                uid = uid_from(root_col) or uid_from(uuid_col) or uid_from(inst_col)
                index = _cell(column(inner, idx_col)) if idx_col is not None else line - 1
                submitted = _cell(column(inner, time_col)) if time_col is not None else None
            submitted = str(submitted) if submitted not in (None, "") else None
            # This submission's repeat rows, as XML, by sheet.
            repeat_xml: list[tuple[str, list[tuple[int, str, list]]]] = []
            for st in streams:
                name, stream, current = st[0], st[1], st[2]
                mine: list = []
                if st[3] is not None:  # indexed fallback
                    mine = st[3].pop(index, [])
                else:
                    while current is not None and current[0] == index:
                        mine.append(current[1:])
                        current = next(stream, None)
                    if (
                        current is not None
                        and isinstance(current[0], int)
                        and isinstance(index, int)
                        and current[0] < index
                    ):
                        # Out of order: index the rest of the sheet by parent once.
                        table: dict = {}
                        while current is not None:
                            table.setdefault(current[0], []).append(current[1:])
                            current = next(stream, None)
                        st[3] = table
                        mine = table.pop(index, [])
                    st[2] = current
                repeat_xml.append((name, mine))
            digest = hashlib.blake2b(digest_size=16)
            digest.update((self._salt + book.row_key(line, inner)).encode("utf-8"))
            for name, mine in repeat_xml:
                digest.update(f"\x03{name}".encode())
                for number, rinner, _headers in mine:
                    digest.update(("\x04" + book.row_key(number, rinner)).encode("utf-8"))
            raw_hash = digest.hexdigest()
            if known is not None and uid and known(uid, raw_hash):
                yield Submission(
                    uuid=uid,
                    submitted_at=submitted,
                    fields={},
                    repeats=None,
                    raw={},
                    row=line,
                    sheet=sheet,
                    raw_hash=raw_hash,
                    skipped=True,
                )
                continue
            if raw is None:
                cells, raw = decoded(inner)
                if not raw:
                    continue
            if defer:
                fields = repeats = None
                raw_repeats = {
                    name: [self._repeat_raw(rinner, rheaders) for _n, rinner, rheaders in mine]
                    for name, mine in repeat_xml
                }
            else:
                if value is None:
                    fields = {keys[c]: v for c, v in cells}
                else:
                    fields = {keys[c]: value(keys[c], v) for c, v in cells}
                repeats = {}
                raw_repeats = {}
                for name, mine in repeat_xml:
                    out = repeats.setdefault(name, [])
                    rawlist = raw_repeats.setdefault(name, [])
                    for _number, rinner, rheaders in mine:
                        fields_r, raw_r = self._repeat_fields(rinner, rheaders)
                        out.append(fields_r)
                        rawlist.append(raw_r)
            if any(raw_repeats.values()):
                raw["__repeats__"] = {k: v for k, v in raw_repeats.items() if v}
            yield Submission(
                uuid=uid or "",
                submitted_at=submitted,
                fields=fields,
                repeats=repeats,
                raw=raw,
                row=line,
                sheet=sheet,
                raw_hash=raw_hash,
            )
