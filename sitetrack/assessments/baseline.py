"""Baselines: the population a site master list gives lands as validated figures of a
baseline round (the reports use them when no assessment exists yet). Split from
services.py along its seam; the rules it applies are that module's."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sitetrack.assessments import history
from sitetrack.assessments.models import (
    AssessmentStatus,
    Round,
    RoundKind,
    RoundStatus,
    SiteAssessment,
)
from sitetrack.assessments.services import _apply, _check_round_open, _check_scope, _prepare
from sitetrack.core.access import require
from sitetrack.core.catalogue import current_version

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sitetrack.core.models import Operation
    from sitetrack.sites.models import Site


@transaction.atomic
def baseline_round_for_import(
    *, operation: Operation, user: AbstractBaseUser | None, on: datetime.date
) -> Round:
    """The round that holds figures of a reference list (a site master list): the open
    baseline round whose period contains `on`, else the latest open baseline round, else a
    new baseline round for that day. `user=None` is a system action (a command)."""
    if user is not None:
        require(user, operation, "manage_rounds")
    rounds = Round.objects.filter(operation=operation, kind=RoundKind.BASELINE, status=RoundStatus.OPEN)
    found = rounds.filter(period_start__lte=on, period_end__gte=on).order_by("-number").first()
    found = found or rounds.order_by("-number").first()
    if found is not None:
        return found
    latest = Round.objects.filter(operation=operation, kind=RoundKind.BASELINE).aggregate(n=Max("number"))[
        "n"
    ]
    return Round.objects.create(
        operation=operation,
        kind=RoundKind.BASELINE,
        number=(latest or 0) + 1,
        period_start=on,
        period_end=on,
        catalogue_version=current_version(operation),
    )


@transaction.atomic
def assessment_record_baseline(
    *, round: Round, site: Site, user: AbstractBaseUser | None, values: Mapping[str, Any], source: str
) -> tuple[SiteAssessment, bool]:
    """Record a site's figures from a reference list (households, individuals ...) in a
    baseline round, validated: the list is the cluster's own reference. Every validation
    rule runs; an error refuses the figures (ValidationError). Returns (assessment,
    changed); the same figures again change nothing. `user=None` is a system action."""
    if user is not None:
        _check_scope(user, site, "validate")
    if round.kind != RoundKind.BASELINE:
        raise ValidationError({"round": [_("Figures from a reference list go in a baseline round.")]})
    if site.operation_id != round.operation_id:
        raise ValidationError({"round": [_("This round belongs to another operation.")]})
    _check_round_open(round)
    assessment = SiteAssessment.objects.select_for_update().filter(round=round, site=site).first()
    if assessment is not None:
        if assessment.status == AssessmentStatus.LOCKED:
            raise ValidationError({"status": [_("This assessment is locked.")]})
        if all(getattr(assessment, name) == value for name, value in values.items()):
            return assessment, False
    cleaned, findings, _flows, catalogue = _prepare(
        assessment=assessment, site=site, round=round, values=values, flows=None
    )
    if assessment is None:
        assessment = SiteAssessment(
            round=round, site=site, catalogue_version=catalogue.version, facilitator=user
        )
    _apply(assessment, cleaned, findings)
    if assessment.error_count:
        raise ValidationError(
            {"issues": [i["message"] for i in assessment.issues if i["severity"] == "error"]}
        )
    now = timezone.now()
    assessment.status = AssessmentStatus.VALIDATED
    assessment.was_validated = True
    assessment.submitted_at = assessment.submitted_at or now
    assessment.validated_at = now
    assessment.validated_by = user
    assessment._change_reason = history.reason("baseline", source=str(source))
    if user is not None:
        assessment._history_user = user
    assessment.save()
    return assessment, True
