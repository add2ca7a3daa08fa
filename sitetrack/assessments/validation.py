"""Validation rules for site assessments: pure functions on plain dicts.

The web form, the API and the intake of 100,000 field submissions all call `validate()`
with the same dict shape (SiteAssessment field names, `indicators` a dict keyed by
indicator code), so a rule means the same thing everywhere. Nothing here touches the
database except `validation_rules_for()`, which reads an operation's settings once.
Typing the values (`clean_values`, the field lists) is in cleaning.py, re-exported here.

`derive()` computes the derived indicators of ONE record in Python, for form feedback and
for the rules; reports and pages use the SQL versions in `assessments.selectors`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sitetrack.assessments.cleaning import (
    COUNT_FIELDS,
    MAX_COUNT,
    MAX_INDICATOR,
    PRIORITY_FIELDS,
    SECTORS,
    SEVERITY_FIELDS,
    as_number,
    clean_values,
)
from sitetrack.assessments.findings import (
    ERROR,
    WARNING,
    Finding,
    fmt,
    labels_of,
    sector_label,
    summarise,
)
from sitetrack.assessments.models import SAD_FIELDS, SHELTER_FIELDS
from sitetrack.core.sectors import Sector

if TYPE_CHECKING:
    from sitetrack.core.catalogue import CatalogueIndex
    from sitetrack.core.models import Operation

__all__ = [
    "COUNT_FIELDS",
    "ERROR",
    "MAX_COUNT",
    "MAX_INDICATOR",
    "PRIORITY_FIELDS",
    "SECTORS",
    "SEVERITY_FIELDS",
    "WARNING",
    "Finding",
    "clean_values",
    "fmt",
    "sector_label",
    "summarise",
]

# Rules whose findings mean the value cannot be stored at all (wrong type, negative,
# severity outside 1–5): services refuse them as field errors instead of recording them.
BLOCKING_RULES = frozenset({"type", "negative", "severity_range", "priority_choice"})


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


# --- derived indicators ---------------------------------------------------------------------


def _ratio(numerator: Any, denominator: Any) -> float | None:
    top, bottom = as_number(numerator), as_number(denominator)
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
        # The rules only read the values: no copy needed.
        cleaned, findings = values, []
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
        prev_people = as_number(previous.get("individuals"))
        findings.extend(_outlier_change(cleaned, prev_people, rules))
        findings.extend(_flow_balance(cleaned, prev_people, rules))
    findings.extend(_flows_total(cleaned))
    if rules.check_priorities:
        findings.extend(_priority_contradiction(cleaned, catalogue, rules))
    return findings


# The rules return lists (a comprehension, or () when nothing is found) rather than
# generators: `validate` runs them on every row of a 100,000-row import.


def _negative(values: Mapping[str, Any]) -> Iterable[Finding]:
    get = values.get
    return [
        Finding("negative", ERROR, name, "negative", {"value": value})
        for name in COUNT_FIELDS
        if isinstance(value := get(name), int) and value < 0
    ]


def _severity_range(values: Mapping[str, Any]) -> Iterable[Finding]:
    get = values.get
    return [
        Finding("severity_range", ERROR, name, "severity_range", {"value": value})
        for name in SEVERITY_FIELDS
        if isinstance(value := get(name), int) and not 1 <= value <= 5
    ]


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
    if individuals is None:
        return ()
    get = values.get
    given = [v for name in SAD_FIELDS if (v := get(name)) is not None]
    if not given:
        return ()
    total = sum(given)
    if total != individuals:
        return [
            Finding(
                "sadd_sum", ERROR, "individuals", "sadd_sum", {"total": total, "individuals": individuals}
            )
        ]
    return ()


def _households_individuals(values: Mapping[str, Any]) -> Iterable[Finding]:
    households, individuals = values.get("households"), values.get("individuals")
    if households is not None and individuals is not None and households > individuals:
        return [
            Finding(
                "households_individuals",
                ERROR,
                "households",
                "households_individuals",
                {"households": households, "individuals": individuals},
            )
        ]
    return ()


def _household_size(values: Mapping[str, Any], rules: ValidationRules) -> Iterable[Finding]:
    households, individuals = values.get("households"), values.get("individuals")
    if not households or individuals is None:
        return ()
    size = individuals / households
    if not rules.min_household_size <= size <= rules.max_household_size:
        return [
            Finding(
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
        ]
    return ()


def _shelter_households(values: Mapping[str, Any]) -> Iterable[Finding]:
    households = values.get("households")
    given = [values.get(name) for name in SHELTER_FIELDS if values.get(name) is not None]
    if households is None or not given:
        return ()
    total = sum(given)
    if total > households:
        return [
            Finding(
                "shelter_households",
                WARNING,
                "hh_other",
                "shelter_households",
                {"total": total, "households": households},
            )
        ]
    return ()


def _outlier_change(
    values: Mapping[str, Any], previous_individuals: float | None, rules: ValidationRules
) -> Iterable[Finding]:
    individuals = values.get("individuals")
    if individuals is None or not previous_individuals:
        return ()
    change = (individuals - previous_individuals) / previous_individuals * 100
    if abs(change) > rules.outlier_change_pct:
        return [
            Finding(
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
        ]
    return ()


def _flow_balance(
    values: Mapping[str, Any], previous_individuals: float | None, rules: ValidationRules
) -> Iterable[Finding]:
    individuals = values.get("individuals")
    arrivals, departures = values.get("arrivals"), values.get("departures")
    if individuals is None or previous_individuals is None or (arrivals is None and departures is None):
        return ()
    expected = (arrivals or 0) - (departures or 0)
    actual = individuals - previous_individuals
    tolerance = max(rules.flow_tolerance_min, previous_individuals * rules.flow_tolerance_pct / 100)
    if abs(actual - expected) > tolerance:
        return [
            Finding(
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
        ]
    return ()


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
        listed_sum = sum(int(as_number(f.get("individuals")) or 0) for f in listed)
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
        return ()
    definitions = [catalogue.indicators.get(code) for code in codes]
    if any(d is None or not d.has_threshold for d in definitions):
        return ()
    derived = derive(values, catalogue=catalogue)
    measured = [(d, derived.get(d.code)) for d in definitions]
    if any(value is None or not d.meets(value) for d, value in measured):
        return ()
    return [
        Finding(
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
    ]
    return ()
