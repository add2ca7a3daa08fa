"""Field mappings: saved from a document, and the shipped ones installed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sitetrack.core.access import require
from sitetrack.core.catalogue import catalogue_for
from sitetrack.intake.mapping import mapping_from_dict, shipped_mappings
from sitetrack.intake.models import FieldMapping


@transaction.atomic
def field_mapping_save(
    *, operation, user, data: dict[str, Any], mapping: FieldMapping | None = None
) -> FieldMapping:
    """Create or replace a mapping from a document {name, description, form_id, fields, repeats}."""
    if user is not None:  # None: the command line (whoever runs it administers the server)
        require(user, operation, "import")
    codes = set(catalogue_for(operation).indicators)
    parsed = mapping_from_dict(data, indicator_codes=codes)
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the mapping a name.")]})
    if mapping is None:
        mapping = FieldMapping.objects.filter(operation=operation, name=name).first() or FieldMapping(
            operation=operation, created_by=user
        )
    mapping.name = name
    mapping.description = str(data.get("description") or "")
    mapping.form_id = str(data.get("form_id") or "")
    mapping.fields = {
        k: (t.target if not t.values else {"target": t.target, "values": t.values})
        for k, t in parsed.fields.items()
    }
    mapping.repeats = parsed.repeats
    mapping.full_clean(exclude=["created_by", "operation"])
    mapping.save()
    return mapping


@transaction.atomic
def field_mapping_install_shipped(*, operation, user) -> list[FieldMapping]:
    """Copy the shipped mappings (DTM codes) into the operation, if not already there:
    all of them or none (one transaction)."""
    if user is not None:  # None: the command line (whoever runs it administers the server)
        require(user, operation, "import")
    out = []
    for name, data in shipped_mappings().items():
        existing = FieldMapping.objects.filter(operation=operation, name=name).first()
        out.append(existing or field_mapping_save(operation=operation, user=user, data=data))
    return out
