"""Findings of the validation rules: stored as a code and its parameters, read in the
reader's language.

A finding is kept on the assessment (`SiteAssessment.issues`) as

    {"rule": "sadd_sum", "severity": "error", "field": "individuals",
     "code": "sadd_sum", "params": {"total": 1372, "individuals": 1327}}

and turned into a sentence only when someone reads it (`finding_message`), with the
numbers formatted for the active language: "… add up to 1,372 …" in English, "… 1 372 …"
in French. Parameters are JSON: numbers stay numbers; a value that is itself words is a
small dict the renderer knows:

    {"n": 12.5, "decimals": 1, "signed": true}   a number with its format
    {"en": "Latrines", "fr": "Latrines"}         a label in each language (catalogue)
    {"sector": "wash"}                           a sector, by code
    {"term": "first"}                            one of TERMS below
    [{"label": …, "value": …, "unit": …, "threshold": …}, …]   facts, joined by "; "

Issues stored before codes existed have only a "message": it is shown as it was written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import get_format, number_format
from django.utils.translation import get_language, gettext_lazy

from sitetrack.core.sectors import Sector

ERROR = "error"
WARNING = "warning"

# The sentence of each finding code. The English text is the gettext message id: the
# French catalogue translates it; params fill the placeholders when it is read.
MESSAGES: dict[str, Any] = {
    "count_not_whole": gettext_lazy("%(value)s is not a whole number."),
    "count_too_large": gettext_lazy("%(value)s is too large for a count (at most %(max)s)."),
    "indicators_not_mapping": gettext_lazy("Indicators must be given as {code: value}, not %(value)s."),
    "priority_choice": gettext_lazy("%(value)s is not a sector (use one of %(sectors)s)."),
    "unknown_indicator": gettext_lazy(
        "%(code)s is not in catalogue %(version)s; the value is kept but not used."
    ),
    "indicator_not_number": gettext_lazy("%(label)s: %(value)s is not a number."),
    "indicator_not_whole": gettext_lazy("%(label)s: %(value)s is not a whole number."),
    "indicator_negative": gettext_lazy("%(label)s cannot be negative (%(value)s)."),
    "indicator_too_large": gettext_lazy("%(label)s: %(value)s is too large (at most %(max)s)."),
    "indicator_not_text": gettext_lazy("%(label)s: %(value)s is not text."),
    "indicator_not_yes_no": gettext_lazy("%(label)s: %(value)s is not yes or no."),
    "indicator_not_choice": gettext_lazy("%(label)s: %(value)s is not one of %(choices)s."),
    "indicator_not_list": gettext_lazy("%(label)s: %(value)s is not a list of choices."),
    "negative": gettext_lazy("%(value)s: figures cannot be negative."),
    "severity_range": gettext_lazy("Severity must be between 1 and 5, not %(value)s."),
    "priority_duplicate": gettext_lazy(
        "%(sector)s is already the %(rank)s priority; each priority must be a different sector."
    ),
    "sadd_sum": gettext_lazy("Sex and age figures add up to %(total)s but individuals is %(individuals)s."),
    "households_individuals": gettext_lazy(
        "There are more households (%(households)s) than individuals (%(individuals)s)."
    ),
    "household_size": gettext_lazy(
        "Average household size is %(size)s people (%(individuals)s individuals in "
        "%(households)s households), outside the expected %(low)s–%(high)s."
    ),
    "shelter_households": gettext_lazy(
        "Households by shelter type add up to %(total)s, more than the %(households)s households."
    ),
    "outlier_change": gettext_lazy(
        "Individuals changed by %(change)s%% since the last round (from %(previous)s to "
        "%(current)s), more than %(limit)s%%: check the count or explain it."
    ),
    "flow_balance": gettext_lazy(
        "Arrivals minus departures is %(expected)s but the population changed by "
        "%(actual)s since the last round (from %(previous)s to %(current)s)."
    ),
    "flows_total": gettext_lazy("%(name)s by area add up to %(listed)s but the total is %(total)s."),
    "priority_contradiction": gettext_lazy(
        "%(sector)s is the first priority although %(facts)s meet their thresholds; confirm or explain."
    ),
}

TERMS: dict[str, Any] = {
    "first": gettext_lazy("first"),
    "second": gettext_lazy("second"),
    "third": gettext_lazy("third"),
    "arrivals": gettext_lazy("Arrivals"),
    "departures": gettext_lazy("Departures"),
}


@dataclass(frozen=True)
class Finding:
    """One finding of one rule; `message` is its sentence in the active language."""

    rule: str
    severity: str  # "error" | "warning"
    field: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return render(self.code, self.params)

    def as_dict(self) -> dict[str, Any]:
        """What is stored in SiteAssessment.issues (JSON, no sentence)."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "field": self.field,
            "code": self.code,
            "params": dict(self.params),
        }


def summarise(findings: Iterable[Finding]) -> tuple[list[dict[str, Any]], int, int]:
    """(issues JSON, error count, warning count) as stored on SiteAssessment."""
    issues = [f.as_dict() for f in findings]
    errors = sum(1 for f in issues if f["severity"] == ERROR)
    return issues, errors, len(issues) - errors


# --- reading -----------------------------------------------------------------------------------


def finding_message(issue: Mapping[str, Any]) -> str:
    """The sentence of a stored finding in the active language."""
    code = issue.get("code")
    if code in MESSAGES:
        return render(code, issue.get("params") or {})
    return str(issue.get("message") or issue.get("rule") or "")


def issues_for_reader(issues: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stored findings with their `message` in the active language (pages, API, exports)."""
    return [{**issue, "message": finding_message(issue)} for issue in issues or ()]


def render(code: str, params: Mapping[str, Any]) -> str:
    return fill(MESSAGES[code], code, params)


def fill(template: Any, code: str, params: Mapping[str, Any]) -> str:
    """A message template (lazy text, or a lazy plural whose number is the parameter
    "n") filled with parameters formatted for the active language. Shared by the
    findings here and the intake cleaning log (intake/log_messages.py)."""
    try:
        return str(template % {name: _param(value) for name, value in params.items()})
    except (KeyError, TypeError, ValueError):
        # Parameters from another version of the rule: say what is known, never fail a page.
        return f"{code}: " + ", ".join(f"{k}={_param(v)}" for k, v in params.items())


class _Count(int):
    """A whole number that reads as the active language writes it ("1 372" in French)
    while plural forms still choose by its value."""

    def __str__(self) -> str:
        return fmt(int(self))

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else int.__format__(self, spec)


def _param(value: Any) -> str | int:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return _Count(value)
    if isinstance(value, (float, Decimal)):
        return fmt(value)
    if isinstance(value, list):
        return "; ".join(_fact(item) for item in value)
    if isinstance(value, dict):
        if "n" in value:
            text = fmt(value["n"], value.get("decimals"))
            return ("+" + text) if value.get("signed") and float(value["n"]) > 0 else text
        if "sector" in value:
            return sector_label(value["sector"])
        if "term" in value:
            return str(TERMS.get(value["term"], value["term"]))
        if "en" in value:
            return label(value)
    return str(value)


def _fact(item: Any) -> str:
    if not isinstance(item, dict):
        return str(_param(item))
    text = f"{label(item.get('label') or {})} {_param(item.get('value'))} {item.get('unit') or ''}".strip()
    return f"{text} ({item['threshold']})" if item.get("threshold") else text


def label(labels: Mapping[str, str]) -> str:
    """A {"en": …, "fr": …} label in the active language (English when missing)."""
    language = (get_language() or "en").split("-")[0]
    return labels.get(language) or labels.get("en") or ""


def labels_of(definition: Any) -> dict[str, str]:
    """An indicator's label in each language, as a parameter."""
    return {"en": definition.label_en, "fr": definition.label_fr or definition.label_en}


def sector_label(code: str) -> str:
    try:
        return str(Sector(code).label)
    except ValueError:
        return code


# --- numbers as the reader reads them ------------------------------------------------------------

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

    What Django's number_format gives (a test checks), at a tenth of its cost: a page of
    findings formats many figures."""
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


def quote(value: Any) -> str:
    """A value as the user typed it, quoted, cut to 60 characters (findings are stored)."""
    text = str(value)
    return f"“{text if len(text) <= 60 else text[:59] + '…'}”"
