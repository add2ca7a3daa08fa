"""Template helpers for assessment pages."""

from __future__ import annotations

from django import template

from sitetrack.assessments.findings import finding_message, fmt

register = template.Library()


@register.filter
def figure(value, decimals=None):
    """A derived figure as users read it: one decimal, grouped thousands, localised."""
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return fmt(number, 1 if decimals is None else int(decimals))


@register.filter
def get_item(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def finding(issue) -> str:
    """A stored validation finding as a sentence in the reader's language."""
    return finding_message(issue)


@register.filter
def history_reason(stored):
    """Why the assessment changed, in the reader's language (assessments/history.py)."""
    from sitetrack.assessments.history import reason_text

    return reason_text(stored)
