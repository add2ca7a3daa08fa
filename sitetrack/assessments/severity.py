"""When a sector's need is severe: the one rule every figure, page and file uses.

Needs are scored 1–5 per sector (`need_<sector>`); a need is severe from `severe_from`
on (4, "extreme", by default; an operation changes it with the SITETRACK_SEVERE_NEED
setting, a report per call). Report selectors, template tags, the PDF and the XLSX ask
`is_severe` (one value in Python) or `severe_q` / `severe_flag` (in SQL), never compare
themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, IntegerField, Q, Value, When

DEFAULT_SEVERE_NEED = 4


def severe_need_from(severe_from: int | None = None) -> int:
    """The severity from which a need is severe: `severe_from` if given, else the setting."""
    if severe_from is not None:
        return int(severe_from)
    return int(getattr(settings, "SITETRACK_SEVERE_NEED", DEFAULT_SEVERE_NEED))


def is_severe(severity: int | None, severe_from: int | None = None) -> bool:
    """Whether one need score is severe (None, no score, never is)."""
    return severity is not None and severity >= severe_need_from(severe_from)


def severe_q(field: str, severe_from: int | None = None) -> Q:
    """Rows whose need in `field` (e.g. "need_wash", "assessment__need_wash") is severe."""
    return Q(**{f"{field}__gte": severe_need_from(severe_from)})


def severe_flag(field: str, severe_from: int | None = None) -> Case:
    """1 where the need in `field` is severe, else 0: sum it to count severe sectors or sites."""
    return Case(
        When(severe_q(field, severe_from), then=Value(1)), default=Value(0), output_field=IntegerField()
    )
