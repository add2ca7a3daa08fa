"""Typing the values of a site assessment: counts, priorities and catalogue indicators as
the form, the API and the import give them (text, numbers, "1,180", "12,5", "oui"), into
the types the rules and the database use, with a type finding for what cannot be read.

Split from validation.py (which runs the rules on what is typed here and re-exports
these names): the fields a record has and how each is read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sitetrack.assessments.findings import ERROR, WARNING, Finding, labels_of, quote
from sitetrack.assessments.models import (
    NEED_FIELDS,
    SAD_FIELDS,
    SHELTER_FIELDS,
    VULNERABLE_FIELDS,
)
from sitetrack.core.models import IndicatorType
from sitetrack.core.sectors import Sector

if TYPE_CHECKING:
    from sitetrack.core.catalogue import CatalogueIndex

COUNT_FIELDS = (
    "households",
    "individuals",
    *SAD_FIELDS,
    "arrivals",
    "departures",
    *VULNERABLE_FIELDS,
    *SHELTER_FIELDS,
)
PRIORITY_FIELDS = ("priority_1", "priority_2", "priority_3")
SEVERITY_FIELDS = tuple(NEED_FIELDS.values())

SECTORS = frozenset(Sector.values)
INTEGER, DECIMAL = IndicatorType.INTEGER.value, IndicatorType.DECIMAL.value
YES_NO, SELECT_ONE = IndicatorType.YES_NO.value, IndicatorType.SELECT_ONE.value
SELECT_MULTIPLE = IndicatorType.SELECT_MULTIPLE.value
# The largest count a field takes (PositiveIntegerField on every database) and the largest
# indicator value kept: beyond them a figure is a typing or a file error, not a count.
MAX_COUNT = 2_147_483_647
MAX_INDICATOR = 1e15


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+$")
_YES = {"yes", "y", "true", "1", "oui", "o"}
_NO = {"no", "n", "false", "0", "non"}


def as_number(value: Any) -> float | None:
    """A float from an int, float, Decimal or numeric string; None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if "," in text:
            # 1,180 or 1,180.5 are thousands separators; 12,5 is a decimal comma.
            text = text.replace(",", "") if "." in text or _THOUSANDS.match(text) else text.replace(",", ".")
        try:
            return float(text) if text else None
        except ValueError:
            return None
    return None


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def clean_values(
    values: Mapping[str, Any], catalogue: CatalogueIndex
) -> tuple[dict[str, Any], list[Finding]]:
    """Typed copy of `values` (ints for counts and severities, floats for decimals, bools
    for yes/no, lists for select multiple) and the type findings met on the way.
    Values that cannot be read are left out of the copy and reported."""
    cleaned: dict[str, Any] = dict(values)
    findings: list[Finding] = []
    _clean_counts(values, cleaned, findings)
    _clean_priorities(values, cleaned, findings)
    cleaned["indicators"] = _clean_indicators(values.get("indicators"), catalogue, findings)
    return cleaned, findings


def _clean_counts(values: Mapping[str, Any], cleaned: dict[str, Any], findings: list[Finding]) -> None:
    """Counts and severities as ints (in `cleaned`), or left out with a finding."""
    for name in (*COUNT_FIELDS, *SEVERITY_FIELDS):
        if name not in values:
            continue
        raw = values[name]
        if type(raw) is int and 0 <= raw <= MAX_COUNT:  # the common case, kept fast for imports
            continue
        if _is_blank(raw):
            cleaned[name] = None
            continue
        number = as_number(raw)
        if number is None or not number.is_integer():
            findings.append(Finding("type", ERROR, name, "count_not_whole", {"value": quote(raw)}))
            cleaned.pop(name, None)
            continue
        if abs(number) > MAX_COUNT:
            findings.append(
                Finding("type", ERROR, name, "count_too_large", {"value": quote(raw), "max": MAX_COUNT})
            )
            cleaned.pop(name, None)
            continue
        cleaned[name] = int(number)


def _clean_priorities(values: Mapping[str, Any], cleaned: dict[str, Any], findings: list[Finding]) -> None:
    for name in PRIORITY_FIELDS:
        if name in values:
            raw = values[name]
            cleaned[name] = "" if _is_blank(raw) else str(raw).strip()
            if cleaned[name] and cleaned[name] not in SECTORS:
                findings.append(
                    Finding(
                        "priority_choice",
                        ERROR,
                        name,
                        "priority_choice",
                        {"value": quote(raw), "sectors": ", ".join(Sector.values)},
                    )
                )
                cleaned.pop(name)


def _clean_indicators(
    indicators_in: Any, catalogue: CatalogueIndex, findings: list[Finding]
) -> dict[str, Any]:
    """Indicator values typed by their catalogue definition; unknown codes kept, flagged."""
    indicators_in = indicators_in or {}
    if not isinstance(indicators_in, Mapping):
        findings.append(
            Finding("type", ERROR, "indicators", "indicators_not_mapping", {"value": quote(indicators_in)})
        )
        indicators_in = {}
    indicators_out: dict[str, Any] = {}
    for code, raw in indicators_in.items():
        definition = catalogue.indicators.get(code)
        field_name = f"indicators.{code}"
        if definition is None:
            findings.append(
                Finding(
                    "unknown_indicator",
                    WARNING,
                    field_name,
                    "unknown_indicator",
                    {"code": quote(code), "version": str(catalogue.version)},
                )
            )
            indicators_out[code] = raw
            continue
        if definition.derived:
            # Computed from other values; a submitted figure would only disagree with it.
            continue
        if _is_blank(raw):
            continue
        value, problem = _clean_indicator(definition, raw)
        if problem:
            code_, params = problem
            findings.append(
                Finding("type", ERROR, field_name, code_, {"label": labels_of(definition), **params})
            )
        else:
            indicators_out[code] = value
    return indicators_out


Problem = tuple[str, dict[str, Any]]  # (finding code, params other than the label)


def _clean_indicator(definition, raw: Any) -> tuple[Any, Problem | None]:
    kind = definition.type
    if kind in (INTEGER, DECIMAL):
        number = as_number(raw)
        if number is None or number != number or number in (float("inf"), float("-inf")):
            return None, ("indicator_not_number", {"value": quote(raw)})
        if kind == INTEGER and not number.is_integer():
            return None, ("indicator_not_whole", {"value": quote(raw)})
        if number < 0:
            return None, ("indicator_negative", {"value": number})
        if abs(number) > MAX_INDICATOR:
            return None, ("indicator_too_large", {"value": quote(raw), "max": MAX_INDICATOR})
        return (int(number) if kind == INTEGER else number), None
    if kind == YES_NO:
        if isinstance(raw, bool):
            return raw, None
        text = str(raw).strip().lower()
        if text in _YES:
            return True, None
        if text in _NO:
            return False, None
        return None, ("indicator_not_yes_no", {"value": quote(raw)})
    choices = ", ".join(definition.choice_names)
    if kind == SELECT_ONE:
        text = str(raw).strip()
        if text not in definition.choice_names:
            return None, ("indicator_not_choice", {"value": quote(raw), "choices": choices})
        return text, None
    if kind == SELECT_MULTIPLE:
        items = raw.split() if isinstance(raw, str) else list(raw) if isinstance(raw, (list, tuple)) else None
        if items is None:
            return None, ("indicator_not_list", {"value": quote(raw)})
        wrong = [str(i) for i in items if str(i) not in definition.choice_names]
        if wrong:
            return None, ("indicator_not_choice", {"value": quote(" ".join(wrong)), "choices": choices})
        return [str(i) for i in items], None
    if isinstance(raw, (dict, list)):
        return None, ("indicator_not_text", {"value": quote(raw)})
    return str(raw), None
