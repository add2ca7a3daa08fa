"""Rows → planned admin areas: what the files of one call say, first value wins.

A row may carry several levels (a flat admin-3 table has the admin-1 and admin-2 code
and name columns too): each level becomes a `Unit`, and the units of every row and file
merge into one `Planned` area per P-code. Differences between rows and files are
findings; the first value seen is kept.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sitetrack.core.tabular.text import some_names
from sitetrack.geo.cod_import import values
from sitetrack.geo.cod_import.columns import TOTAL_LABELS, Columns, LevelColumns, detect_columns
from sitetrack.geo.cod_import.findings import FindingLog, Origin, Rule
from sitetrack.geo.cod_import.infer import infer_codes
from sitetrack.geo.geometry import COUNTRIES, BBox, boundary_clean, country_extent
from sitetrack.geo.readers import Table


@dataclass
class Planned:
    """One admin area as the files of this call describe it (first value wins)."""

    pcode: str
    level: int
    name_en: str
    name_fr: str
    parent: str | None
    origin: Origin
    names: dict[str, str] = field(default_factory=dict)  # language → name, as the files give them
    own: bool = False  # defined as a row's deepest unit somewhere (not only referenced)
    population: int | None = None
    population_year: int | None = None
    boundary: dict | None = None
    bbox: BBox | None = None
    source: str = ""
    extent: BBox | None = None  # admin0 only, from COUNTRIES


@dataclass
class Unit:
    """One level of one row."""

    level: int
    pcode: str
    name_en: str
    name_fr: str
    column: str  # the P-code column's header, for findings
    names: dict[str, str] = field(default_factory=dict)
    parent: str | None = None
    parent_in_row: bool = False


@dataclass
class RowValues:
    """What a row says about its deepest area only."""

    population: int | None = None
    year: int | None = None
    boundary: dict | None = None
    bbox: BBox | None = None
    source: str = ""


class Reference(NamedTuple):
    """A code used as the parent of another in a row."""

    file: str
    row: int
    column: str
    code: str
    level: int
    child: str
    named: bool  # the row gives the parent's name too (a flat table defines its parents)


@dataclass
class _Seen:
    """The first row of a file that gave a code (for duplicate findings)."""

    row: int
    unit: Unit
    population: int | None


class Plan(FindingLog):
    """The admin areas the files of one call describe; `areas` by P-code."""

    def __init__(self, country_name: str | None, country: str | None = None, fallback_name: str = "") -> None:
        """`country`: the alpha-2 code every area must belong to (--country), or None;
        `fallback_name`: the country's name when neither the files nor --country-name give one."""
        super().__init__()
        self.fallback_name = fallback_name
        self.country_name = country_name
        self.country = country
        self.areas: dict[str, Planned] = {}
        self.defined: dict[int, set[str]] = defaultdict(set)  # own codes per level, all files
        self.defining_files: dict[int, list[str]] = defaultdict(list)
        self.references: list[Reference] = []
        self.lost: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)  # (file, column) → rows

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
                % {"columns": some_names(table.header, quote=False)},
            )
            return
        infer_codes(table, columns, self)
        own_level = max(columns.pcode_levels)
        self.defining_files[own_level].append(table.label)
        year = values.year_in_name(table.label) if columns.population is not None else None
        seen_in_file: dict[str, _Seen] = {}
        for index, (row_number, row) in enumerate(table.rows):
            geometry = table.geometries[index] if table.geometries else None
            if self._is_total_row(table, columns, row_number, row):
                continue
            units = self._row_units(table, columns, row_number, row)
            if not units:
                continue
            self._link(units, Origin(table.label, row_number, units[0].column))
            own = units[-1] if units[-1].level == own_level else None
            extra = self._row_values(table, columns, row_number, row, own, geometry, year)
            self._add_units(table.label, row_number, units, own, extra, seen_in_file)
        self._report_lost_text(table.label)

    def _is_total_row(self, table: Table, columns: Columns, row: int, cells: list[Any]) -> bool:
        for level in columns.pcode_levels:
            index = columns.levels[level].pcode
            code = values.text(cells[index]) if index < len(cells) else ""
            if code.casefold() in TOTAL_LABELS:
                self.find(
                    Origin(table.label, row, table.header[index]),
                    code,
                    Rule.TOTAL_ROW,
                    _("A total row, not an area: it is left out."),
                )
                return True
        return False

    def _row_units(self, table: Table, columns: Columns, row: int, cells: list[Any]) -> list[Unit]:
        units: list[Unit] = []
        for level in columns.pcode_levels:
            cols = columns.levels[level]
            code = values.text(cells[cols.pcode]) if cols.pcode < len(cells) else ""
            main, names = self._names(table, cols, row, cells)
            column = table.header[cols.pcode]
            origin = Origin(table.label, row, column)
            if not code:
                if main:
                    self.find(
                        origin,
                        "",
                        Rule.MISSING_CODE,
                        _("'%(name)s' has no P-code at admin level %(level)d; the area is left out.")
                        % {"name": main, "level": level},
                    )
                continue
            if not values.is_pcode(code):
                self.error(
                    origin,
                    code,
                    Rule.INVALID_CODE,
                    _("Not a P-code: expected letters and digits, at most 20 characters."),
                )
                continue
            units.append(Unit(level, code, main, names.get("fr", ""), column, names=names))
        return units

    def _names(
        self, table: Table, cols: LevelColumns, row: int, cells: list[Any]
    ) -> tuple[str, dict[str, str]]:
        """The main name (English, else the first given) and the names per language of one
        level of a row; names lost upstream (`?????`) are left out and noted."""

        texts: dict[int, str] = {}
        for index in cols.name_columns():
            text = values.text(cells[index]) if index < len(cells) else ""
            if text and values.is_lost_text(text):
                self.lost[(table.label, table.header[index])].append((row, text))
                text = ""
            texts[index] = text
        names = {lang: texts[index] for lang, index in cols.names.items() if texts[index]}
        main = next((texts[index] for index in cols.name_columns() if texts[index]), "")
        return main, names

    def _link(self, units: list[Unit], origin: Origin) -> None:
        """Put the country on top of the row's units and link each to the one above."""
        if units[0].level > 0:
            units.insert(0, self._country_unit(units[0], origin))
        elif self.country_name or not units[0].name_en:
            known = COUNTRIES.get(units[0].pcode, {})
            units[0].name_en = (
                self.country_name or known.get("name_en") or self.fallback_name or units[0].pcode
            )
            units[0].name_fr = units[0].name_fr or ("" if self.country_name else known.get("name_fr", ""))
        if (
            self.country
            and units[0].pcode.upper() != self.country
            and ("country", units[0].pcode) not in self._reported
        ):
            self._reported.add(("country", units[0].pcode))
            self.error(
                origin,
                units[0].pcode,
                Rule.WRONG_COUNTRY,
                _(
                    "%(code)s is not in the country asked for (%(country)s): is this the table of another country?"
                )
                % {"code": units[1].pcode if len(units) > 1 else units[0].pcode, "country": self.country},
            )
        for upper, lower in zip(units, units[1:], strict=False):
            if upper.level == lower.level - 1:
                lower.parent = upper.pcode
                lower.parent_in_row = True

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
        name_en = self.country_name or known.get("name_en", "") or self.fallback_name
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

    def _row_values(
        self,
        table: Table,
        columns: Columns,
        row: int,
        cells: list[Any],
        own: Unit | None,
        geometry: Any,
        year: int | None,
    ) -> RowValues:
        extra = RowValues(source=table.label)
        if own is not None and columns.population is not None and columns.population < len(cells):
            origin = Origin(table.label, row, table.header[columns.population])
            try:
                extra.population = values.population(cells[columns.population])
            except values.ValueProblem as exc:
                self.error(origin, values.text(cells[columns.population]), Rule.NOT_A_NUMBER, str(exc))
        extra.year = year
        if columns.year is not None and columns.year < len(cells) and values.text(cells[columns.year]):
            extra.year = values.year_cell(cells[columns.year], year)
        if extra.population is None:
            extra.year = None
        if own is not None and geometry is not None:
            try:
                extra.boundary, extra.bbox = boundary_clean(geometry)
            except ValidationError as exc:
                self.find(
                    Origin(table.label, row, "geometry"),
                    own.pcode,
                    Rule.INVALID_GEOMETRY,
                    _("The boundary is left out: %(error)s") % {"error": " ".join(exc.messages)},
                )
        return extra

    def _add_units(
        self,
        label: str,
        row: int,
        units: list[Unit],
        own: Unit | None,
        extra: RowValues,
        seen_in_file: dict[str, _Seen],
    ) -> None:
        by_code: dict[str, Unit] = {}
        for unit in units:
            by_code.setdefault(unit.pcode, unit)
        for unit in units:
            origin = Origin(label, row, unit.column)
            parent = by_code.get(unit.parent) if unit.parent_in_row else None
            if parent is not None and unit.level > 0 and not unit.pcode.startswith(parent.pcode):
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
                    once=("prefix", label, unit.pcode, parent.pcode),
                )
            if parent is not None and parent.level > 0:
                self.references.append(
                    Reference(
                        label,
                        row,
                        parent.column,
                        parent.pcode,
                        parent.level,
                        unit.pcode,
                        bool(parent.name_en),
                    )
                )
            self._merge(unit, origin, extra if unit is own else None, seen_in_file, row)
            if unit is own:
                self.defined[unit.level].add(unit.pcode)

    def _report_lost_text(self, label: str) -> None:
        for (file, column), rows in list(self.lost.items()):
            if file != label:
                continue
            numbers = [number for number, _text in rows]
            self.find(
                Origin(file, numbers[0], column),
                rows[0][1],
                Rule.LOST_TEXT,
                _(
                    "%(count)d names in column %(column)s are question marks (rows %(rows)s): the text was lost "
                    "when the file was saved in an encoding that cannot hold it, before it reached SiteTrack. "
                    "These names are left out; ask the source for the file as XLSX or CSV UTF-8."
                )
                % {"count": len(rows), "column": column, "rows": values.row_ranges(numbers)},
            )
            del self.lost[(file, column)]

    # -- merging a unit into what earlier rows and files said ---------------------------

    def _merge(
        self, unit: Unit, origin: Origin, extra: RowValues | None, seen_in_file: dict[str, _Seen], row: int
    ) -> None:
        is_own = extra is not None
        extra = extra or RowValues()
        planned = self.areas.get(unit.pcode)
        if planned is None:
            self.areas[unit.pcode] = Planned(
                pcode=unit.pcode,
                level=unit.level,
                name_en=unit.name_en,
                name_fr=unit.name_fr,
                parent=unit.parent,
                origin=origin,
                names=dict(unit.names),
                own=is_own,
                population=extra.population,
                population_year=extra.year,
                boundary=extra.boundary,
                bbox=extra.bbox,
                source=extra.source,
                extent=country_extent(unit.pcode) if unit.level == 0 else None,
            )
            seen_in_file[unit.pcode] = _Seen(row, unit, extra.population)
            return
        previous = seen_in_file.get(unit.pcode)
        if (
            previous is not None
            and is_own
            and previous.unit.level == unit.level
            and planned.own
            and unit.level > 0
        ):
            self._report_duplicate(unit, origin, previous, extra.population)
            return
        if planned.level != unit.level:
            self.find(
                origin,
                unit.pcode,
                Rule.LEVEL_CONFLICT,
                _("%(code)s is admin level %(a)d in %(where)s but level %(b)d here; the first is kept.")
                % {"code": unit.pcode, "a": planned.level, "b": unit.level, "where": _where(planned)},
            )
            return
        self._report_differences(planned, unit, origin, extra.population)
        self._complete(planned, unit, extra, is_own)
        seen_in_file.setdefault(unit.pcode, _Seen(row, unit, extra.population))

    def _report_duplicate(self, unit: Unit, origin: Origin, previous: _Seen, population: int | None) -> None:
        differences = []
        if previous.unit.name_en != unit.name_en:
            differences.append(_("name '%(a)s' / '%(b)s'") % {"a": previous.unit.name_en, "b": unit.name_en})
        if previous.population != population:
            differences.append(_("population %(a)s / %(b)s") % {"a": previous.population, "b": population})
        if previous.unit.parent != unit.parent:
            differences.append(_("parent %(a)s / %(b)s") % {"a": previous.unit.parent, "b": unit.parent})
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
            % {"code": unit.pcode, "where": _("row %(row)d") % {"row": previous.row}, "detail": detail},
        )

    def _report_differences(
        self, planned: Planned, unit: Unit, origin: Origin, population: int | None
    ) -> None:
        if unit.level > 0 and planned.name_en != unit.name_en:
            self.find(
                origin,
                unit.pcode,
                Rule.NAME_CONFLICT,
                _("%(code)s is named '%(here)s' here but '%(first)s' in %(where)s; the first name is kept.")
                % {
                    "code": unit.pcode,
                    "here": unit.name_en,
                    "first": planned.name_en,
                    "where": _where(planned),
                },
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
                % {
                    "code": unit.pcode,
                    "here": unit.parent,
                    "first": planned.parent,
                    "where": _where(planned),
                },
                once=("parent", origin.file, unit.pcode, unit.parent),
            )
        if population is not None and planned.population is not None and planned.population != population:
            self.find(
                origin,
                unit.pcode,
                Rule.VALUE_CONFLICT,
                _(
                    "The population of %(code)s is %(here)d here but %(first)d in %(where)s; the first is kept."
                )
                % {
                    "code": unit.pcode,
                    "here": population,
                    "first": planned.population,
                    "where": _where(planned),
                },
            )

    @staticmethod
    def _complete(planned: Planned, unit: Unit, extra: RowValues, is_own: bool) -> None:
        """Fill in what the first mention of the area left empty."""
        if extra.population is not None and planned.population is None:
            planned.population, planned.population_year = extra.population, extra.year
        if not planned.name_fr and unit.name_fr:
            planned.name_fr = unit.name_fr
        for language, name in unit.names.items():
            planned.names.setdefault(language, name)
        if planned.parent is None and unit.parent:
            planned.parent = unit.parent
        if extra.boundary is not None and planned.boundary is None:
            planned.boundary, planned.bbox = extra.boundary, extra.bbox
        if is_own and not planned.own:
            planned.own, planned.source = True, extra.source


def _where(planned: Planned) -> str:
    """Where an area was first seen, for a finding: "adm2.csv row 14"."""
    return _("%(file)s row %(row)s") % {"file": planned.origin.file, "row": planned.origin.row}
