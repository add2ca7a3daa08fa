"""Which column holds which field: automatically (HXL tag row, then header names and
their synonyms, compared without case, accents or punctuation) or as the user says
(FIELD=COLUMN, by header or HXL tag)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sitetrack.core.tabular.problems import Problem
from sitetrack.core.tabular.values import normalise

_HXL_TAG = re.compile(r"^#[a-z][a-z0-9_]*(\s*\+\s*[a-z][a-z0-9_]*)*$", re.I)


@dataclass(frozen=True)
class Field:
    """A field an importer wants. `synonyms`: headers that mean it, most specific first
    (compared normalised, so "Nom du site" = "nom du site"); `hxl`: HXL tags that mean it
    ("#loc+code", "#affected+hh"); a column tagged with more attributes also matches."""

    name: str
    label: Any = ""
    synonyms: tuple[str, ...] = ()
    hxl: tuple[str, ...] = ()
    required: bool = False

    def shown(self) -> str:
        return str(self.label or self.name)


def is_hxl_row(cells: list[str]) -> bool:
    """A row of HXL hashtags (#loc+name, #adm1+code ...): every filled cell is a tag."""
    filled = [c.strip() for c in cells if c and c.strip()]
    return bool(filled) and all(_HXL_TAG.match(c) for c in filled)


def _hxl_parts(tag: str) -> tuple[str, frozenset[str]]:
    pieces = [p.strip().lower() for p in tag.strip().split("+")]
    return pieces[0], frozenset(p for p in pieces[1:] if p)


def _hxl_match(wanted: str, column_tag: str) -> int | None:
    """0 when the tags are equal, 1 when the column's tag has more attributes, else None."""
    if not column_tag:
        return None
    want_hash, want_attrs = _hxl_parts(wanted)
    has_hash, has_attrs = _hxl_parts(column_tag)
    if want_hash != has_hash or not want_attrs <= has_attrs:
        return None
    return 0 if want_attrs == has_attrs else 1


def auto_map(header: list[str], tags: list[str] | None, fields: list[Field]) -> dict[str, int]:
    """field name → column index. HXL tags decide first (an exact tag before a more
    specific one), then header names (the field's own name, then its synonyms in order).
    A column serves one field."""
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    if tags:
        for exact in (0, 1):
            for f in fields:
                if f.name in mapping:
                    continue
                for wanted in f.hxl:
                    hit = next(
                        (
                            i
                            for i, tag in enumerate(tags)
                            if i not in taken and _hxl_match(wanted, tag) == exact
                        ),
                        None,
                    )
                    if hit is not None:
                        mapping[f.name] = hit
                        taken.add(hit)
                        break
    names = [normalise(h) for h in header]
    for f in fields:
        if f.name in mapping:
            continue
        for synonym in (f.name.replace("_", " "), *f.synonyms):
            wanted = normalise(synonym)
            hit = next((i for i, n in enumerate(names) if n == wanted and i not in taken and n), None)
            if hit is not None:
                mapping[f.name] = hit
                taken.add(hit)
                break
    return mapping


def find_column(header: list[str], tags: list[str] | None, column: str) -> int | None:
    """The index of the column a user named: its header as written, then compared
    normalised, then its HXL tag."""
    if column in header:
        return header.index(column)
    wanted = normalise(column)
    for i, h in enumerate(header):
        if wanted and normalise(h) == wanted:
            return i
    if tags and column.strip().startswith("#"):
        for i, tag in enumerate(tags):
            if _hxl_match(column, tag) == 0:
                return i
    return None


def parse_assignments(items: list[str] | None, *, what: str = "FIELD=COLUMN") -> dict[str, str]:
    """["households=HH", "name = Site Name"] → {"households": "HH", "name": "Site Name"}.
    Raises ValueError with a message when an item has no "="."""
    result: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(_("“%(item)s” is not %(what)s.") % {"item": item, "what": what})
        result[key.strip()] = value.strip()
    return result


def close_columns(header: list[str], column: str, limit: int = 12) -> str:
    """The columns to suggest for a name that matched none: the closest ones, or the first
    few (a Kobo export has 150 columns; nobody reads a list that long)."""
    named = [h for h in header if h]
    close = difflib.get_close_matches(column, named, n=5, cutoff=0.5)
    if close:
        return _("did you mean %(columns)s?") % {"columns": ", ".join(f"“{c}”" for c in close)}
    shown = ", ".join(f"“{c}”" for c in named[:limit])
    if len(named) > limit:
        shown += _(" and %(n)s more") % {"n": len(named) - limit}
    return _("its columns are %(columns)s") % {"columns": shown}


def apply_explicit(
    mapping: dict[str, int],
    explicit: dict[str, str],
    *,
    header: list[str],
    tags: list[str] | None,
    fields: list[Field],
    file: str,
    sheet: str,
) -> list[Problem]:
    """Apply the user's FIELD=COLUMN choices on top of the automatic mapping (in place).
    An empty COLUMN unmaps the field. Returns the problems (unknown field or column)."""
    known = {f.name: f for f in fields}
    problems: list[Problem] = []
    for name, column in explicit.items():
        if name not in known:
            problems.append(
                Problem(
                    message=_("Unknown field “%(field)s” in the mapping; known fields: %(fields)s.")
                    % {"field": name, "fields": ", ".join(known)},
                    rule="unknown_field",
                    file=file,
                    sheet=sheet,
                    value=name,
                )
            )
            continue
        if not column:
            mapping.pop(name, None)
            continue
        index = find_column(header, tags, column)
        if index is None:
            problems.append(
                Problem(
                    message=_("No column “%(column)s” for %(field)s: %(hint)s.")
                    % {"column": column, "field": known[name].shown(), "hint": close_columns(header, column)},
                    rule="unknown_column",
                    file=file,
                    sheet=sheet,
                    column=column,
                )
            )
            continue
        for other, i in list(mapping.items()):
            if i == index:
                del mapping[other]
        mapping[name] = index
    return problems
