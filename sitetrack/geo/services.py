"""Writes for admin areas: the COD table import, and create / update of one area.

The import reads COD tables (CSV, XLSX, GeoJSON), reports every inconsistency it finds
as a `Finding` (file, row, column, value, rule, message) and never silently fixes one:
within a call, the first value seen wins and the finding says so. It is idempotent (a
re-import updates changed values and creates nothing twice) and atomic (a fatal problem
in any file raises `AdminAreaImportError` and nothing is written).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sitetrack.geo.models import AdminArea
from sitetrack.geo.readers import Columns, Table, TableError, cell_text, detect_columns, name_key, read_tables

# Country names and extents used when a table has no Adm0 columns. Extents are the
# country's bounding box in WGS84 (lon/lat), rounded outwards; see docs/geo.md.
COUNTRIES: dict[str, dict[str, Any]] = {
    "CF": {
        "name_en": "Central African Republic",
        "name_fr": "République centrafricaine",
        "extent": (14.4, 2.2, 27.5, 11.1),  # min lon, min lat, max lon, max lat
    },
}

MAX_POPULATION = 2_147_483_647
_PCODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,19}$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:([,. \u00a0\u202f'])\d{3})(?:\1\d{3})*$")
_DECIMAL = re.compile(r"^\d+[.,]\d+$")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


class Rule:
    """Names of the rules a finding or an error reports (stable: scripts may read them)."""

    PREFIX_MISMATCH = "prefix_mismatch"
    DUPLICATE_CODE = "duplicate_code"
    NAME_CONFLICT = "name_conflict"
    NAME_CODE_CONFLICT = "name_code_conflict"
    MISSING_PARENT = "missing_parent"
    PARENT_CONFLICT = "parent_conflict"
    LEVEL_CONFLICT = "level_conflict"
    VALUE_CONFLICT = "value_conflict"
    MISSING_CODE = "missing_code"
    UNKNOWN_COUNTRY = "unknown_country_name"
    INVALID_GEOMETRY = "invalid_geometry"
    # Fatal: nothing is written.
    NOT_A_NUMBER = "not_a_number"
    INVALID_CODE = "invalid_code"
    NO_PCODE_COLUMN = "no_pcode_column"
    NO_PARENT = "no_parent"


@dataclass(frozen=True)
class Finding:
    file: str
    row: int | None
    column: str
    value: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        if self.column:
            where += f" {self.column}={self.value}"
        return f"{where} — {self.rule}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    files: list[str]
    dry_run: bool = False
    counts: dict[int, LevelCounts] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def level(self, level: int) -> LevelCounts:
        return self.counts.setdefault(level, LevelCounts())

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())

    def rules(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for finding in self.findings:
            counts[finding.rule] += 1
        return dict(counts)

    def summary_lines(self) -> list[str]:
        lines = [
            _("admin%(level)d: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            % {"level": level, "created": c.created, "updated": c.updated, "unchanged": c.unchanged}
            for level, c in sorted(self.counts.items())
        ]
        lines.append(_("%(count)d findings") % {"count": len(self.findings)})
        if self.dry_run:
            lines.append(_("Dry run: nothing was saved."))
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "dry_run": self.dry_run,
            "levels": {
                str(level): {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
                for level, c in sorted(self.counts.items())
            },
            "findings": [f.as_dict() for f in self.findings],
        }


class AdminAreaImportError(ValidationError):
    """Fatal problems: nothing was written. `problems` holds them as findings."""

    def __init__(self, problems: list[Finding]) -> None:
        self.problems = problems
        super().__init__({"paths": [str(p) for p in problems]})


# --- planning: what the files say --------------------------------------------------------


@dataclass
class Origin:
    file: str
    row: int | None
    column: str


@dataclass
class Planned:
    """One admin area as the files of this call describe it (first value wins)."""

    pcode: str
    level: int
    name_en: str
    name_fr: str
    parent: str | None
    origin: Origin
    own: bool = False  # defined as a row's deepest unit somewhere (not only referenced)
    population: int | None = None
    population_year: int | None = None
    boundary: dict | None = None
    bbox: tuple[float, float, float, float] | None = None
    source: str = ""
    extent: tuple[float, float, float, float] | None = None  # admin0 only, from COUNTRIES


@dataclass
class Unit:
    level: int
    pcode: str
    name_en: str
    name_fr: str
    column: str  # the P-code column's header, for findings
    parent: str | None = None
    parent_in_row: bool = False


class _Plan:
    def __init__(self, country_name: str | None) -> None:
        self.country_name = country_name
        self.areas: dict[str, Planned] = {}
        self.findings: list[Finding] = []
        self.errors: list[Finding] = []
        self.defined: dict[int, set[str]] = defaultdict(set)  # own codes per level, all files
        self.defining_files: dict[int, list[str]] = defaultdict(list)
        # (file, row, column, code, level, child code) for every code used as a parent
        self.references: list[tuple[str, int, str, str, int, str]] = []
        self._reported: set[tuple] = set()

    def find(self, origin: Origin, value: str, rule: str, message: str, *, once: tuple | None = None) -> None:
        if once is not None:
            if once in self._reported:
                return
            self._reported.add(once)
        self.findings.append(Finding(origin.file, origin.row, origin.column, value, rule, message))

    def error(self, origin: Origin, value: str, rule: str, message: str) -> None:
        self.errors.append(Finding(origin.file, origin.row, origin.column, value, rule, message))

    # -- one table ---------------------------------------------------------------------

    def add_table(self, table: Table) -> None:
        columns = detect_columns(table.header)
        levels = [level for level in columns.pcode_levels if level > 0]
        if not levels and 0 not in columns.pcode_levels:
            self.error(
                Origin(table.label, None, ""),
                "",
                Rule.NO_PCODE_COLUMN,
                _(
                    "No P-code column found among %(columns)s: expected columns such as Adm1_pcode, "
                    "Adm2_Pcode, ADM3_PCODE or admin1Pcode."
                )
                % {"columns": ", ".join(table.header)},
            )
            return
        own_level = max(columns.pcode_levels)
        self.defining_files[own_level].append(table.label)
        year = self._year_from_name(table.label) if columns.population is not None else None
        seen_in_file: dict[str, tuple[int, Unit, int | None]] = {}
        for index, (row_number, values) in enumerate(table.rows):
            geometry = table.geometries[index] if table.geometries else None
            self._add_row(table, columns, own_level, row_number, values, geometry, year, seen_in_file)

    @staticmethod
    def _year_from_name(label: str) -> int | None:
        match = _YEAR_IN_NAME.search(label)
        return int(match.group(1)) if match else None

    def _row_units(self, table: Table, columns: Columns, row: int, values: list[Any]) -> list[Unit]:
        units: list[Unit] = []
        for level in columns.pcode_levels:
            cols = columns.levels[level]
            code = cell_text(values[cols.pcode]) if cols.pcode < len(values) else ""
            name_en = (
                cell_text(values[cols.name_en])
                if cols.name_en is not None and cols.name_en < len(values)
                else ""
            )
            name_fr = (
                cell_text(values[cols.name_fr])
                if cols.name_fr is not None and cols.name_fr < len(values)
                else ""
            )
            column = table.header[cols.pcode]
            origin = Origin(table.label, row, column)
            if not code:
                if name_en or name_fr:
                    self.find(
                        origin,
                        "",
                        Rule.MISSING_CODE,
                        _("'%(name)s' has no P-code at admin level %(level)d; the area is left out.")
                        % {"name": name_en or name_fr, "level": level},
                    )
                continue
            if not _PCODE.match(code):
                self.error(
                    origin,
                    code,
                    Rule.INVALID_CODE,
                    _("Not a P-code: expected letters and digits, at most 20 characters."),
                )
                continue
            units.append(Unit(level, code, name_en or name_fr, name_fr, column))
        return units

    def _add_row(
        self,
        table: Table,
        columns: Columns,
        own_level: int,
        row: int,
        values: list[Any],
        geometry: Any,
        year: int | None,
        seen_in_file: dict,
    ) -> None:
        units = self._row_units(table, columns, row, values)
        if not units:
            return
        if units[0].level > 0:
            units.insert(0, self._country_unit(units[0], Origin(table.label, row, units[0].column)))
        elif self.country_name or not units[0].name_en:
            known = COUNTRIES.get(units[0].pcode, {})
            units[0].name_en = self.country_name or known.get("name_en") or units[0].pcode
            units[0].name_fr = units[0].name_fr or ("" if self.country_name else known.get("name_fr", ""))
        for upper, lower in zip(units, units[1:], strict=False):
            if upper.level == lower.level - 1:
                lower.parent = upper.pcode
                lower.parent_in_row = True
        own = units[-1] if units[-1].level == own_level else None

        population = boundary = bbox = None
        if own is not None and columns.population is not None and columns.population < len(values):
            population = self._population(
                values[columns.population], Origin(table.label, row, table.header[columns.population])
            )
        row_year = year
        if columns.year is not None and columns.year < len(values) and cell_text(values[columns.year]):
            text = cell_text(values[columns.year])
            row_year = int(text) if text.isdigit() else year
        if own is not None and geometry is not None:
            boundary, bbox = self._geometry(geometry, Origin(table.label, row, "geometry"), own.pcode)

        for unit in units:
            origin = Origin(table.label, row, unit.column)
            is_own = unit is own
            if unit.parent and unit.level > 0 and unit.parent_in_row:
                parent = next(u for u in units if u.pcode == unit.parent)
                if not unit.pcode.startswith(parent.pcode):
                    self.find(
                        origin,
                        unit.pcode,
                        Rule.PREFIX_MISMATCH,
                        _(
                            "%(code)s (%(name)s) does not start with the code of its parent %(parent)s (%(pname)s)."
                        )
                        % {
                            "code": unit.pcode,
                            "name": unit.name_en,
                            "parent": parent.pcode,
                            "pname": parent.name_en,
                        },
                        once=("prefix", table.label, unit.pcode, parent.pcode),
                    )
            if unit.parent and unit.parent_in_row:
                parent_unit = next(u for u in units if u.pcode == unit.parent)
                if parent_unit.level > 0:
                    self.references.append(
                        (
                            table.label,
                            row,
                            parent_unit.column,
                            parent_unit.pcode,
                            parent_unit.level,
                            unit.pcode,
                        )
                    )
            self._merge(
                unit,
                origin,
                is_own,
                seen_in_file,
                row,
                population=population if is_own else None,
                year=row_year if is_own and population is not None else None,
                boundary=boundary if is_own else None,
                bbox=bbox if is_own else None,
                source=table.label if is_own else "",
            )
            if is_own:
                self.defined[unit.level].add(unit.pcode)

    def _country_unit(self, top: Unit, origin: Origin) -> Unit:
        prefix = top.pcode[:2].upper()
        if not prefix.isalpha():
            self.error(
                origin,
                top.pcode,
                Rule.INVALID_CODE,
                _("Cannot tell the country of %(code)s: add Adm0_pcode and Adm0_name columns.")
                % {"code": top.pcode},
            )
        known = COUNTRIES.get(prefix, {})
        name_en = self.country_name or known.get("name_en", "")
        if not name_en:
            self.find(
                origin,
                prefix,
                Rule.UNKNOWN_COUNTRY,
                _("No name is known for the country %(code)s; give one with --country-name.")
                % {"code": prefix},
                once=("country", prefix),
            )
            name_en = prefix
        return Unit(0, prefix, name_en, "" if self.country_name else known.get("name_fr", ""), origin.column)

    def _population(self, value: Any, origin: Origin) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        number: float | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int | float):
            number = float(value)
        else:
            text = str(value).strip()
            if text.isdigit():
                number = float(text)
            elif _THOUSANDS.match(text):
                number = float(re.sub(r"\D", "", text))
            elif _DECIMAL.match(text):
                number = float(text.replace(",", "."))
        if number is None or number != number:  # NaN
            self.error(
                origin,
                cell_text(value),
                Rule.NOT_A_NUMBER,
                _("The population must be a whole number (thousands separators are allowed)."),
            )
            return None
        if number < 0 or number > MAX_POPULATION:
            self.error(
                origin,
                cell_text(value),
                Rule.NOT_A_NUMBER,
                _("The population must be between 0 and %(max)d.") % {"max": MAX_POPULATION},
            )
            return None
        return int(round(number))

    def _geometry(self, geometry: Any, origin: Origin, pcode: str):
        try:
            return boundary_clean(geometry)
        except ValidationError as exc:
            self.find(
                origin,
                pcode,
                Rule.INVALID_GEOMETRY,
                _("The boundary is left out: %(error)s") % {"error": " ".join(exc.messages)},
            )
            return None, None

    def _merge(
        self,
        unit: Unit,
        origin: Origin,
        is_own: bool,
        seen_in_file: dict,
        row: int,
        *,
        population: int | None,
        year: int | None,
        boundary: dict | None,
        bbox,
        source: str,
    ) -> None:
        previous = seen_in_file.get(unit.pcode)
        planned = self.areas.get(unit.pcode)
        if planned is None:
            self.areas[unit.pcode] = Planned(
                pcode=unit.pcode,
                level=unit.level,
                name_en=unit.name_en,
                name_fr=unit.name_fr,
                parent=unit.parent,
                origin=origin,
                own=is_own,
                population=population,
                population_year=year,
                boundary=boundary,
                bbox=bbox,
                source=source,
                extent=COUNTRIES.get(unit.pcode, {}).get("extent") if unit.level == 0 else None,
            )
            seen_in_file[unit.pcode] = (row, unit, population)
            return

        same_file = previous is not None
        where = _("%(file)s row %(row)s") % {"file": planned.origin.file, "row": planned.origin.row}
        if same_file and is_own and previous[1].level == unit.level and planned.own and unit.level > 0:
            where = _("row %(row)d") % {"row": previous[0]}
            differences = []
            if previous[1].name_en != unit.name_en:
                differences.append(
                    _("name '%(a)s' / '%(b)s'") % {"a": previous[1].name_en, "b": unit.name_en}
                )
            if previous[2] != population:
                differences.append(_("population %(a)s / %(b)s") % {"a": previous[2], "b": population})
            if previous[1].parent != unit.parent:
                differences.append(_("parent %(a)s / %(b)s") % {"a": previous[1].parent, "b": unit.parent})
            detail = (
                _("with different values (%(diff)s)") % {"diff": "; ".join(differences)}
                if differences
                else _("with the same values")
            )
            self.find(
                origin,
                unit.pcode,
                Rule.DUPLICATE_CODE,
                _("%(code)s already appears in %(where)s, %(detail)s; the first row is kept.")
                % {"code": unit.pcode, "where": where, "detail": detail},
            )
            return

        if planned.level != unit.level:
            self.find(
                origin,
                unit.pcode,
                Rule.LEVEL_CONFLICT,
                _("%(code)s is admin level %(a)d in %(where)s but level %(b)d here; the first is kept.")
                % {"code": unit.pcode, "a": planned.level, "b": unit.level, "where": where},
            )
            return
        if unit.level > 0 and planned.name_en != unit.name_en:
            self.find(
                origin,
                unit.pcode,
                Rule.NAME_CONFLICT,
                _("%(code)s is named '%(here)s' here but '%(first)s' in %(where)s; the first name is kept.")
                % {"code": unit.pcode, "here": unit.name_en, "first": planned.name_en, "where": where},
                once=("name", origin.file, unit.pcode, unit.name_en),
            )
        if unit.parent_in_row and planned.parent and unit.parent != planned.parent:
            self.find(
                origin,
                unit.pcode,
                Rule.PARENT_CONFLICT,
                _(
                    "%(code)s is under %(here)s here but under %(first)s in %(where)s; the first parent is kept."
                )
                % {"code": unit.pcode, "here": unit.parent, "first": planned.parent, "where": where},
                once=("parent", origin.file, unit.pcode, unit.parent),
            )
        if population is not None:
            if planned.population is None:
                planned.population, planned.population_year = population, year
            elif planned.population != population:
                self.find(
                    origin,
                    unit.pcode,
                    Rule.VALUE_CONFLICT,
                    _(
                        "The population of %(code)s is %(here)d here but %(first)d in %(where)s; the first is kept."
                    )
                    % {"code": unit.pcode, "here": population, "first": planned.population, "where": where},
                )
        if not planned.name_fr and unit.name_fr:
            planned.name_fr = unit.name_fr
        if planned.parent is None and unit.parent:
            planned.parent = unit.parent
        if boundary is not None and planned.boundary is None:
            planned.boundary, planned.bbox = boundary, bbox
        if is_own and not planned.own:
            planned.own, planned.source = True, source
        seen_in_file.setdefault(unit.pcode, (row, unit, population))

    # -- across files and against the database -----------------------------------------

    def check_across(self, existing: dict[str, AdminArea]) -> None:
        self._check_missing_parents(existing)
        self._infer_parents(existing)
        self._check_name_codes(existing)

    def _check_missing_parents(self, existing: dict[str, AdminArea]) -> None:
        known_levels = defaultdict(set)
        for area in AdminArea.objects.filter(level__gt=0).values("level", "pcode"):
            known_levels[area["level"]].add(area["pcode"])
        for file, row, column, code, level, child in self.references:
            if level in self.defined:
                if code in self.defined[level]:
                    continue
                where = ", ".join(self.defining_files[level])
            elif known_levels.get(level):
                if code in known_levels[level]:
                    continue
                where = _("the admin%(level)d areas already in the database") % {"level": level}
            else:
                continue
            name = self.areas[code].name_en if code in self.areas else ""
            self.find(
                Origin(file, row, column),
                code,
                Rule.MISSING_PARENT,
                _("%(code)s (%(name)s), the parent of %(child)s, is not in %(where)s.")
                % {"code": code, "name": name, "child": child, "where": where},
                once=("missing", file, code),
            )

    def _infer_parents(self, existing: dict[str, AdminArea]) -> None:
        for planned in sorted(self.areas.values(), key=lambda p: p.level):
            if planned.level == 0 or planned.parent:
                continue
            candidates = [p.pcode for p in self.areas.values() if p.level == planned.level - 1]
            candidates += list(
                AdminArea.objects.filter(
                    level=planned.level - 1, pcode__startswith=planned.pcode[:2]
                ).values_list("pcode", flat=True)
            )
            matches = sorted({c for c in candidates if planned.pcode.startswith(c)}, key=len, reverse=True)
            if matches:
                planned.parent = matches[0]
                self.find(
                    planned.origin,
                    planned.pcode,
                    Rule.MISSING_PARENT,
                    _(
                        "%(code)s has no admin%(level)d code in the file; placed under %(parent)s by its code prefix."
                    )
                    % {"code": planned.pcode, "level": planned.level - 1, "parent": matches[0]},
                )
            else:
                existing_area = existing.get(planned.pcode)
                if existing_area is not None and existing_area.parent_id:
                    planned.parent = existing_area.parent.pcode
                    continue
                self.error(
                    planned.origin,
                    planned.pcode,
                    Rule.NO_PARENT,
                    _("%(code)s has no admin%(level)d parent in the file and none matches its code.")
                    % {"code": planned.pcode, "level": planned.level - 1},
                )

    def _check_name_codes(self, existing: dict[str, AdminArea]) -> None:
        groups: dict[tuple, list[tuple[str, Origin]]] = defaultdict(list)
        for planned in self.areas.values():
            if planned.level > 0 and planned.parent:
                groups[(planned.level, planned.parent, name_key(planned.name_en))].append(
                    (planned.pcode, planned.origin)
                )
        parents = {key[1] for key in groups}
        for area in AdminArea.objects.filter(parent__pcode__in=parents).select_related("parent"):
            if area.pcode not in self.areas:
                groups[(area.level, area.parent.pcode, name_key(area.name_en))].append(
                    (area.pcode, Origin(_("the database"), None, ""))
                )
        for members in groups.values():
            if len(members) < 2:
                continue
            first_code, first_origin = members[0]
            for code, origin in members[1:]:
                if origin.row is None:  # both sides in the database: not this import's doing
                    code, origin, first_code, first_origin = first_code, first_origin, code, origin
                where = (
                    _("%(file)s row %(row)s") % {"file": first_origin.file, "row": first_origin.row}
                    if first_origin.row
                    else first_origin.file
                )
                self.find(
                    origin,
                    code,
                    Rule.NAME_CODE_CONFLICT,
                    _("'%(name)s' under %(parent)s is coded %(code)s here but %(other)s in %(where)s.")
                    % {
                        "name": self.areas[code].name_en if code in self.areas else code,
                        "parent": self.areas[code].parent if code in self.areas else "",
                        "code": code,
                        "other": first_code,
                        "where": where,
                    },
                )


# --- geometry ------------------------------------------------------------------------


def boundary_clean(geometry: Any) -> tuple[dict, tuple[float, float, float, float]]:
    """A GeoJSON Polygon / MultiPolygon in WGS84, and its bounding box; ValidationError otherwise."""
    from shapely.geometry import mapping, shape

    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise ValidationError(
            {"boundary": [_("Expected a GeoJSON Polygon or MultiPolygon, got %(kind)s.") % {"kind": kind}]}
        )
    try:
        shp = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise ValidationError({"boundary": [_("Malformed coordinates: %(error)s") % {"error": exc}]}) from exc
    if shp.is_empty:
        raise ValidationError({"boundary": [_("The geometry is empty.")]})
    min_lon, min_lat, max_lon, max_lat = shp.bounds
    if min_lon < -180 or max_lon > 180 or min_lat < -90 or max_lat > 90:
        raise ValidationError(
            {"boundary": [_("Coordinates must be longitude, latitude in degrees (WGS84).")]}
        )
    if not shp.is_valid:
        from shapely.validation import explain_validity

        raise ValidationError({"boundary": [_("Invalid geometry: %(why)s") % {"why": explain_validity(shp)}]})
    return _plain(mapping(shp)), (min_lon, min_lat, max_lon, max_lat)


def _plain(value: Any) -> Any:
    """Tuples to lists, so a stored boundary compares equal to the same boundary re-read."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


# --- the import ----------------------------------------------------------------------

_FIELDS = [
    "level",
    "name_en",
    "name_fr",
    "parent",
    "path",
    "boundary",
    "min_lon",
    "min_lat",
    "max_lon",
    "max_lat",
    "population",
    "population_year",
    "source",
    "updated_at",
]


def admin_areas_import(
    *, paths: Iterable[str | Path], dry_run: bool = False, country_name: str | None = None
) -> ImportReport:
    """Import COD admin tables; see the module docstring. Raises AdminAreaImportError."""
    paths = [Path(p) for p in paths]
    report = ImportReport(files=[p.name for p in paths], dry_run=dry_run)
    plan = _Plan(country_name=country_name)
    for path in paths:
        try:
            tables = read_tables(path)
        except TableError as exc:
            plan.error(Origin(exc.file, None, ""), "", exc.rule, exc.message)
            continue
        for table in tables:
            plan.add_table(table)
    if plan.errors:
        raise AdminAreaImportError(plan.errors)

    with transaction.atomic():
        existing = {
            a.pcode: a for a in AdminArea.objects.filter(pcode__in=list(plan.areas)).select_related("parent")
        }
        plan.check_across(existing)
        if plan.errors:
            raise AdminAreaImportError(plan.errors)
        _apply(plan, existing, report)
        report.findings = plan.findings
        if dry_run:
            transaction.set_rollback(True)
    return report


def _apply(plan: _Plan, existing: dict[str, AdminArea], report: ImportReport) -> None:
    now = timezone.now()
    objects: dict[str, AdminArea] = dict(existing)
    parents_needed = {p.parent for p in plan.areas.values() if p.parent and p.parent not in plan.areas}
    for area in AdminArea.objects.filter(pcode__in=parents_needed):
        objects[area.pcode] = area
    moved: list[tuple[str, str]] = []
    for level in sorted({p.level for p in plan.areas.values()}):
        to_create, to_update = [], []
        for planned in sorted((p for p in plan.areas.values() if p.level == level), key=lambda p: p.pcode):
            parent = objects.get(planned.parent) if planned.parent else None
            area = existing.get(planned.pcode)
            if area is None:
                area = AdminArea(pcode=planned.pcode)
                _fill(area, planned, parent, plan, created=True)
                area.path = area.compute_path()
                area.updated_at = now
                to_create.append(area)
                report.level(level).created += 1
            else:
                old_path = area.path
                changed = _fill(area, planned, parent, plan, created=False)
                area.path = area.compute_path()
                if area.path != old_path:
                    moved.append((old_path, area.path))
                    changed = True
                if changed:
                    area.updated_at = now
                    to_update.append(area)
                    report.level(level).updated += 1
                else:
                    report.level(level).unchanged += 1
            objects[planned.pcode] = area
        AdminArea.objects.bulk_create(to_create, batch_size=500)
        AdminArea.objects.bulk_update(to_update, _FIELDS, batch_size=500)
    _move_descendants(moved, set(plan.areas))


def _fill(area: AdminArea, planned: Planned, parent: AdminArea | None, plan: _Plan, *, created: bool) -> bool:
    """Copy the planned values onto the area; True when something changed. Differences
    with what the database held are findings too."""
    origin = planned.origin
    changed = False
    if not created:
        if area.name_en != planned.name_en[:200]:
            plan.find(
                origin,
                planned.pcode,
                Rule.NAME_CONFLICT,
                _("The database names %(code)s '%(old)s'; the file's '%(new)s' replaces it.")
                % {"code": planned.pcode, "old": area.name_en, "new": planned.name_en},
            )
        if area.parent_id and parent is not None and area.parent_id != parent.pk:
            plan.find(
                origin,
                planned.pcode,
                Rule.PARENT_CONFLICT,
                _("The database has %(code)s under %(old)s; the file moves it under %(new)s.")
                % {"code": planned.pcode, "old": area.parent.pcode, "new": parent.pcode},
            )
    values: dict[str, Any] = {"level": planned.level, "name_en": planned.name_en[:200]}
    if planned.name_fr:
        values["name_fr"] = planned.name_fr[:200]
    if parent is not None or created:
        values["parent"] = parent
    if planned.population is not None:
        values["population"] = planned.population
        if planned.population_year:
            values["population_year"] = planned.population_year
    if planned.boundary is not None:
        values["boundary"] = planned.boundary
        values["min_lon"], values["min_lat"], values["max_lon"], values["max_lat"] = planned.bbox
    elif planned.extent and area.boundary is None and area.min_lon is None:
        values["min_lon"], values["min_lat"], values["max_lon"], values["max_lat"] = planned.extent
    # The source names where the area (and its boundary) came from: a table without
    # boundaries does not take over the source of an area whose boundary came from elsewhere.
    if planned.own and planned.source and (planned.boundary is not None or area.boundary is None):
        values["source"] = planned.source[:250]
    elif created:
        values["source"] = (planned.origin.file or "")[:250]
    for name, value in values.items():
        if name == "parent":
            if area.parent_id != (value.pk if value is not None else None):
                area.parent = value
                changed = True
        elif getattr(area, name) != value:
            setattr(area, name, value)
            changed = True
    return changed


def _move_descendants(moved: list[tuple[str, str]], planned_codes: set[str]) -> None:
    """An area that changed parent takes the areas below it along (their paths)."""
    for old_path, new_path in moved:
        below = [
            a for a in AdminArea.objects.filter(path__startswith=old_path) if a.pcode not in planned_codes
        ]
        for area in below:
            area.path = new_path + area.path[len(old_path) :]
        AdminArea.objects.bulk_update(below, ["path"], batch_size=500)


# --- one area (API, admin) -----------------------------------------------------------


@transaction.atomic
def admin_area_create(
    *,
    pcode: str,
    name_en: str,
    parent: AdminArea | None,
    name_fr: str = "",
    population: int | None = None,
    population_year: int | None = None,
    boundary: dict | None = None,
    source: str = "",
) -> AdminArea:
    pcode = (pcode or "").strip()
    errors: dict[str, list[str]] = {}
    if not _PCODE.match(pcode):
        errors["pcode"] = [_("Not a P-code: expected letters and digits, at most 20 characters.")]
    elif AdminArea.objects.filter(pcode=pcode).exists():
        errors["pcode"] = [_("An admin area with the P-code %(code)s already exists.") % {"code": pcode}]
    elif parent is not None and not pcode.startswith(parent.pcode):
        errors["pcode"] = [
            _("%(code)s must start with the code of its parent %(parent)s.")
            % {"code": pcode, "parent": parent.pcode}
        ]
    if not (name_en or "").strip():
        errors["name_en"] = [_("A name is required.")]
    if errors:
        raise ValidationError(errors)
    area = AdminArea(pcode=pcode, level=parent.level + 1 if parent else 0, parent=parent)
    _set_details(
        area,
        name_en=name_en,
        name_fr=name_fr,
        population=population,
        population_year=population_year,
        boundary=boundary,
        source=source,
    )
    area.save()
    return area


_UNSET: Any = object()


@transaction.atomic
def admin_area_update(
    *,
    area: AdminArea,
    name_en: str = _UNSET,
    name_fr: str = _UNSET,
    population: int | None = _UNSET,
    population_year: int | None = _UNSET,
    boundary: dict | None = _UNSET,
    source: str = _UNSET,
) -> AdminArea:
    """Change what is given; the P-code and the place in the hierarchy stay (re-import
    a COD table to restructure)."""
    if name_en is not _UNSET and not (name_en or "").strip():
        raise ValidationError({"name_en": [_("A name is required.")]})
    _set_details(
        area,
        name_en=name_en,
        name_fr=name_fr,
        population=population,
        population_year=population_year,
        boundary=boundary,
        source=source,
    )
    area.save()
    return area


def _set_details(area: AdminArea, **values: Any) -> None:
    for name, value in values.items():
        if value is _UNSET:
            continue
        if name == "boundary":
            if value is None:
                area.boundary = None
                if area.level > 0 or area.pcode not in COUNTRIES:
                    area.min_lon = area.min_lat = area.max_lon = area.max_lat = None
                else:
                    area.min_lon, area.min_lat, area.max_lon, area.max_lat = COUNTRIES[area.pcode]["extent"]
            else:
                area.boundary, bbox = boundary_clean(value)
                area.min_lon, area.min_lat, area.max_lon, area.max_lat = bbox
        elif name in ("name_en", "name_fr", "source"):
            setattr(area, name, (value or "").strip())
        else:
            setattr(area, name, value)
