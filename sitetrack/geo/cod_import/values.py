"""How one cell of a COD table is read: P-codes, names, populations, reference years.

Pure functions: no database, no findings. A value that cannot be read raises
`ValueProblem` with the message a finding or an error will carry.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from sitetrack.core.tabular import NumberProblem, cell_text, is_missing, parse_number

MAX_POPULATION = 2_147_483_647
PCODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,19}$")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# Text that went through a conversion to a code page that could not hold it (Arabic
# saved as Windows-1252, say) comes out as question marks, or as U+FFFD.
_LOST = re.compile(r"\?{3,}|\ufffd")
_ONLY_MARKS = re.compile(r"[?\s'.\-]*\?[?\s'.\-]*\?[?\s'.\-]*")


class ValueProblem(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def is_pcode(code: str) -> bool:
    return bool(PCODE.match(code))


def text(value: Any) -> str:
    """A cell as stripped text; "" for the tokens people type for no value (NULL, N/A, -,
    #N/A: `sitetrack.core.tabular.MISSING_TOKENS`); 12000.0 from a spreadsheet is "12000"."""
    return "" if is_missing(value) else cell_text(value)


def population(value: Any) -> int | None:
    """A population cell as a whole number (None when empty or NULL / N/A / -); thousands
    separators and padding are read by the shared `parse_number`, decimals are rounded,
    "12,34" is refused as ambiguous. ValueProblem otherwise."""
    if isinstance(value, bool):
        raise ValueProblem(_("The population must be a whole number (thousands separators are allowed)."))
    try:
        number = parse_number(value)
    except NumberProblem as exc:
        raise ValueProblem(str(exc)) from exc
    if number is None:
        return None
    if number != number or number < 0 or number > MAX_POPULATION:  # NaN, out of range
        raise ValueProblem(_("The population must be between 0 and %(max)d.") % {"max": MAX_POPULATION})
    return int(round(number))


def year_in_name(label: str) -> int | None:
    """A reference year in a file name: `…adm1-2015-v2.csv` → 2015."""
    match = _YEAR_IN_NAME.search(label)
    return int(match.group(1)) if match else None


def year_cell(value: Any, default: int | None) -> int | None:
    """A Year column's cell; the file name's year when empty or not a year."""
    shown = text(value)
    return int(shown) if shown.isdigit() else default


def name_key(name: str) -> str:
    """Names compared loosely: accents, case and spacing do not make two names differ."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().replace("-", " ").split())


def is_lost_text(name: str) -> bool:
    """True for a name whose letters were replaced by `?` (or U+FFFD) upstream."""
    return bool(_LOST.search(name) or _ONLY_MARKS.fullmatch(name))


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


def names_clean(value: Any, *, current: dict[str, str]) -> dict[str, str]:
    """Names by language given by a person (API, admin) over the `current` ones; an empty
    name removes its language. ValidationError naming the language otherwise."""
    from django.core.exceptions import ValidationError

    from sitetrack.geo.cod_import.columns import LANGUAGES

    if not isinstance(value, dict):
        raise ValidationError({"names": [_('Expected an object of names by language, such as {"ar": "…"}.')]})
    names = dict(current)
    for language, name in value.items():
        if language not in LANGUAGES:
            raise ValidationError(
                {
                    "names": [
                        _("%(code)s is not a language code (ISO 639-1, such as ar, pt, so).")
                        % {"code": language}
                    ]
                }
            )
        text = name.strip() if isinstance(name, str) else None
        if text is None or len(text) > 200 or (text and is_lost_text(text)):
            raise ValidationError(
                {
                    "names": [
                        _("The %(code)s name must be text of at most 200 characters, not question marks.")
                        % {"code": language}
                    ]
                }
            )
        if text:
            names[language] = text
        else:
            names.pop(language, None)
    return names
