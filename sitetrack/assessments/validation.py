"""Validation rules for site assessments: pure functions on plain dicts.

The web form, the API and the intake of 100,000 field submissions all call `validate()`
with the same dict shape (SiteAssessment field names, `indicators` a dict keyed by
indicator code), so a rule means the same thing everywhere. Nothing here touches the
database except `validation_rules_for()`, which reads an operation's settings once.

`derive()` computes the derived indicators of ONE record in Python, for form feedback and
for the rules; reports and pages use the SQL versions in `assessments.selectors`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sitetrack.assessments.findings import (
    ERROR,
    WARNING,
    Finding,
    fmt,
    labels_of,
    quote,
    sector_label,
    summarise,
)
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
    from sitetrack.core.models import Operation

__all__ = ["ERROR", "WARNING", "Finding", "fmt", "sector_label", "summarise"]

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

# Rules whose findings mean the value cannot be stored at all (wrong type, negative,
# severity outside 1–5): services refuse them as field errors instead of recording them.
SECTORS = frozenset(Sector.values)
INTEGER, DECIMAL = IndicatorType.INTEGER.value, IndicatorType.DECIMAL.value
YES_NO, SELECT_ONE = IndicatorType.YES_NO.value, IndicatorType.SELECT_ONE.value
SELECT_MULTIPLE = IndicatorType.SELECT_MULTIPLE.value
BLOCKING_RULES = frozenset({"type", "negative", "severity_range", "priority_choice"})
# The largest count a field takes (PositiveIntegerField on every database) and the largest
# indicator value kept: beyond them a figure is a typing or a file error, not a count.
MAX_COUNT = 2_147_483_647
MAX_INDICATOR = 1e15


@dataclass(frozen=True)
class ValidationRules:
    """Parameters of the rules; per operation in assessments.ValidationSettings.

    The household size range 2–10 is deliberately wide: average household sizes in
    Central and West Africa are around 4–6 people (UN DESA, Database on Household Size
    and Composition), so values outside 2–10 are almost always a typing error
    (households and individuals swapped, a digit too many).
    """

    min_household_size: float = 2.0
    max_household_size: float = 10.0
    outlier_change_pct: float = 50.0
    flow_tolerance_pct: float = 10.0
    flow_tolerance_min: int = 50
    check_priorities: bool = True
    # For each sector, the derived indicators that, when ALL of them meet their threshold,
    # make that sector a surprising first priority.
    priority_checks: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            Sector.WASH.value: ("litres_per_person_day", "people_per_latrine"),
            Sector.SHELTER_NFI.value: ("covered_m2_per_person",),
        }
    )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["priority_checks"] = {k: list(v) for k, v in self.priority_checks.items()}
        return data


def validation_rules_for(operation: Operation | None) -> ValidationRules:
    """The operation's rule parameters (defaults when it has no settings)."""
    if operation is None:
        return ValidationRules()
    from sitetrack.assessments.models import ValidationSettings

    settings = ValidationSettings.objects.filter(operation=operation).first()
    if settings is None:
        return ValidationRules()
    return ValidationRules(
        min_household_size=float(settings.min_household_size),
        max_household_size=float(settings.max_household_size),
        outlier_change_pct=float(settings.outlier_change_pct),
        flow_tolerance_pct=float(settings.flow_tolerance_pct),
        flow_tolerance_min=int(settings.flow_tolerance_min),
        check_priorities=settings.check_priorities,
    )


# --- cleaning -----------------------------------------------------------------------------

_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+$")
_YES = {"yes", "y", "true", "1", "oui", "o"}
_NO = {"no", "n", "false", "0", "non"}


def _as_number(value: Any) -> float | None:
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
        number = _as_number(raw)
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
        number = _as_number(raw)
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


# --- derived indicators ---------------------------------------------------------------------


def _ratio(numerator: Any, denominator: Any) -> float | None:
    top, bottom = _as_number(numerator), _as_number(denominator)
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def derive(
    values: Mapping[str, Any], site_area_m2: float | None = None, catalogue: CatalogueIndex | None = None
) -> dict[str, float | None]:
    """Derived indicators of one record, by formula name (and, given a catalogue, also by
    the code of every derived indicator, e.g. people_per_latrine_first_phase).
    Same formulas as assessments.selectors.annotate_derived; a zero denominator gives None."""
    ind = values.get("indicators") or {}
    people = values.get("individuals")
    area = site_area_m2 if site_area_m2 is not None else values.get("site_area_m2")
    results: dict[str, float | None] = {
        "litres_per_person_day": _ratio(ind.get("water_litres_per_day"), people),
        "people_per_latrine": _ratio(people, ind.get("latrines_functional")),
        "people_per_water_point": _ratio(people, ind.get("water_points")),
        "covered_m2_per_person": _ratio(ind.get("covered_area_m2"), people),
        "site_area_per_person": _ratio(area, people),
        "female_male_latrine_ratio": _ratio(ind.get("latrines_female"), ind.get("latrines_male")),
    }
    if catalogue is not None:
        for definition in catalogue.derived():
            results[definition.code] = results.get(definition.derived)
    return results


def gaps(derived: Mapping[str, float | None], catalogue: CatalogueIndex) -> dict[str, float | None]:
    """`<code>` → shortfall against the threshold (positive = gap) for derived indicators."""
    return {d.code: d.gap(derived.get(d.code, derived.get(d.derived))) for d in catalogue.with_thresholds()}


# --- the rules -----------------------------------------------------------------------------


def validate(
    values: Mapping[str, Any],
    *,
    previous: Mapping[str, Any] | None,
    catalogue: CatalogueIndex,
    rules: ValidationRules,
    precleaned: bool = False,
) -> list[Finding]:
    """Every finding of every rule on one assessment (errors and warnings).

    `precleaned`: the caller passes values that `clean_values` already typed without a
    finding (large imports), so they are not typed a second time."""
    if precleaned:
        cleaned, findings = dict(values), []
    else:
        cleaned, findings = clean_values(values, catalogue)
    findings.extend(_negative(cleaned))
    findings.extend(_severity_range(cleaned))
    findings.extend(_priorities_distinct(cleaned))
    findings.extend(_sadd_sum(cleaned))
    hh_ok = True
    for finding in _households_individuals(cleaned):
        hh_ok = False
        findings.append(finding)
    if hh_ok:
        findings.extend(_household_size(cleaned, rules))
    findings.extend(_shelter_households(cleaned))
    if previous is not None:
        prev_people = _as_number(previous.get("individuals"))
        findings.extend(_outlier_change(cleaned, prev_people, rules))
        findings.extend(_flow_balance(cleaned, prev_people, rules))
    findings.extend(_flows_total(cleaned))
    if rules.check_priorities:
        findings.extend(_priority_contradiction(cleaned, catalogue, rules))
    return findings


def _negative(values: Mapping[str, Any]) -> Iterable[Finding]:
    for name in COUNT_FIELDS:
        value = values.get(name)
        if isinstance(value, int) and value < 0:
            yield Finding("negative", ERROR, name, "negative", {"value": value})


def _severity_range(values: Mapping[str, Any]) -> Iterable[Finding]:
    for name in SEVERITY_FIELDS:
        value = values.get(name)
        if isinstance(value, int) and not 1 <= value <= 5:
            yield Finding("severity_range", ERROR, name, "severity_range", {"value": value})


_RANKS = {"priority_1": "first", "priority_2": "second", "priority_3": "third"}


def _priorities_distinct(values: Mapping[str, Any]) -> Iterable[Finding]:
    seen: dict[str, str] = {}
    for name in PRIORITY_FIELDS:
        sector = values.get(name)
        if not sector:
            continue
        if sector in seen:
            yield Finding(
                "priority_duplicate",
                ERROR,
                name,
                "priority_duplicate",
                {"sector": {"sector": sector}, "rank": {"term": _RANKS[seen[sector]]}},
            )
        seen[sector] = name


def _sadd_sum(values: Mapping[str, Any]) -> Iterable[Finding]:
    individuals = values.get("individuals")
    given = [values.get(name) for name in SAD_FIELDS if values.get(name) is not None]
    if individuals is None or not given:
        return
    total = sum(given)
    if total != individuals:
        yield Finding(
            "sadd_sum", ERROR, "individuals", "sadd_sum", {"total": total, "individuals": individuals}
        )


def _households_individuals(values: Mapping[str, Any]) -> Iterable[Finding]:
    households, individuals = values.get("households"), values.get("individuals")
    if households is not None and individuals is not None and households > individuals:
        yield Finding(
            "households_individuals",
            ERROR,
            "households",
            "households_individuals",
            {"households": households, "individuals": individuals},
        )


def _household_size(values: Mapping[str, Any], rules: ValidationRules) -> Iterable[Finding]:
    households, individuals = values.get("households"), values.get("individuals")
    if not households or individuals is None:
        return
    size = individuals / households
    if not rules.min_household_size <= size <= rules.max_household_size:
        yield Finding(
            "household_size",
            WARNING,
            "households",
            "household_size",
            {
                "size": {"n": size, "decimals": 1},
                "individuals": individuals,
                "households": households,
                "low": rules.min_household_size,
                "high": rules.max_household_size,
            },
        )


def _shelter_households(values: Mapping[str, Any]) -> Iterable[Finding]:
    households = values.get("households")
    given = [values.get(name) for name in SHELTER_FIELDS if values.get(name) is not None]
    if households is None or not given:
        return
    total = sum(given)
    if total > households:
        yield Finding(
            "shelter_households",
            WARNING,
            "hh_other",
            "shelter_households",
            {"total": total, "households": households},
        )


def _outlier_change(
    values: Mapping[str, Any], previous_individuals: float | None, rules: ValidationRules
) -> Iterable[Finding]:
    individuals = values.get("individuals")
    if individuals is None or not previous_individuals:
        return
    change = (individuals - previous_individuals) / previous_individuals * 100
    if abs(change) > rules.outlier_change_pct:
        yield Finding(
            "outlier_change",
            WARNING,
            "individuals",
            "outlier_change",
            {
                "change": {"n": change, "decimals": 0, "signed": True},
                "previous": previous_individuals,
                "current": individuals,
                "limit": rules.outlier_change_pct,
            },
        )


def _flow_balance(
    values: Mapping[str, Any], previous_individuals: float | None, rules: ValidationRules
) -> Iterable[Finding]:
    individuals = values.get("individuals")
    arrivals, departures = values.get("arrivals"), values.get("departures")
    if individuals is None or previous_individuals is None or (arrivals is None and departures is None):
        return
    expected = (arrivals or 0) - (departures or 0)
    actual = individuals - previous_individuals
    tolerance = max(rules.flow_tolerance_min, previous_individuals * rules.flow_tolerance_pct / 100)
    if abs(actual - expected) > tolerance:
        yield Finding(
            "flow_balance",
            WARNING,
            "arrivals",
            "flow_balance",
            {
                "expected": {"n": expected, "signed": True},
                "actual": {"n": actual, "signed": True},
                "previous": previous_individuals,
                "current": individuals,
            },
        )


def _flows_total(values: Mapping[str, Any]) -> Iterable[Finding]:
    """When flows by origin/destination are given, they should add up to the totals."""
    flows = values.get("flows")
    if not flows:
        return
    for direction, name in (("arrival", "arrivals"), ("departure", "departures")):
        listed = [f for f in flows if f.get("direction") == direction]
        total = values.get(name)
        if not listed or total is None:
            continue
        listed_sum = sum(int(_as_number(f.get("individuals")) or 0) for f in listed)
        if listed_sum != total:
            yield Finding(
                "flows_total",
                WARNING,
                name,
                "flows_total",
                {"name": {"term": name}, "listed": listed_sum, "total": total},
            )


def _priority_contradiction(
    values: Mapping[str, Any], catalogue: CatalogueIndex, rules: ValidationRules
) -> Iterable[Finding]:
    sector = values.get("priority_1")
    codes = rules.priority_checks.get(sector or "")
    if not codes:
        return
    definitions = [catalogue.indicators.get(code) for code in codes]
    if any(d is None or not d.has_threshold for d in definitions):
        return
    derived = derive(values, catalogue=catalogue)
    measured = [(d, derived.get(d.code)) for d in definitions]
    if any(value is None or not d.meets(value) for d, value in measured):
        return
    yield Finding(
        "priority_contradiction",
        WARNING,
        "priority_1",
        "priority_contradiction",
        {
            "sector": {"sector": sector},
            "facts": [
                {
                    "label": labels_of(d),
                    "value": {"n": value, "decimals": 1},
                    "unit": d.unit,
                    "threshold": d.threshold_text(),
                }
                for d, value in measured
            ],
        },
    )
