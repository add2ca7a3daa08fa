"""Cell values: what counts as missing, how headers compare, how numbers are read.

Numbers are read without guessing: " 1,475 " and "1 475" are 1475, "1,475.5" and
"1.475,5" are 1475.5, but "12,34" could be 12.34 or a mistyped 1234, so it is refused as
ambiguous (unless the caller knows the column uses decimal commas)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Written in a cell to say "no value" (compared case-insensitively, after stripping).
# Not "none" or "NA": a management type can be "none", and NA is Namibia.
MISSING_TOKENS = frozenset({"", "null", "n/a", "#n/a", "-", "--", "—", "–", "#null!"})
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_DIGITS = re.compile(r"\d+")


def is_missing(value: object) -> bool:
    """True for None, empty text and the tokens people type for "no value" (NULL, N/A, -)."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().casefold() in MISSING_TOKENS
    return False


def clean(value: object) -> str:
    """A cell as stripped text, "" for a missing value."""
    if value is None:
        return ""
    text = str(value).strip()
    return "" if text.casefold() in MISSING_TOKENS else text


def normalise(text: str) -> str:
    """How headers and choice values are compared: lower case, no accents, punctuation and
    extra spaces removed ("Nom du Site (FR)" → "nom du site fr", "M'Poko" → "mpoko")."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"['’`]", "", plain.casefold())
    return re.sub(r"[^a-z0-9#+]+", " ", plain).strip()


@dataclass(frozen=True)
class NumberProblem(ValueError):
    """A cell that is not a number we can read for sure; `rule` is not_a_number,
    ambiguous_number or not_whole, `message` says why in the active language."""

    rule: str
    message: str

    def __str__(self) -> str:
        return self.message


def _grouped(parts: list[str]) -> bool:
    """1 | 475 | 000: a first group of 1-3 digits, then groups of exactly 3."""
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])


def parse_number(value: object, *, whole: bool = False, decimal: str | None = None) -> int | Decimal | None:
    """The number in a cell, None when it is missing. `whole`: a count (households,
    people), so the result is an int and "12.5" is refused. `decimal`: "," when the column
    is known to use decimal commas, "." when known to use points, None to decide per value
    and refuse what could be read two ways."""
    if isinstance(value, bool):
        raise NumberProblem("not_a_number", _("Expected a number, got “%(value)s”.") % {"value": value})
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NumberProblem("not_a_number", _("Expected a number, got “%(value)s”.") % {"value": value})
        return _finish(Decimal(str(value)), whole, value)
    if is_missing(value):
        return None
    raw = str(value)
    text = raw.strip()
    sign = ""
    if text[:1] in "+-−":
        sign, text = ("-" if text[0] in "-−" else ""), text[1:].strip()
    # Spaces (incl. no-break and thin spaces) and apostrophes are thousands separators
    # only between groups of three digits: "1 475", "1'475", "12 345 678".
    spaced = bool(_SPACES.search(text))
    if spaced:
        parts = _SPACES.split(text)
        head, tail = parts[:-1], parts[-1]
        last = re.match(r"\d+", tail)
        if not all(p.isdigit() for p in head) or not last or not _grouped([*head, last.group()]):
            raise _not_a_number(raw)
        text = "".join(parts)
    if not re.fullmatch(r"\d[\d.,]*|[.,]\d+", text) or text[-1] in ".,":
        raise _not_a_number(raw)
    commas, points = text.count(","), text.count(".")
    if commas and points:
        # The last separator is the decimal one; the other groups thousands.
        dec, thousands = (",", ".") if text.rfind(",") > text.rfind(".") else (".", ",")
        integer, _sep, fraction = text.rpartition(dec)
        if dec in integer or not _grouped(integer.split(thousands)):
            raise _not_a_number(raw)
        number = integer.replace(thousands, "") + "." + fraction
    elif commas > 1 or points > 1:
        sep = "," if commas else "."
        if not _grouped(text.split(sep)):
            raise _not_a_number(raw)
        number = text.replace(sep, "")
    elif commas == 1 or points == 1:
        sep = "," if commas else "."
        integer, _sep, fraction = text.partition(sep)
        if sep == "," and (spaced or integer in ("", "0")):
            # "1 475,5" (spaces group thousands) and "0,5" cannot be thousands.
            decimal = decimal or ","
        number = _one_separator(raw, integer, sep, fraction, whole=whole, decimal=decimal)
    else:
        number = text
    try:
        parsed = Decimal(sign + number)
    except InvalidOperation as exc:
        raise _not_a_number(raw) from exc
    return _finish(parsed, whole, raw.strip())


def _one_separator(
    raw: str, integer: str, sep: str, fraction: str, *, whole: bool, decimal: str | None
) -> str:
    """ "1,475", "12,34", "1.475", "4.5": one separator, which may be a thousands or a
    decimal separator."""
    could_group = len(fraction) == 3 and integer and 1 <= len(integer) <= 3 and integer != "0"
    if decimal == sep or (decimal is None and sep == "." and not (whole and could_group)):
        return (integer or "0") + "." + fraction
    if could_group and (decimal is not None or sep == "," or whole):
        return integer + fraction
    if decimal is not None:  # the column's decimal separator is the other one
        raise _not_a_number(raw)
    raise NumberProblem(
        "ambiguous_number",
        _(
            "“%(value)s” can be read two ways: %(decimal)s with a decimal comma, or %(grouped)s with a "
            "misplaced thousands separator. Write it with a decimal point (%(decimal)s) or without a "
            "separator (%(grouped)s)."
        )
        % {"value": raw.strip(), "decimal": f"{integer or '0'}.{fraction}", "grouped": integer + fraction},
    )


def _finish(number: Decimal, whole: bool, shown: object) -> int | Decimal:
    if not whole:
        return number
    if number != number.to_integral_value():
        raise NumberProblem("not_whole", _("Expected a whole number, got “%(value)s”.") % {"value": shown})
    return int(number)


def _not_a_number(raw: str) -> NumberProblem:
    return NumberProblem("not_a_number", _("Expected a number, got “%(value)s”.") % {"value": raw.strip()})
