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

from django.utils.formats import get_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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

ERROR = "error"
WARNING = "warning"

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


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "error" | "warning"
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "severity": self.severity, "field": self.field, "message": self.message}


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


# --- formatting -------------------------------------------------------------------------


# Per language: (decimal separator, thousand separator), when it groups by three.
_SEPARATORS: dict[str, tuple[str, str] | None] = {}


def _separators() -> tuple[str, str] | None:
    language = get_language() or ""
    found = _SEPARATORS.get(language, False)
    if found is False:
        found = None
        if get_format("NUMBER_GROUPING") == 3:
            found = (get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR"))
        _SEPARATORS[language] = found
    return found


def fmt(value: float | int | Decimal | None, decimals: int | None = None) -> str:
    """A number as users read it in the current language: 1,180 / 1 180; 12.5 / 12,5.

    What Django's number_format gives (a test checks), at a tenth of its cost: imports
    write a message with figures for every finding of 100,000 rows."""
    if value is None:
        return "—"
    number = float(value)
    if decimals is None:
        decimals = 0 if number.is_integer() else 1
    number = round(number, decimals)
    separators = _separators()
    if separators is None:
        return number_format(number, decimal_pos=decimals, force_grouping=True)
    decimal, thousands = separators
    return f"{number:,.{decimals}f}".replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)


def sector_label(code: str) -> str:
    try:
        return str(Sector(code).label)
    except ValueError:
        return code


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

    for name in (*COUNT_FIELDS, *SEVERITY_FIELDS):
        if name not in values:
            continue
        raw = values[name]
        if type(raw) is int:  # the common case, kept fast for large imports
            continue
        if _is_blank(raw):
            cleaned[name] = None
            continue
        number = _as_number(raw)
        if number is None or not number.is_integer():
            findings.append(
                Finding("type", ERROR, name, _("%(value)s is not a whole number.") % {"value": _quote(raw)})
            )
            cleaned.pop(name, None)
            continue
        cleaned[name] = int(number)

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
                        _("%(value)s is not a sector (use one of %(sectors)s).")
                        % {"value": _quote(raw), "sectors": ", ".join(Sector.values)},
                    )
                )
                cleaned.pop(name)

    indicators_in = values.get("indicators") or {}
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
                    _("%(code)s is not in catalogue %(version)s; the value is kept but not used.")
                    % {"code": code, "version": catalogue.version},
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
            findings.append(Finding("type", ERROR, field_name, problem))
        else:
            indicators_out[code] = value
    cleaned["indicators"] = indicators_out
    return cleaned, findings


def _quote(value: Any) -> str:
    return f"“{value}”"


def _clean_indicator(definition, raw: Any) -> tuple[Any, str | None]:
    # Labels are looked up only when there is a problem: this runs on every value of
    # every imported row.
    kind = definition.type
    if kind in (INTEGER, DECIMAL):
        number = _as_number(raw)
        if number is None:
            return None, _("%(label)s: %(value)s is not a number.") % {
                "label": definition.label,
                "value": _quote(raw),
            }
        if kind == INTEGER and not number.is_integer():
            return None, _("%(label)s: %(value)s is not a whole number.") % {
                "label": definition.label,
                "value": _quote(raw),
            }
        if number < 0:
            return None, _("%(label)s cannot be negative (%(value)s).") % {
                "label": definition.label,
                "value": fmt(number),
            }
        return (int(number) if kind == INTEGER else number), None
    if kind == YES_NO:
        if isinstance(raw, bool):
            return raw, None
        text = str(raw).strip().lower()
        if text in _YES:
            return True, None
        if text in _NO:
            return False, None
        return None, _("%(label)s: %(value)s is not yes or no.") % {
            "label": definition.label,
            "value": _quote(raw),
        }
    if kind == SELECT_ONE:
        text = str(raw).strip()
        if text not in definition.choice_names:
            return None, _("%(label)s: %(value)s is not one of %(choices)s.") % {
                "label": definition.label,
                "value": _quote(raw),
                "choices": ", ".join(definition.choice_names),
            }
        return text, None
    if kind == SELECT_MULTIPLE:
        items = raw.split() if isinstance(raw, str) else list(raw) if isinstance(raw, (list, tuple)) else None
        if items is None:
            return None, _("%(label)s: %(value)s is not a list of choices.") % {
                "label": definition.label,
                "value": _quote(raw),
            }
        wrong = [str(i) for i in items if str(i) not in definition.choice_names]
        if wrong:
            return None, _("%(label)s: %(value)s is not one of %(choices)s.") % {
                "label": definition.label,
                "value": _quote(" ".join(wrong)),
                "choices": ", ".join(definition.choice_names),
            }
        return [str(i) for i in items], None
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
            yield Finding(
                "negative", ERROR, name, _("%(value)s: figures cannot be negative.") % {"value": fmt(value)}
            )


def _severity_range(values: Mapping[str, Any]) -> Iterable[Finding]:
    for name in SEVERITY_FIELDS:
        value = values.get(name)
        if isinstance(value, int) and not 1 <= value <= 5:
            yield Finding(
                "severity_range",
                ERROR,
                name,
                _("Severity must be between 1 and 5, not %(value)s.") % {"value": value},
            )


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
                _("%(sector)s is already the %(rank)s priority; each priority must be a different sector.")
                % {"sector": sector_label(sector), "rank": _rank(seen[sector])},
            )
        seen[sector] = name


def _rank(name: str) -> str:
    return {"priority_1": _("first"), "priority_2": _("second"), "priority_3": _("third")}[name]


def _sadd_sum(values: Mapping[str, Any]) -> Iterable[Finding]:
    individuals = values.get("individuals")
    given = [values.get(name) for name in SAD_FIELDS if values.get(name) is not None]
    if individuals is None or not given:
        return
    total = sum(given)
    if total != individuals:
        yield Finding(
            "sadd_sum",
            ERROR,
            "individuals",
            _("Sex and age figures add up to %(total)s but individuals is %(individuals)s.")
            % {"total": fmt(total), "individuals": fmt(individuals)},
        )


def _households_individuals(values: Mapping[str, Any]) -> Iterable[Finding]:
    households, individuals = values.get("households"), values.get("individuals")
    if households is not None and individuals is not None and households > individuals:
        yield Finding(
            "households_individuals",
            ERROR,
            "households",
            _("There are more households (%(households)s) than individuals (%(individuals)s).")
            % {"households": fmt(households), "individuals": fmt(individuals)},
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
            _(
                "Average household size is %(size)s people (%(individuals)s individuals in "
                "%(households)s households), outside the expected %(low)s–%(high)s."
            )
            % {
                "size": fmt(size, 1),
                "individuals": fmt(individuals),
                "households": fmt(households),
                "low": fmt(rules.min_household_size),
                "high": fmt(rules.max_household_size),
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
            _("Households by shelter type add up to %(total)s, more than the %(households)s households.")
            % {"total": fmt(total), "households": fmt(households)},
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
            _(
                "Individuals changed by %(change)s%% since the last round (from %(previous)s to "
                "%(current)s), more than %(limit)s%%: check the count or explain it."
            )
            % {
                "change": ("+" if change > 0 else "") + fmt(change, 0),
                "previous": fmt(previous_individuals),
                "current": fmt(individuals),
                "limit": fmt(rules.outlier_change_pct),
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
            _(
                "Arrivals minus departures is %(expected)s but the population changed by "
                "%(actual)s since the last round (from %(previous)s to %(current)s)."
            )
            % {
                "expected": _signed(expected),
                "actual": _signed(actual),
                "previous": fmt(previous_individuals),
                "current": fmt(individuals),
            },
        )


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + fmt(value)


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
                _("%(name)s by area add up to %(listed)s but the total is %(total)s.")
                % {
                    "name": _("Arrivals") if name == "arrivals" else _("Departures"),
                    "listed": fmt(listed_sum),
                    "total": fmt(total),
                },
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
        _("%(sector)s is the first priority although %(facts)s meet their thresholds; confirm or explain.")
        % {
            "sector": sector_label(sector),
            "facts": "; ".join(
                f"{d.label} {fmt(value, 1)} {d.unit} ({d.threshold_text()})" for d, value in measured
            ),
        },
    )


def summarise(findings: Iterable[Finding]) -> tuple[list[dict[str, str]], int, int]:
    """(issues JSON, error count, warning count) as stored on SiteAssessment."""
    issues = [f.as_dict() for f in findings]
    errors = sum(1 for f in issues if f["severity"] == ERROR)
    return issues, errors, len(issues) - errors
