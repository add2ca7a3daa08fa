"""Naming a round on the command line."""

from __future__ import annotations

from django.core.management.base import CommandError

from sitetrack.assessments.models import Round
from sitetrack.core.models import Operation


def find_round(operation: Operation, text: str) -> Round:
    """`weekly:3`, `3` (when one kind has that number) or a round id `#12`."""
    qs = Round.objects.filter(operation=operation)
    text = text.strip()
    found = None
    if text.startswith("#"):
        if text[1:].isdigit():
            found = qs.filter(pk=text[1:]).first()
    elif ":" in text:
        kind, number = text.split(":", 1)
        if number.strip().isdigit():
            found = qs.filter(kind=kind.strip().lower(), number=number.strip()).first()
    else:
        matches = list(qs.filter(number=text)) if text.isdigit() else []
        if len(matches) > 1:
            raise CommandError(f"Several rounds have number {text}: write KIND:NUMBER, e.g. weekly:{text}.")
        found = matches[0] if matches else None
    if found is None:
        raise CommandError(_no_round_message(operation, qs, text))
    return found


def _no_round_message(operation: Operation, qs, text: str) -> str:
    """Which rounds there are (the latest ten), how to name one and how to create one."""
    latest = [f"{r.kind}:{r.number}" for r in qs.order_by("-period_start", "-pk")[:10]]
    known = ", ".join(latest) if latest else "none yet"
    return (
        f"No round {text!r} in {operation.slug} (latest: {known}). Name a round KIND:NUMBER "
        f"(weekly:3), or create it: sitetrack round create --operation {operation.slug} "
        "--kind weekly --start YYYY-MM-DD --end YYYY-MM-DD --user USERNAME."
    )
