"""Why an assessment changed, as its history keeps it: a code and its parameters, read in
the reader's language.

simple_history's `history_change_reason` column (100 characters) holds

    {"code":"returned","params":{"reason":"recount block C"}}

and `reason_text(stored)` turns it into "Returned: recount block C" in English, "Renvoyée :
recount block C" in French, when someone reads the history. What a user wrote (the reason
for a return or a correction) stays as written; only the words around it are translated.

Reasons saved before codes existed are text in the saver's language: they are shown as
they were written, and migration 0005 gives the English ones their code where the text
matches a sentence below (`legacy_reason`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy

from sitetrack.assessments.rules import HISTORY_REASON_LENGTH
from sitetrack.core.text_templates import template_pattern

# The sentence of each reason (the English text is the gettext message id).
REASONS: dict[str, Any] = {
    "created": gettext_lazy("Created"),
    "edited": gettext_lazy("Edited"),
    "submitted": gettext_lazy("Submitted"),
    "validated": gettext_lazy("Validated"),
    "returned": gettext_lazy("Returned: %(reason)s"),
    "corrected": gettext_lazy("Corrected: %(reason)s"),
    "round_closed": gettext_lazy("Round closed"),
    "baseline": gettext_lazy("Baseline from %(source)s"),
    "import": gettext_lazy("Import %(file)s (#%(run)s)"),
}


def _dumps(code: str, params: Mapping[str, Any]) -> str:
    data: dict[str, Any] = {"code": code}
    if params:
        data["params"] = dict(params)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def reason(code: str, **params: Any) -> str:
    """The stored form of a reason (what `_change_reason` and bulk history rows take).
    Text parameters are shortened, longest first, so that it fits the column whole."""
    if code not in REASONS:
        raise ValueError(f"unknown history reason {code!r}")
    stored = _dumps(code, params)
    while len(stored) > HISTORY_REASON_LENGTH:
        texts = [k for k, v in params.items() if isinstance(v, str) and len(v) > 1]
        if not texts:
            raise ValueError(f"history reason {code!r} cannot fit {HISTORY_REASON_LENGTH} characters")
        longest = max(texts, key=lambda k: len(params[k]))
        value = params[longest].rstrip("…")
        cut = max(1, len(value) - (len(stored) - HISTORY_REASON_LENGTH) - 1)
        params = {**params, longest: value[:cut] + "…"}
        stored = _dumps(code, params)
    return stored


def decoded(stored: str | None) -> tuple[str, dict] | None:
    """(code, params) of a stored reason; None for text (saved before codes) or nothing."""
    if not stored or not stored.startswith("{"):
        return None
    try:
        data = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("code") not in REASONS:
        return None
    params = data.get("params")
    return data["code"], params if isinstance(params, dict) else {}


class _Params(dict):
    """Parameters that never fail a sentence: a missing one reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


def reason_text(stored: str | None) -> str:
    """The reason in the active language (text saved before codes, as it was written)."""
    found = decoded(stored)
    if found is None:
        return stored or ""
    code, params = found
    text = str(REASONS[code])
    return text % _Params(params) if "%(" in text else text


# --- reasons stored as text (before codes) ----------------------------------------------------



def legacy_reason(text: str) -> str | None:
    """The stored form of an English reason saved as text, when it is one of REASONS
    (its parameters as written); None otherwise (kept as text)."""
    with translation.override("en"):
        patterns = sorted(
            ((code, template_pattern(str(message))) for code, message in REASONS.items()),
            key=lambda item: -len(item[1].pattern),
        )
    for code, pattern in patterns:
        m = pattern.match(text)
        if m:
            params = m.groupdict()
            if "run" in params and params["run"].isdigit():
                params["run"] = int(params["run"])
            try:
                return reason(code, **params)
            except ValueError:
                return None
    return None
