"""Turning the values a form, the API or a 3W file gives into what an activity stores,
with the message a user reads when a value does not fit. Services call these, so the web,
the API and the imports refuse the same values with the same words."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from sitetrack.core.errors import Errors  # noqa: F401 - re-exported for callers

# What counts as "no value" is core.tabular's rule (NULL, N/A, #N/A, -, empty), the same
# for every import and form: re-exported for the services.
from sitetrack.core.tabular import MISSING_TOKENS, is_missing  # noqa: F401


def normalise_name(text: str) -> str:
    """The key organisation names are matched on: no accents, case, punctuation or spaces
    ("Médecins Sans Frontières - MSF" and "MEDECINS SANS FRONTIERES MSF" are one key)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", plain.lower())


_SPACES = re.compile(r"[\s\u00a0\u202f']")


def clean_count(value: Any, field: str, errors: Errors) -> int | None:
    """A whole number of people, 0 or more; thousands separators (space, comma, narrow
    no-break space, apostrophe) are accepted, decimals are not."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        errors.add(field, _("Must be a whole number, got “%(value)s”.") % {"value": value})
        return None
    if isinstance(value, int | float | Decimal):
        number = value
    else:
        text = _SPACES.sub("", str(value).strip())
        if re.fullmatch(r"\d{1,3}(,\d{3})+", text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            errors.add(field, _("Must be a whole number, got “%(value)s”.") % {"value": value})
            return None
    if number != int(number) or number < 0:
        errors.add(field, _("Must be a whole number of 0 or more, got “%(value)s”.") % {"value": value})
        return None
    return int(number)


def clean_decimal(value: Any, field: str, errors: Errors) -> Decimal | None:
    if is_missing(value):
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = _SPACES.sub("", str(value).strip())
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            errors.add(field, _("Must be a number, got “%(value)s”.") % {"value": value})
            return None
    if number < 0 or not number.is_finite():
        errors.add(field, _("Must be a number of 0 or more, got “%(value)s”.") % {"value": value})
        return None
    return number.quantize(Decimal("0.01"))


def clean_date(value: Any, field: str, errors: Errors) -> date | None:
    """A date as ISO (2014-03-01), day/month/year (01/03/2014), or a spreadsheet date."""
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    parsed = None
    try:
        parsed = parse_date(text[:10])
    except ValueError:
        parsed = None
    if parsed is None:
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                parsed = date(year, month, day)
            except ValueError:
                parsed = None
    if parsed is None:
        errors.add(
            field, _("Must be a date such as 2014-03-31 or 31/03/2014, got “%(value)s”.") % {"value": value}
        )
    return parsed


def clean_choice(value: Any, field: str, choices: type, errors: Errors, *, default: str = "") -> str:
    """A value of a TextChoices, by value or by its English or French label."""
    if is_missing(value):
        return default
    text = str(value).strip()
    found = _choice_keys(choices).get(normalise_name(text))
    if found is not None:
        return found
    errors.add(
        field,
        _("Unknown value “%(value)s”; expected one of: %(choices)s.")
        % {"value": text, "choices": ", ".join(choices.values)},
    )
    return default


@functools.cache
def _choice_keys(choices: type) -> dict[str, str]:
    """Normalised value and English and French labels → value (labels are fixed texts)."""
    keys: dict[str, str] = {}
    for language in ("en", "fr"):
        with translation.override(language):
            for choice_value, label in choices.choices:
                keys.setdefault(normalise_name(choice_value), choice_value)
                keys.setdefault(normalise_name(str(label)), choice_value)
    return keys


def parse_month(value: Any) -> date | None:
    """The first day of the month named by "2014-03" (or a date in it); None if not one."""
    if isinstance(value, date):
        return value.replace(day=1)
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(-\d{1,2})?\s*", str(value or ""))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)
