"""What `sitetrack import` and `sitetrack kobo-pull` both resolve from their options: the
operation, the round, the saved mapping and the user recorded as the importer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from sitetrack.assessments.models import Round
from sitetrack.core.models import Operation
from sitetrack.core.operations import operation_for_command
from sitetrack.intake.mapping import shipped_mappings
from sitetrack.intake.models import FieldMapping
from sitetrack.intake.rounds import find_round
from sitetrack.intake.services.mappings import field_mapping_install_shipped


@dataclass
class ImportTarget:
    operation: Operation
    round: Round
    mapping: FieldMapping | None
    user: Any


def import_target(opts: dict[str, Any]) -> ImportTarget:
    operation = operation_for_command(opts["operation"])
    round_ = find_round(operation, opts["round"])
    user = None
    if opts.get("user"):
        user = get_user_model().objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"No user {opts['user']!r}.")
    mapping = None
    if opts.get("mapping"):
        mapping = FieldMapping.objects.filter(operation=operation, name=opts["mapping"]).first()
        if mapping is None and opts["mapping"] in shipped_mappings():
            # A mapping shipped with SiteTrack (dtm-site-assessment): installed on first use.
            field_mapping_install_shipped(operation=operation, user=user)
            mapping = FieldMapping.objects.filter(operation=operation, name=opts["mapping"]).first()
        if mapping is None:
            names = sorted(
                {
                    *FieldMapping.objects.filter(operation=operation).values_list("name", flat=True),
                    *shipped_mappings(),
                }
            )
            raise CommandError(
                f"No mapping {opts['mapping']!r} in {operation.slug} (known: {', '.join(names)})."
            )
    return ImportTarget(operation=operation, round=round_, mapping=mapping, user=user)
