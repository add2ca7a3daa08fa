"""Codes that follow from the code hierarchy: a P-code sheet that lists admin-2 codes
with their admin-1 names but no admin-1 codes still says what the admin-1 codes are,
because P-codes nest (MZ0101 and MZ0102 are in MZ01). The inferred codes become a
column of the table, and every one is reported."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from sitetrack.geo.cod_import.columns import Columns, LevelColumns
from sitetrack.geo.cod_import.findings import FindingLog, Origin, Rule
from sitetrack.geo.cod_import.values import name_key, text
from sitetrack.geo.readers import Table


def infer_codes(table: Table, columns: Columns, log: FindingLog) -> None:
    """Give every named level without a code column the codes its children's codes imply."""
    for level, cols in sorted(columns.levels.items()):
        below = [lower for lower in columns.pcode_levels if lower > level]
        if level == 0 or cols.pcode is not None or not cols.has_names or not below:
            continue
        child = columns.levels[below[0]]
        pairs = [
            (number, name, code)
            for number, row in table.rows
            if (name := _cell(row, cols.name_columns()[0])) and (code := _cell(row, child.pcode))
        ]
        if not pairs:
            continue
        length = code_length(pairs, level, below[0])
        name_column = table.header[cols.name_columns()[0]]
        if length is None:
            log.error(
                Origin(table.label, None, name_column),
                "",
                Rule.NO_PARENT,
                _(
                    "The table names admin%(level)d areas in %(column)s but gives no admin%(level)d codes, and "
                    "its admin%(child)d codes do not start with one code per name: add an admin%(level)d "
                    "P-code column."
                )
                % {"level": level, "column": name_column, "child": below[0]},
            )
            continue
        _add_column(table, cols, name_column, length, child.pcode)
        _report(table, level, below[0], pairs, length, name_column, log)


def code_length(pairs: list[tuple[int, str, str]], level: int, child_level: int) -> int | None:
    """How many leading characters of a child's code are its parent's code: the length
    at which every parent name has one prefix and every prefix one name. The length a
    regular code would have (as many characters per level) is tried first."""
    codes = [code for _n, _name, code in pairs]
    shortest = min(len(code) for code in codes)
    letters = len(codes[0]) - len(codes[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
    regular = letters + round((len(codes[0]) - letters) * level / child_level)
    for length in [regular, *range(letters + 1, shortest)]:
        if letters < length < shortest and _consistent(pairs, length):
            return length
    return None


def _consistent(pairs: list[tuple[int, str, str]], length: int) -> bool:
    by_name: dict[str, set[str]] = defaultdict(set)
    by_code: dict[str, set[str]] = defaultdict(set)
    for _n, name, code in pairs:
        by_name[name_key(name)].add(code[:length])
        by_code[code[:length]].add(name_key(name))
    return all(len(v) == 1 for v in by_name.values()) and all(len(v) == 1 for v in by_code.values())


def _add_column(table: Table, cols: LevelColumns, name_column: str, length: int, child_index: int) -> None:
    table.header.append(_("%(column)s → P-code (inferred)") % {"column": name_column})
    width = len(table.header) - 1
    for _number, row in table.rows:
        code = _cell(row, child_index)
        row.extend([""] * (width - len(row)))
        row.append(code[:length] if code else "")
    cols.pcode, cols.inferred = width, True


def _report(table, level, child_level, pairs, length, name_column, log: FindingLog) -> None:
    children: dict[str, list[str]] = defaultdict(list)
    first: dict[str, tuple[int, str]] = {}
    for number, name, code in pairs:
        parent = code[:length]
        first.setdefault(parent, (number, name))
        if code not in children[parent]:
            children[parent].append(code)
    for parent, codes in children.items():
        number, name = first[parent]
        shown = ", ".join(codes[:3]) + (" …" if len(codes) > 3 else "")
        log.find(
            Origin(table.label, number, table.header[-1]),
            parent,
            Rule.INFERRED_PARENT,
            _(
                "%(code)s (%(name)s) inferred: the table gives admin%(level)d names but no admin%(level)d codes; "
                "%(code)s is the first %(length)d characters of the admin%(child)d codes under '%(name)s' "
                "(%(count)d: %(codes)s)."
            )
            % {
                "code": parent,
                "name": name,
                "level": level,
                "child": child_level,
                "length": length,
                "count": len(codes),
                "codes": shown,
            },
        )


def _cell(row: list[Any], index: int | None) -> str:
    return text(row[index]) if index is not None and index < len(row) else ""
