"""Reading COD tables (CSV, XLSX, GeoJSON) into plain rows, and recognising their columns.

Nothing here touches the database. A file that cannot be read at all raises
`TableError` naming the file and what was expected; the import turns those into one
`AdminAreaImportError`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from sitetrack.core.tabular import UndecodableText, cell_text, decode_text, sniff_delimiter

# How a COD table names its columns, case-insensitive, after spaces and hyphens become
# underscores: Adm1_name, Adm1_pcode, Adm1_Pcode, ADM1_EN, ADM1_FR, adm1_name_fr,
# ADM1_PCODE, admin1Pcode, admin1Name_fr ...
_LEVEL_COLUMN = re.compile(r"^adm(?:in)?([0-9])_?(.*)$")
_PCODE_KINDS = {"pcode": 0, "p_code": 0, "code": 1}
_NAME_EN_KINDS = {"en": 0, "name_en": 0, "nameen": 0, "name": 1, "ref": 2, "ref_name": 2, "refname": 2}
_NAME_FR_KINDS = {"fr": 0, "name_fr": 0, "namefr": 0}
POPULATION_COLUMNS = (
    "t_tl",
    "total",
    "pop",
    "population",
    "total_pop",
    "pop_total",
    "totpop",
    "t_pop",
    "total_population",
    "population_total",
)
YEAR_COLUMNS = ("year", "reference_year", "ref_year", "population_year")


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


@dataclass
class LevelColumns:
    pcode: int | None = None
    name_en: int | None = None
    name_fr: int | None = None
    _ranks: dict[str, int] = field(default_factory=dict, repr=False)

    def offer(self, kind: str, index: int, rank: int) -> None:
        if getattr(self, kind) is None or rank < self._ranks[kind]:
            setattr(self, kind, index)
            self._ranks[kind] = rank


@dataclass
class Columns:
    levels: dict[int, LevelColumns]
    population: int | None = None
    year: int | None = None

    @property
    def pcode_levels(self) -> list[int]:
        return sorted(level for level, cols in self.levels.items() if cols.pcode is not None)


def normalise_header(name: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(name if name is not None else "").strip().lower())


def detect_columns(header: list[str]) -> Columns:
    levels: dict[int, LevelColumns] = {}
    population = year = None
    for index, raw in enumerate(header):
        key = normalise_header(raw)
        match = _LEVEL_COLUMN.match(key)
        if match:
            level, rest = int(match.group(1)), match.group(2).strip("_")
            cols = levels.setdefault(level, LevelColumns())
            if rest in _PCODE_KINDS:
                cols.offer("pcode", index, _PCODE_KINDS[rest])
            elif rest in _NAME_EN_KINDS:
                cols.offer("name_en", index, _NAME_EN_KINDS[rest])
            elif rest in _NAME_FR_KINDS:
                cols.offer("name_fr", index, _NAME_FR_KINDS[rest])
        elif key in POPULATION_COLUMNS and population is None:
            population = index
        elif key in YEAR_COLUMNS and year is None:
            year = index
    return Columns(levels=levels, population=population, year=year)


# --- reading files ---------------------------------------------------------------------


def read_tables(path: Path) -> list[Table]:
    label = path.name
    if not path.exists():
        raise TableError(label, "file_not_found", _("File not found: %(path)s.") % {"path": path})
    if path.is_dir():
        raise TableError(label, "file_not_found", _("%(path)s is a folder, not a file.") % {"path": path})
    raw = path.read_bytes()
    if not raw.strip():
        raise TableError(label, "empty", _("The file is empty: expected a header row and data rows."))
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_workbook(path, label)
    text, encoding = decode(raw, label)
    stripped = text.lstrip()
    if path.suffix.lower() in (".geojson", ".json") or stripped.startswith("{"):
        return [_read_geojson(text, label, encoding)]
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise TableError(
            label, "format", _("The file is named like a spreadsheet but is not one (expected XLSX).")
        )
    return [_read_csv(text, label, encoding)]


def decode(raw: bytes, label: str) -> tuple[str, str]:
    try:
        return decode_text(raw)
    except UndecodableText as exc:
        raise TableError(label, "encoding", str(exc)) from exc


def _is_hxl_row(values: list[Any]) -> bool:
    cells = [cell_text(v) for v in values if cell_text(v)]
    return bool(cells) and all(c.startswith("#") for c in cells)


def _finish(label: str, header: list[str], rows: list[tuple[int, list[Any]]], **extra) -> Table:
    if not any(cell_text(h) for h in header):
        raise TableError(label, "empty", _("No header row: expected column names such as Adm1_pcode."))
    if rows and _is_hxl_row(rows[0][1]):
        rows = rows[1:]  # an HXL hashtag row under the header (#adm1+code ...)
    rows = [(n, values) for n, values in rows if any(cell_text(v) for v in values)]
    if not rows:
        raise TableError(label, "empty", _("The file has a header but no data rows."))
    return Table(label=label, header=[cell_text(h) for h in header], rows=rows, **extra)


def _read_csv(text: str, label: str, encoding: str) -> Table:
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=sniff_delimiter(first_line))
    try:
        header = next(reader, [])
        rows = [(reader.line_num, list(values)) for values in reader]
    except csv.Error as exc:
        raise TableError(
            label,
            "format",
            _("Not a readable CSV table (line %(line)d: %(error)s).")
            % {"line": reader.line_num, "error": exc},
        ) from exc
    return _finish(label, header, rows, encoding=encoding)


def _read_workbook(path: Path, label: str) -> list[Table]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several of its own types
        raise TableError(
            label, "format", _("Not a readable spreadsheet (%(error)s): expected XLSX.") % {"error": exc}
        ) from exc
    tables = []
    for sheet_name in workbook.sheet_names:
        data = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        start = next((i for i, row in enumerate(data) if any(cell_text(v) for v in row)), None)
        if start is None:
            continue
        rows = [(start + i + 2, list(values)) for i, values in enumerate(data[start + 1 :])]
        try:
            tables.append(_finish(f"{label}[{sheet_name}]", list(data[start]), rows, encoding="xlsx"))
        except TableError:
            continue  # an empty sheet next to the data (notes, metadata)
    if not tables:
        raise TableError(label, "empty", _("Every sheet of the workbook is empty."))
    return tables


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
