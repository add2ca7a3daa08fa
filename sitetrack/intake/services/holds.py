"""Held duplicates: an IMO keeps the stored assessment or takes the held submission."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sitetrack.assessments.models import SiteAssessment
from sitetrack.assessments.rules import WriteMode, write_mode
from sitetrack.assessments.validation import COUNT_FIELDS, PRIORITY_FIELDS, SEVERITY_FIELDS
from sitetrack.core.access import require
from sitetrack.intake.models import DuplicateHold, HoldStatus, RawSubmission

# The assessment values a held submission may carry over.
ASSESSMENT_SCALARS = (
    *COUNT_FIELDS,
    *SEVERITY_FIELDS,
    *PRIORITY_FIELDS,
    "visit_date",
    "method",
    "observations",
)


@transaction.atomic
def duplicate_hold_resolve(*, hold: DuplicateHold, user, take_new: bool) -> DuplicateHold:
    """An IMO keeps the existing assessment or applies the held submission instead."""
    require(user, hold.operation, "validate")
    hold = DuplicateHold.objects.select_for_update().get(pk=hold.pk)
    if hold.status != HoldStatus.OPEN:
        raise ValidationError({"status": [_("This duplicate has already been resolved.")]})
    if take_new:
        from sitetrack.assessments.services import assessment_save

        values = dict(hold.values.get("values") or {})
        allowed = {*ASSESSMENT_SCALARS, "indicators"}
        values = {k: v for k, v in values.items() if k in allowed}
        flows = hold.values.get("flows")
        site = hold.site
        assessment = SiteAssessment.objects.filter(round=hold.round, site=site).first()
        # Save or correct: the assessments' rule (validated figures are only corrected).
        if assessment is not None and write_mode(assessment.status) is WriteMode.CORRECT:
            from sitetrack.assessments.services import assessment_correct

            assessment = assessment_correct(
                assessment=assessment,
                user=user,
                values=values,
                reason=_("Duplicate %(uuid)s chosen by an IMO") % {"uuid": hold.uuid},
            )
        else:
            assessment = assessment_save(
                site=site,
                round=hold.round,
                user=user,
                values=values,
                flows=[{k: f[k] for k in ("direction", "area", "individuals", "reason")} for f in flows]
                if flows is not None
                else None,
            )
        RawSubmission.objects.filter(operation=hold.operation, uuid=hold.uuid).update(assessment=assessment)
        RawSubmission.objects.filter(operation=hold.operation, assessment=assessment).exclude(
            uuid=hold.uuid
        ).update(assessment=None)
        hold.status = HoldStatus.TOOK_NEW
        hold.assessment = assessment
    else:
        hold.status = HoldStatus.KEPT_EXISTING
    hold.resolved_by = user
    hold.resolved_at = timezone.now()
    hold.save()
    return hold
