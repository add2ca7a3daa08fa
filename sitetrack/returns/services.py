"""Writes of the returns app: survey rounds, and the households of an import (all or
nothing, idempotent by response id)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sitetrack.returns.choices import COMPOSITION_FIELDS, SamplingMethod
from sitetrack.returns.models import DEFAULT_SMALL_CELL, HouseholdAnswer, HouseholdResponse, Survey

# The household's own fields an import writes (compared to decide "unchanged").
RECORD_FIELDS = (
    "site_id",
    "site_admin2_id",
    "interview_date",
    "household_size",
    *COMPOSITION_FIELDS,
    "head_sex",
    "head_age",
    "origin_area_id",
    "origin_admin2_id",
    "displacement_date",
    "intention",
    "timing",
    "destination_area_id",
    "destination_admin2_id",
    "visited_origin",
    "weight",
)


@transaction.atomic
def survey_create(
    *,
    operation,
    month: date,
    sampling_method: str = SamplingMethod.STRATIFIED,
    sampling_frame: str = "",
    target_per_site: int | None = None,
    small_cell_threshold: int = DEFAULT_SMALL_CELL,
    notes: str = "",
) -> Survey:
    month = month.replace(day=1)
    if Survey.objects.filter(operation=operation, month=month).exists():
        raise ValidationError(
            {"month": _("This operation already has a survey for %(month)s.") % {"month": f"{month:%Y-%m}"}}
        )
    survey = Survey(
        operation=operation,
        month=month,
        sampling_method=sampling_method,
        sampling_frame=sampling_frame,
        target_per_site=target_per_site,
        small_cell_threshold=small_cell_threshold,
        notes=notes,
    )
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, **changes) -> Survey:
    """Change a survey's design (sampling method and frame, target, threshold, notes)."""
    allowed = {"sampling_method", "sampling_frame", "target_per_site", "small_cell_threshold", "notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    for name, value in changes.items():
        setattr(survey, name, value)
    survey.full_clean()
    survey.save()
    return survey


def survey_get_or_create(*, operation, month: date) -> tuple[Survey, bool]:
    survey = Survey.objects.filter(operation=operation, month=month.replace(day=1)).first()
    if survey is not None:
        return survey, False
    return survey_create(operation=operation, month=month), True


@dataclass
class HouseholdRecord:
    """One household as an import (or the demo) gives it: model field values by name
    (ids for the foreign keys) and its multiple-choice answers {question: [codes]}."""

    response_id: str
    values: dict
    answers: dict[str, list[str]] = field(default_factory=dict)
    raw: dict = field(default_factory=dict)


@dataclass
class SaveCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def admin2_of(paths: dict[int, str], pcode_ids: dict[str, int], area_id: int | None) -> int | None:
    """The admin 2 above (or at) an area, from its materialised path."""
    if area_id is None:
        return None
    parts = paths.get(area_id, "").strip("/").split("/")
    return pcode_ids.get(parts[2]) if len(parts) > 2 else None


@transaction.atomic
def households_save(*, survey: Survey, records: list[HouseholdRecord]) -> SaveCounts:
    """Write the households of one import: new ones created, changed ones updated (their
    answers replaced), identical ones left alone — with the audit history."""
    counts = SaveCounts()
    existing = {h.response_id: h for h in HouseholdResponse.objects.filter(survey=survey)}
    answers_now: dict[int, set] = {}
    for household_id, question, code in HouseholdAnswer.objects.filter(household__survey=survey).values_list(
        "household_id", "question", "code"
    ):
        answers_now.setdefault(household_id, set()).add((question, code))
    new, changed, replace_answers = [], [], []
    for record in records:
        wanted = {(q, c) for q, codes in record.answers.items() for c in codes}
        old = existing.get(record.response_id)
        if old is None:
            household = HouseholdResponse(
                survey=survey, response_id=record.response_id, raw=record.raw, **record.values
            )
            new.append((household, wanted))
            continue
        differs = any(getattr(old, name) != record.values.get(name) for name in RECORD_FIELDS)
        if differs or answers_now.get(old.pk, set()) != wanted:
            for name in RECORD_FIELDS:
                setattr(old, name, record.values.get(name))
            old.raw = record.raw
            changed.append(old)
            replace_answers.append((old, wanted))
        else:
            counts.unchanged += 1
    if new:
        created = bulk_create_with_history([h for h, _w in new], HouseholdResponse, batch_size=500)
        if created and created[0].pk is None:  # databases that do not return ids
            ids = dict(
                HouseholdResponse.objects.filter(
                    survey=survey, response_id__in=[h.response_id for h in created]
                ).values_list("response_id", "pk")
            )
            for h in created:
                h.pk = ids[h.response_id]
        replace_answers += [(h, w) for (h, w) in zip(created, [w for _h, w in new], strict=True)]
        counts.new = len(new)
    if changed:
        bulk_update_with_history(changed, HouseholdResponse, [*RECORD_FIELDS, "raw"], batch_size=500)
        counts.updated = len(changed)
        HouseholdAnswer.objects.filter(household__in=[h.pk for h in changed]).delete()
    HouseholdAnswer.objects.bulk_create(
        [
            HouseholdAnswer(household_id=h.pk, survey=survey, weight=h.weight, question=q, code=c)
            for h, wanted in replace_answers
            for q, c in sorted(wanted)
        ],
        batch_size=2000,
    )
    return counts
