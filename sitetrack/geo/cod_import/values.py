"""How one cell of a COD table is read: P-codes, names, populations, reference years.

Pure functions: no database, no findings. A value that cannot be read raises
`ValueProblem` with the message a finding or an error will carry.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from sitetrack.core.tabular import cell_text

MAX_POPULATION = 2_147_483_647
PCODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,19}$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:([,. \u00a0\u202f'])\d{3})(?:\1\d{3})*$")
_DECIMAL = re.compile(r"^\d+[.,]\d+$")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# Text that went through a conversion to a code page that could not hold it (Arabic
# saved as Windows-1252, say) comes out as question marks, or as U+FFFD.
_LOST = re.compile(r"\?{3,}|\ufffd")


class ValueProblem(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def is_pcode(code: str) -> bool:
    return bool(PCODE.match(code))


def population(value: Any) -> int | None:
    """A population cell as a whole number (None when empty); ValueProblem otherwise."""
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
        raise ValueProblem(_("The population must be a whole number (thousands separators are allowed)."))
    if number < 0 or number > MAX_POPULATION:
        raise ValueProblem(_("The population must be between 0 and %(max)d.") % {"max": MAX_POPULATION})
    return int(round(number))


def year_in_name(label: str) -> int | None:
    """A reference year in a file name: `…adm1-2015-v2.csv` → 2015."""
    match = _YEAR_IN_NAME.search(label)
    return int(match.group(1)) if match else None


def year_cell(value: Any, default: int | None) -> int | None:
    """A Year column's cell; the file name's year when empty or not a year."""
    text = cell_text(value)
    return int(text) if text.isdigit() else default


def name_key(name: str) -> str:
    """Names compared loosely: accents, case and spacing do not make two names differ."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().replace("-", " ").split())


def is_lost_text(name: str) -> bool:
    """True for a name whose letters were replaced by `?` (or U+FFFD) upstream."""
    return bool(_LOST.search(name))


def row_ranges(rows: list[int], limit: int = 12) -> str:
    """[2, 3, 4, 7] → "2–4, 7"; long lists end with "…"."""
    spans: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if spans and row == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], row)
        else:
            spans.append((row, row))
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in spans[:limit]]
    return ", ".join(parts) + (", …" if len(spans) > limit else "")
