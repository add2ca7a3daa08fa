"""What the checker does with each mapped field, decided once per mapping (the plan),
and the mapping a run uses."""

from __future__ import annotations

import enum
from typing import NamedTuple

from sitetrack.intake.mapping import LOCATION_TARGETS, Mapping, automatic_mapping, mapping_from_dict


class FieldKind(enum.Enum):
    SCALAR = "scalar"  # copied as it is to an assessment field
    INDICATOR = "indicator"  # copied as it is to an indicator
    SKIP = "skip"  # ignored, read from the flows repeat, or a new site's attribute
    SCALAR_MAPPED = "scalar_mapped"  # an assessment field, through a value table
    INDICATOR_MAPPED = "indicator_mapped"  # an indicator, through a value table
    LOCATION = "location"  # identifies the site (code, P-codes, id column)
    PRIORITIES = "priorities"  # a select_multiple of priority sectors
    IDENTITY = "identity"  # the submission's stable id column


class Step(NamedTuple):
    kind: FieldKind
    name: str
    table: dict


def field_plan(mapping: Mapping) -> dict[str, Step]:
    """Source column → what to do with it."""
    plan = {}
    for key, target in mapping.fields.items():
        name, table = target.target, target.values
        if name.startswith("indicator:"):
            kind = FieldKind.INDICATOR_MAPPED if table else FieldKind.INDICATOR
            plan[key] = Step(kind, name[10:], table)
        elif name in LOCATION_TARGETS:
            plan[key] = Step(FieldKind.LOCATION, name, table)
        elif name == "priorities":
            plan[key] = Step(FieldKind.PRIORITIES, name, table)
        elif name == "submission_id":
            plan[key] = Step(FieldKind.IDENTITY, name, table)
        elif name == "ignore" or name.startswith(("flow:", "site:")):
            plan[key] = Step(FieldKind.SKIP, name, table)
        else:
            plan[key] = Step(FieldKind.SCALAR_MAPPED if table else FieldKind.SCALAR, name, table)
    return plan


def mapping_for(run, form, catalogue) -> Mapping:
    """The run's saved mapping, or the automatic one of SiteTrack's own form."""
    return mapping_of(run.mapping if run.mapping_id else None, form, catalogue)


def mapping_of(saved, form, catalogue) -> Mapping:
    """A saved FieldMapping parsed, or (None) the automatic mapping of SiteTrack's form."""
    if saved is None:
        return automatic_mapping(form, catalogue)
    return mapping_from_dict(
        {"name": saved.name, "fields": saved.fields, "repeats": saved.repeats},
        indicator_codes=set(catalogue.indicators),
    )
