"""How a COD table names its columns, and which column holds what.

Case-insensitive, spaces and hyphens counting as underscores: Adm1_name, Adm1_pcode,
Adm1_Pcode, ADM1_EN, ADM1_FR, adm1_name_fr, ADM1_PCODE, admin1Pcode, admin1Name_fr, and
a name in any language by its ISO 639-1 code: ADM2_AR, ADM1_PT, admin2Name_so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_LEVEL_COLUMN = re.compile(r"^adm(?:in)?([0-9])_?(.*)$")
_PCODE_KINDS = {"pcode": 0, "p_code": 0, "code": 1}
# The name shown as `name_en`: an English column first, else a plain "name", else the
# reference name (ADM1_REF: the name without diacritics, in Latin script).
_NAME_EN_KINDS = {"name": 1, "ref": 2, "ref_name": 2, "refname": 2}
_LANGUAGE_NAME = re.compile(r"^(?:name_?)?([a-z]{2})$")
# ISO 639-1 codes of the languages COD tables carry names in (OCHA's CODs use these and
# few others). "id" and "no" are left out: ADM1_ID and ADM1_NO are identifiers.
_LANGUAGE_CODES = (
    "am ar az bg bm bn bs de dv el en es fa ff fr ha he hi ht hr hy ig it ja ka kg kk km ko ku ky "
    "lg ln lo mg mk mn my ne nl ny om pa pl ps pt qu rn ro ru rw sd sg si sk sl sn so sq sr st sv "
    "sw ta tg th ti tk tn tr tw uk ur uz vi wo xh yo zh zu"
)
LANGUAGES = frozenset(_LANGUAGE_CODES.split())
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


@dataclass
class LevelColumns:
    """The columns of one admin level: P-code, the name columns, names per language."""

    pcode: int | None = None
    name: int | None = None  # plain "name" or the reference name
    names: dict[str, int] = field(default_factory=dict)  # language → column
    inferred: bool = False  # the P-code column was built from the code hierarchy
    _rank: int = 99
    _pcode_rank: int = 99

    def offer_name(self, index: int, rank: int) -> None:
        if rank < self._rank:
            self.name, self._rank = index, rank

    def offer_pcode(self, index: int, rank: int) -> None:
        if rank < self._pcode_rank:
            self.pcode, self._pcode_rank = index, rank

    @property
    def has_names(self) -> bool:
        return self.name is not None or bool(self.names)

    def name_columns(self) -> list[int]:
        """Columns to take the main (English) name from, best first."""
        order = [self.names["en"]] if "en" in self.names else []
        order += [self.name] if self.name is not None else []
        if "fr" in self.names:
            order.append(self.names["fr"])
        order += [index for lang, index in self.names.items() if lang not in ("en", "fr")]
        return order


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
            language = _LANGUAGE_NAME.match(rest)
            if rest in _PCODE_KINDS:
                cols.offer_pcode(index, _PCODE_KINDS[rest])
            elif rest in _NAME_EN_KINDS:
                cols.offer_name(index, _NAME_EN_KINDS[rest])
            elif language and language.group(1) in LANGUAGES:
                cols.names.setdefault(language.group(1), index)
        elif key in POPULATION_COLUMNS and population is None:
            population = index
        elif key in YEAR_COLUMNS and year is None:
            year = index
    return Columns(levels=levels, population=population, year=year)


# The headers Excel gives a pivot table (English, French, Portuguese, Spanish): a pivot
# of P-codes repeats the codes of the real table, with totals for rows.
_PIVOT_HEADERS = re.compile(
    r"^(row labels|column labels|grand total|count of|sum of|average of|"
    r"étiquettes de lignes|total général|nombre de|somme de|moyenne de|"
    r"rótulos de linha|total geral|contagem de|soma de|média de|"
    r"etiquetas de fila|suma de|cuenta de|promedio de)\b",
    re.IGNORECASE,
)
# A total row under a table ("Grand Total" in the P-code column) is not an area.
TOTAL_LABELS = frozenset({"total", "grand total", "total général", "total general", "total geral", "totaux"})


def is_pivot(header: list[Any]) -> bool:
    return any(_PIVOT_HEADERS.match(str(h).strip()) for h in header if h is not None)


def fits(header: list[Any]) -> bool:
    """A header that has at least one P-code column and is not a pivot table's: a COD table."""
    texts = [str(h) if h is not None else "" for h in header]
    return bool(detect_columns(texts).pcode_levels) and not is_pivot(texts)
