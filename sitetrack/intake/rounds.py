"""Naming a round on the command line."""

from __future__ import annotations

from django.core.management.base import CommandError

from sitetrack.assessments.models import Round
from sitetrack.core.models import Operation


def find_round(operation: Operation, text: str) -> Round:
    """`weekly:3`, `3` (when one kind has that number) or a round id `#12`."""
    qs = Round.objects.filter(operation=operation)
    if text.startswith("#"):
        found = qs.filter(pk=text[1:]).first()
    elif ":" in text:
        kind, number = text.split(":", 1)
        found = qs.filter(kind=kind, number=number).first()
    else:
        matches = list(qs.filter(number=text)) if text.isdigit() else []
        if len(matches) > 1:
            raise CommandError(f"Several rounds have number {text}: write KIND:NUMBER, e.g. weekly:{text}.")
        found = matches[0] if matches else None
    if found is None:
        raise CommandError(f"No round {text!r} in {operation.slug}.")
    return found
