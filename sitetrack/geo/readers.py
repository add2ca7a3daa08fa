"""Reading COD tables (CSV, XLSX, GeoJSON) into plain rows.

Nothing here touches the database. A file that cannot be read at all raises
`TableError` naming the file and what was expected; the import turns those into one
`AdminAreaImportError`. Which columns hold what is `sitetrack.geo.cod_import.columns`.

From the shared reading layer (`sitetrack.core.tabular`): the guards run before a file
is opened (size, zip structure and zip bombs, passwords; cells over 32,767 characters),
the text decoding and separator, HXL tag rows, and the missing-value tokens and numbers
(in `cod_import.values`). COD-specific, here: a sheet or header "fits" when it has a
P-code column (`cod_import.columns.fits`), which the shared layer's field scoring cannot
say of open-ended columns such as ADM2_AR or admin3Name_so.

Workbooks: every sheet whose header has a P-code column is read (a gazetteer with one
sheet per level imports in one go), the others (notes, pivots) are skipped and the
`Reading.notes` say so; `sheet=` reads one sheet only. The header may sit below title
rows. XLSX rows are streamed (`sitetrack.core.tabular.xlsx_stream`), not loaded whole
as python-calamine does: a 6 KB workbook with one stray cell at row 20,000, column 2,000
costs calamine 1.5 GB; a sheet that declares a million empty rows costs nothing here.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from sitetrack.core.tabular import (
    MAX_CELL_CHARS,
    TabularError,
    UndecodableText,
    cell_text,
    check_size,
    check_xlsx,
    decode_text,
    is_hxl_row,
    sniff_delimiter,
)
from sitetrack.core.tabular.safety import OLE_MAGIC, huge_cell
from sitetrack.geo.cod_import.columns import fits

HEADER_SCAN = 30  # rows searched for the header (title rows above it)
MAX_ROWS = 500_000  # data rows per sheet: the largest COD tables (admin 4) have ~100,000
MAX_COLUMNS = 1_000
MAX_LEGACY_CELLS = 65_536 * 256  # an .xls sheet holds no more


class TableError(Exception):
    """A file that cannot be imported at all (missing, undecodable, empty, wrong shape)."""

    def __init__(self, file: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.file = file
        self.rule = rule
        self.message = message


@dataclass
class Table:
    """One sheet of rows. `rows` holds (row number as a person sees it, values)."""

    label: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    geometries: list[Any] | None = None  # GeoJSON: one geometry per row
    encoding: str = ""
    header_row: int = 1


@dataclass
class Reading:
    """The tables of one file, and what the reader chose (sheet, header row) in words."""

    tables: list[Table]
    notes: list[str] = field(default_factory=list)


def read_tables(path: Path, *, sheet: str | None = None) -> Reading:
    label = path.name
    if not path.exists():
        raise TableError(label, "file_not_found", _("File not found: %(path)s.") % {"path": path})
    if path.is_dir():
        raise TableError(label, "file_not_found", _("%(path)s is a folder, not a file.") % {"path": path})
    _check_size(path, label)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head[:4] == b"PK\x03\x04":
        return _read_xlsx(path, label, sheet)
    if head == OLE_MAGIC and path.suffix.lower() == ".xls":
        return _read_legacy_workbook(path, label, sheet)
    if head == OLE_MAGIC:  # an encrypted XLSX: check_xlsx says so
        return _read_xlsx(path, label, sheet)
    raw = path.read_bytes()
    if not raw.strip():
        raise TableError(label, "empty", _("The file is empty: expected a header row and data rows."))
    text, encoding = decode(raw, label)
    stripped = text.lstrip()
    if path.suffix.lower() in (".geojson", ".json") or stripped.startswith("{"):
        return Reading([_read_geojson(text, label, encoding)])
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise TableError(
            label, "format", _("The file is named like a spreadsheet but is not one (expected XLSX).")
        )
    table = _read_csv(text, label, encoding)
    notes = [_("%(file)s: header on row %(row)d.") % {"file": label, "row": table.header_row}]
    return Reading([table], notes if table.header_row > 1 else [])


def _check_size(path: Path, label: str) -> None:
    try:
        check_size(path.stat().st_size, name=label)
    except TabularError as exc:
        raise TableError(label, exc.problem.rule, exc.problem.message) from exc


def _check_cells(label: str, number: int, values: list[Any]) -> None:
    for index, value in enumerate(values):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            problem = huge_cell(
                file=label, sheet="", row=number, column=str(index + 1), length=len(value)
            ).problem
            raise TableError(label, problem.rule, f"{problem.message} ({_('row')} {number})")


def decode(raw: bytes, label: str) -> tuple[str, str]:
    try:
        return decode_text(raw)
    except UndecodableText as exc:
        raise TableError(label, "encoding", str(exc)) from exc


def _header_index(rows: list[list[Any]]) -> int | None:
    """The first row (of the first HEADER_SCAN) that has a P-code column, else the first
    non-empty row; None when every row is empty."""
    first = None
    for index, values in enumerate(rows[:HEADER_SCAN]):
        if not any(cell_text(v) for v in values):
            continue
        if first is None:
            first = index
        if fits(values):
            return index
    return first


def _finish(label: str, header: list[str], rows: list[tuple[int, list[Any]]], **extra) -> Table:
    if not any(cell_text(h) for h in header):
        raise TableError(label, "empty", _("No header row: expected column names such as Adm1_pcode."))
    if rows and is_hxl_row([cell_text(v) for v in rows[0][1]]):
        rows = rows[1:]  # an HXL hashtag row under the header (#adm1+code ...)
    rows = [(n, values) for n, values in rows if any(cell_text(v) for v in values)]
    if not rows:
        raise TableError(label, "empty", _("The file has a header but no data rows."))
    return Table(label=label, header=[cell_text(h) for h in header], rows=rows, **extra)


def _read_csv(text: str, label: str, encoding: str) -> Table:
    body = text.lstrip("\ufeff")
    first_lines = body.split("\n", HEADER_SCAN)[:HEADER_SCAN]
    delimiter = sniff_delimiter(max(first_lines, key=lambda line: len(line)) if first_lines else "")
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    lines: list[tuple[int, list[str]]] = []
    try:
        for values in reader:
            _check_cells(label, reader.line_num, values)
            lines.append((reader.line_num, values))
            if len(lines) > MAX_ROWS + HEADER_SCAN:
                raise TableError(label, "too_many_rows", _too_many(label))
    except csv.Error as exc:
        raise TableError(
            label,
            "format",
            _("Not a readable CSV table (line %(line)d: %(error)s).")
            % {"line": reader.line_num, "error": exc},
        ) from exc
    at = _header_index([values for _n, values in lines]) or 0
    header_row = lines[at][0] if lines else 1
    header = lines[at][1] if lines else []
    return _finish(label, header, lines[at + 1 :], encoding=encoding, header_row=header_row)


def _too_many(label: str) -> str:
    return _("%(file)s has more than %(max)d rows: split it by admin level or region.") % {
        "file": label,
        "max": MAX_ROWS,
    }


def _read_xlsx(path: Path, label: str, sheet: str | None) -> Reading:
    from sitetrack.core.tabular.xlsx_stream import XlsxStream

    try:
        check_xlsx(path, name=label)
        stream = XlsxStream(path)
    except TabularError as exc:
        raise TableError(label, exc.problem.rule, exc.problem.message) from exc
    except Exception as exc:  # a damaged zip or workbook XML
        raise TableError(
            label, "format", _("Not a readable spreadsheet (%(error)s): expected XLSX.") % {"error": exc}
        ) from exc
    try:

        def rows(name: str):
            # Rows the sheet's XML leaves out (empty) are skipped, not materialised.
            return ((number, stream.decode(inner)) for number, inner in stream.raw_rows(name))

        return _read_sheets(label, stream.sheet_names, rows, sheet)
    finally:
        stream.close()


def _read_legacy_workbook(path: Path, label: str, sheet: str | None) -> Reading:
    """A legacy .xls: read by python-calamine, whose sheets are bounded (65,536 × 256)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several of its own types
        raise TableError(
            label, "format", _("Not a readable spreadsheet (%(error)s): expected XLSX.") % {"error": exc}
        ) from exc

    def rows(name: str):
        sheet = workbook.get_sheet_by_name(name)
        if sheet.total_height * sheet.total_width > MAX_LEGACY_CELLS:
            raise TableError(label, "too_many_rows", _too_many(label))
        return enumerate(sheet.to_python(skip_empty_area=False), start=1)

    return _read_sheets(label, workbook.sheet_names, rows, sheet)


def _read_sheets(label: str, names: list[str], rows_of, wanted: str | None) -> Reading:
    if wanted is not None and wanted not in names:
        raise TableError(
            label,
            "sheet_not_found",
            _("The workbook has no sheet '%(sheet)s'; its sheets are: %(names)s.")
            % {"sheet": wanted, "names": ", ".join(f"'{n}'" for n in names)},
        )
    tables, skipped, notes = [], [], []
    for name in [wanted] if wanted is not None else names:
        table = _read_sheet(f"{label}[{name}]", rows_of(name), require_fit=wanted is None)
        if table is None:
            skipped.append(name)
            continue
        tables.append(table)
        notes.append(
            _("%(file)s: read sheet '%(sheet)s' (header on row %(row)d).")
            % {"file": label, "sheet": name, "row": table.header_row}
        )
    if skipped and tables:
        notes.append(
            _("%(file)s: skipped %(sheets)s (no P-code column in the first %(n)d rows, or a pivot table).")
            % {"file": label, "sheets": ", ".join(f"'{n}'" for n in skipped), "n": HEADER_SCAN}
        )
    if not tables:
        raise TableError(
            label,
            "no_pcode_column",
            _(
                "No sheet of the workbook has a P-code column (such as Adm1_pcode, ADM2_PCODE or admin1Pcode) "
                "in its first %(n)d rows; its sheets are: %(names)s. Give the sheet with --sheet NAME."
            )
            % {"n": HEADER_SCAN, "names": ", ".join(f"'{n}'" for n in names)},
        )
    return Reading(tables, notes)


def _read_sheet(label: str, rows, *, require_fit: bool) -> Table | None:
    """One sheet, streamed from (row number, values) pairs; None when it is empty, or
    has no fitting header and one is required."""
    head: list[tuple[int, list[Any]]] = []
    for number, values in rows:
        _check_cells(label, number, values)
        head.append((number, list(values[:MAX_COLUMNS])))
        if len(head) >= HEADER_SCAN or fits(head[-1][1]):
            break
    at = _header_index([values for _number, values in head])
    if at is None or (require_fit and not fits(head[at][1])):
        return None
    data = head[at + 1 :]
    for number, values in rows:
        _check_cells(label, number, values)
        if any(cell_text(v) for v in values):
            data.append((number, list(values[:MAX_COLUMNS])))
            if len(data) > MAX_ROWS:
                raise TableError(label, "too_many_rows", _too_many(label))
    try:
        return _finish(label, list(head[at][1]), data, encoding="xlsx", header_row=head[at][0])
    except TableError:
        if require_fit:
            return None  # a header and nothing under it, next to the data
        raise


def _read_geojson(text: str, label: str, encoding: str) -> Table:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TableError(
            label,
            "format",
            _(
                "Not valid JSON (line %(line)d, column %(col)d: %(error)s): expected a GeoJSON FeatureCollection."
            )
            % {"line": exc.lineno, "col": exc.colno, "error": exc.msg},
        ) from exc
    except RecursionError as exc:
        # Arrays or objects nested thousands deep: no GeoJSON is, and the decoder gives up.
        raise TableError(
            label,
            "too_deep",
            _("The JSON is nested too deeply to be GeoJSON: expected a FeatureCollection of features."),
        ) from exc
    features = data.get("features") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(features, list)
    ):
        raise TableError(label, "format", _("Expected a GeoJSON FeatureCollection with a list of features."))
    if not features:
        raise TableError(label, "empty", _("The FeatureCollection has no features."))
    header: list[str] = []
    seen: set[str] = set()
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        for key in props or {}:
            if key not in seen:
                seen.add(key)
                header.append(key)
    rows, geometries = [], []
    for number, feature in enumerate(features, start=1):
        props = (feature.get("properties") if isinstance(feature, dict) else None) or {}
        rows.append((number, [props.get(key) for key in header]))
        geometries.append(feature.get("geometry") if isinstance(feature, dict) else None)
    table = _finish(label, header, rows, encoding=encoding)
    by_number = dict(zip(range(1, len(features) + 1), geometries, strict=True))
    table.geometries = [by_number[number] for number, _values in table.rows]
    return table
