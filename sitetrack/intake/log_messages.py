"""What a cleaning-log line says, stored as a code and its parameters and turned into a
sentence only when someone reads it, in the reader's language and number format.

A line is kept as `CleaningLogEntry.code` + `CleaningLogEntry.params`, e.g.

    code="duplicate_uuid", params={"uuid": "a1b2", "first": 2, "row": 4}

and read with `log_message(code, params)`: "Submission a1b2 appears twice in this file
(rows 2 and 4): …" in English, the same in French with French numbers. The codes of the
web form's validation rules (assessments/findings.py) are read through that module, so
a finding reads the same on the assessment page and in the cleaning log. Parameters
follow the findings' conventions (numbers stay numbers; see findings.py).

Lines written before codes existed keep their text in `issue`; migration 0006 gives
them a code where their text matches one of the sentences below (see `legacy_code`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy, ngettext_lazy

from sitetrack.assessments import findings
from sitetrack.core.text_templates import template_pattern

# The sentence of each code of the import's own rules (the English text is the gettext
# message id). A plural takes its number from the parameter "n".
MESSAGES: dict[str, Any] = {
    "missing_uuid": gettext_lazy("The submission has no UUID."),
    "duplicate_uuid": gettext_lazy(
        "Submission %(uuid)s appears twice in this file (rows %(first)s and %(row)s): this row is rejected."
    ),
    "cell_too_long": gettext_lazy("The cell holds %(n)s characters; at most %(max)s are read."),
    "unknown_location": gettext_lazy(
        "Location %(code)s matches no site of this operation's registry (by site code, alias or "
        "admin area). Add the site, or import with --create-sites."
    ),
    "missing_site": gettext_lazy("No site code."),
    "unknown_site": gettext_lazy("Site code %(code)s is not in the registry of this operation."),
    "site_code_case": gettext_lazy("Site code written as in the registry."),
    "ambiguous_location": gettext_lazy(
        "Location %(code)s holds %(n)s sites of the registry (%(sites)s): map the site code (SSID) "
        "column, or give each site this location's code as an alias."
    ),
    "unknown_pcode": gettext_lazy("P-code %(pcode)s is not a known admin area."),
    "pcode_mismatch": gettext_lazy(
        "Site %(site)s is not in admin area %(pcode)s; the registry's area is kept."
    ),
    "not_a_date": gettext_lazy("%(value)s is not a date (YYYY-MM-DD)."),
    "future_date": gettext_lazy("The visit date %(value)s is in the future."),
    "unknown_method": gettext_lazy("Unknown method dropped."),
    "flow_not_whole": gettext_lazy("Flow %(n)s: not a whole number ≥ 0."),
    "flow_direction": gettext_lazy("Flow %(n)s: direction must be arrival or departure."),
    "unknown_choice_value": ngettext_lazy(
        "%(n)s submission names %(value)s as a priority: map it to a sector in the mapping, or to ignore.",
        "%(n)s submissions name %(value)s as a priority: map it to a sector in the mapping, or to ignore.",
        "n",
    ),
    "mapping_value": gettext_lazy("Value translated by mapping %(name)s."),
    "duplicate_in_file": gettext_lazy(
        "Another submission in this file is for the same site and round (%(uuid)s)."
    ),
    "duplicate_other_source": gettext_lazy(
        "The site already has an assessment for this round from another source."
    ),
    "duplicate_validated": gettext_lazy("The site's assessment for this round is already validated."),
    "resubmitted": gettext_lazy("Changed by a new version of submission %(uuid)s."),
}


def log_message(code: str, params: Mapping[str, Any] | None = None, fallback: str = "") -> str:
    """The sentence of a code in the active language; `fallback` (a line's stored text,
    from before codes) when the code is unknown or empty."""
    params = params or {}
    if code in MESSAGES:
        return findings.fill(MESSAGES[code], code, params)
    if code in findings.MESSAGES:
        return findings.render(code, params)
    return fallback or code


# --- lines stored as text (before codes) -----------------------------------------------------



class _Placeholder(int):
    """A number for plural forms that writes itself back as its placeholder."""

    def __str__(self) -> str:
        return "%(n)s"


class _Keep(dict):
    """Parameters that leave every placeholder as it is: the template's own text."""

    def __missing__(self, key: str) -> str:
        return f"%({key})s"


def _template_texts(message: Any) -> set[str]:
    """A message's template in the active language, both plural forms where it has them."""
    return {str(message % _Keep(n=_Placeholder(n))) for n in (1, 2)}


def legacy_patterns(
    languages: list[str], tables: tuple[Mapping[str, Any], ...] | None = None
) -> list[tuple[str, re.Pattern]]:
    """(code, pattern) for every sentence of `tables` (the cleaning log's and the
    findings' by default) in each language, most specific first."""
    found: list[tuple[str, re.Pattern]] = []
    for language in languages:
        with translation.override(language):
            for table in tables or (MESSAGES, findings.MESSAGES):
                for code, message in table.items():
                    found += [(code, template_pattern(text)) for text in _template_texts(message)]
    # Longer templates first: a specific sentence before a shorter, looser one.
    found.sort(key=lambda item: -len(item[1].pattern))
    return found


def legacy_code(issue: str, patterns: list[tuple[str, re.Pattern]]) -> tuple[str, dict] | None:
    """(code, params) of a sentence stored as text, when it matches one; params are the
    text as written, whole numbers as numbers."""
    for code, pattern in patterns:
        m = pattern.match(issue)
        if m:
            return code, {name: _number(value) for name, value in m.groupdict().items()}
    return None


_WHOLE = re.compile(r"-?\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|-?\d+")


def _number(text: str) -> Any:
    """A whole number as it was written ("1,372", "1 372", "7") back to a number, so
    that it reads in the reader's format and chooses plural forms; other text as is."""
    if _WHOLE.fullmatch(text):
        return int(re.sub(r"[^\d-]", "", text))
    return text
