"""Writes for rounds and site assessments: the validation workflow.

    draft ──submit──▶ submitted ──validate──▶ validated ──round closes──▶ locked
      ▲                  │  ▲                    │
      └──── returned ◀───┘  └──(IMO correction)──┘

Every change goes through these functions (web form, API, import), each in one
transaction, with the permission and scope checks of core.access, and is kept in the
assessment's audit history (django-simple-history) with a reason where one is given.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from sitetrack.assessments import history, rules
from sitetrack.assessments.findings import finding_message
from sitetrack.assessments.models import (
    AssessmentStatus,
    FlowDirection,
    PopulationFlow,
    Round,
    RoundKind,
    RoundStatus,
    SiteAssessment,
    ValidationSettings,
    VisitMethod,
)
from sitetrack.assessments.selectors import assessment_values, flows_for, previous_values
from sitetrack.assessments.validation import (
    BLOCKING_RULES,
    COUNT_FIELDS,
    MAX_COUNT,
    PRIORITY_FIELDS,
    SEVERITY_FIELDS,
    summarise,
    validate,
    validation_rules_for,
)
from sitetrack.core.access import can, require, visible_sites
from sitetrack.core.catalogue import catalogue_for, catalogue_for_version, current_version
from sitetrack.geo.models import AdminArea

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sitetrack.core.models import Operation
    from sitetrack.sites.models import Site

# What a form, the API or an import may set on an assessment.
EDITABLE_FIELDS = frozenset(
    {
        *COUNT_FIELDS,
        *SEVERITY_FIELDS,
        *PRIORITY_FIELDS,
        "indicators",
        "observations",
        "visit_date",
        "method",
        "warnings_comment",
    }
)


class EditConflict(ValidationError):
    """Someone else wrote the assessment after the user read it (optimistic locking):
    nothing was saved. The API answers 412, the form shows the message."""


class SaveResult(NamedTuple):
    assessment: SiteAssessment
    created: bool


def CONFLICT_MESSAGE() -> str:  # noqa: N802 — a message, translated when asked for
    return _(
        "Someone else changed this assessment after you opened it; nothing was "
        "saved. Reload it to see their changes, then make yours again."
    )


def _check_version(assessment: SiteAssessment | None, expected: str | None) -> None:
    if not expected:
        return
    if assessment is None or rules.version_of(assessment) != expected:
        raise EditConflict({"version": [CONFLICT_MESSAGE()]})


# --- rounds ------------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    operation: Operation,
    user: AbstractBaseUser,
    kind: str,
    period_start: datetime.date,
    period_end: datetime.date,
    number: int | None = None,
) -> Round:
    require(user, operation, "manage_rounds")
    errors: dict[str, list[str]] = {}
    if kind not in RoundKind.values:
        errors["kind"] = [_("Choose weekly, monthly or baseline.")]
    if period_end < period_start:
        errors["period_end"] = [_("The period cannot end before it starts.")]
    if number is not None and Round.objects.filter(operation=operation, kind=kind, number=number).exists():
        errors["number"] = [_("There is already a round %(number)s of this kind.") % {"number": number}]
    if errors:
        raise ValidationError(errors)
    if number is None:
        latest = Round.objects.filter(operation=operation, kind=kind).aggregate(n=Max("number"))["n"]
        number = (latest or 0) + 1
    return Round.objects.create(
        operation=operation,
        kind=kind,
        number=number,
        period_start=period_start,
        period_end=period_end,
        catalogue_version=current_version(operation),
    )


@transaction.atomic
def round_close(*, round: Round, user: AbstractBaseUser) -> Round:
    """Close the round and lock its assessments (validated ones keep `was_validated`, so
    they go on feeding reports; the others never will)."""
    require(user, round.operation, "manage_rounds")
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.status == RoundStatus.CLOSED:
        raise ValidationError({"round": [_("This round is already closed.")]})
    now = timezone.now()
    round.status = RoundStatus.CLOSED
    round.closed_at = now
    round.save(update_fields=["status", "closed_at"])
    to_lock = list(SiteAssessment.objects.filter(round=round).exclude(status=AssessmentStatus.LOCKED))
    for assessment in to_lock:
        assessment.status = AssessmentStatus.LOCKED
        assessment.updated_at = now
    bulk_update_with_history(
        to_lock,
        SiteAssessment,
        ["status", "updated_at"],
        batch_size=500,
        default_user=user,
        default_change_reason=history.reason("round_closed"),
        default_date=now,
    )
    return round


# --- assessments -------------------------------------------------------------------------------


def _check_scope(user: AbstractBaseUser, site: Site, action: str) -> None:
    require(user, site.operation, action)
    if not visible_sites(user, site.operation).filter(pk=site.pk).exists():
        raise PermissionDenied(_("Site %(code)s is outside your area.") % {"code": site.code})


def _check_round_open(round: Round) -> None:
    if round.status == RoundStatus.CLOSED:
        raise ValidationError(
            {"round": [_("%(round)s is closed: its assessments are locked.") % {"round": round}]}
        )


def _clean_flows(flows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Flows as dicts with an AdminArea (or None); ValidationError naming the row."""
    cleaned, errors = [], []
    pcodes = {str(f.get("area")) for f in flows if f.get("area") and not isinstance(f.get("area"), AdminArea)}
    areas = {a.pcode: a for a in AdminArea.objects.filter(pcode__in=pcodes)}
    for position, flow in enumerate(flows, start=1):
        direction = flow.get("direction")
        if direction not in FlowDirection.values:
            errors.append(_("Flow %(n)s: direction must be arrival or departure.") % {"n": position})
            continue
        try:
            raw = flow.get("individuals")
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise ValueError
            individuals = int(raw)
            if not 0 <= individuals <= MAX_COUNT:
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            errors.append(
                _("Flow %(n)s: individuals %(value)r is not a whole number ≥ 0.")
                % {"n": position, "value": flow.get("individuals")}
            )
            continue
        area = flow.get("area")
        if area and not isinstance(area, AdminArea):
            area = areas.get(str(area))
            if area is None:
                errors.append(
                    _("Flow %(n)s: P-code %(pcode)s is unknown.") % {"n": position, "pcode": flow.get("area")}
                )
                continue
        cleaned.append(
            {
                "direction": direction,
                "area": area or None,
                "individuals": individuals,
                "reason": str(flow.get("reason") or "")[:40],
            }
        )
    if errors:
        raise ValidationError({"flows": errors})
    return cleaned


def _prepare(
    *,
    assessment: SiteAssessment | None,
    site: Site,
    round: Round,
    values: Mapping[str, Any],
    flows: list[Mapping[str, Any]] | None,
) -> tuple[dict[str, Any], list, list[dict[str, Any]] | None, Any]:
    """Merge new values into the stored ones, clean and validate them.

    Returns (cleaned values, findings, cleaned flows or None, catalogue). Raises
    ValidationError for unknown fields and for values that cannot be stored at all."""
    unknown = sorted(set(values) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set.")] for name in unknown})
    merged = assessment_values(assessment) if assessment else {"site_area_m2": site.area_m2}
    merged.update(values)
    merged["site_area_m2"] = site.area_m2
    clean_flows = _clean_flows(flows) if flows is not None else None
    if clean_flows is not None:
        merged["flows"] = [{**f, "area": f["area"].pcode if f["area"] else None} for f in clean_flows]
        for direction, name in ((FlowDirection.ARRIVAL, "arrivals"), (FlowDirection.DEPARTURE, "departures")):
            listed = [f["individuals"] for f in clean_flows if f["direction"] == direction]
            if listed and merged.get(name) in (None, ""):
                merged[name] = sum(listed)
    elif assessment is not None:
        merged["flows"] = flows_for(assessment)
    catalogue = (
        catalogue_for_version(assessment.catalogue_version, round.operation)
        if assessment and assessment.catalogue_version_id
        else catalogue_for(round.operation)
    )
    from sitetrack.assessments.validation import clean_values

    cleaned, _type_findings = clean_values(merged, catalogue)
    findings = validate(
        merged,
        previous=previous_values(site, round),
        catalogue=catalogue,
        rules=validation_rules_for(round.operation),
    )
    blocking: dict[str, list[str]] = {}
    for finding in findings:
        if finding.rule in BLOCKING_RULES:
            blocking.setdefault(finding.field, []).append(finding.message)
    if blocking:
        raise ValidationError(blocking)
    return cleaned, findings, clean_flows, catalogue


def _apply(assessment: SiteAssessment, cleaned: Mapping[str, Any], findings: list) -> None:
    for name in (*COUNT_FIELDS, *SEVERITY_FIELDS):
        if name in cleaned:
            setattr(assessment, name, cleaned[name])
    for name in PRIORITY_FIELDS:
        if name in cleaned:
            setattr(assessment, name, cleaned[name] or "")
    assessment.indicators = cleaned.get("indicators") or {}
    for name in ("observations", "warnings_comment"):
        if name in cleaned:
            setattr(assessment, name, str(cleaned[name] or ""))
    if "method" in cleaned:
        method = cleaned["method"] or ""
        if method and method not in VisitMethod.values:
            raise ValidationError({"method": [_("Unknown method %(value)r.") % {"value": method}]})
        assessment.method = method
    if "visit_date" in cleaned:
        visit = cleaned["visit_date"]
        if isinstance(visit, str):
            try:
                visit = parse_date(visit.strip()) if visit.strip() else None
            except ValueError:  # well formed but impossible, e.g. 2014-13-45
                visit = None
            if visit is None and cleaned["visit_date"].strip():
                raise ValidationError({"visit_date": [_("Give the date as YYYY-MM-DD.")]})
        elif visit is not None and not isinstance(visit, datetime.date):
            raise ValidationError({"visit_date": [_("Give the date as YYYY-MM-DD.")]})
        if visit and visit > timezone.localdate():
            raise ValidationError({"visit_date": [_("The visit date cannot be in the future.")]})
        assessment.visit_date = visit
    assessment.issues, assessment.error_count, assessment.warning_count = summarise(findings)


def _replace_flows(assessment: SiteAssessment, flows: list[dict[str, Any]] | None) -> None:
    if flows is None:
        return
    PopulationFlow.objects.filter(assessment=assessment).delete()
    PopulationFlow.objects.bulk_create([PopulationFlow(assessment=assessment, **f) for f in flows])


def assessment_save(
    *,
    site: Site,
    round: Round,
    user: AbstractBaseUser,
    values: Mapping[str, Any],
    flows: list[Mapping[str, Any]] | None = None,
    expected_version: str | None = None,
) -> SiteAssessment:
    """Create or update the site's assessment for the round (draft, returned, or — for an
    IMO — submitted), re-running every validation rule and storing the findings.
    `expected_version` (rules.version_of, as read by the user): refuse with EditConflict
    when the assessment changed since."""
    return assessment_upsert(
        site=site, round=round, user=user, values=values, flows=flows, expected_version=expected_version
    ).assessment


def assessment_upsert(
    *,
    site: Site,
    round: Round,
    user: AbstractBaseUser,
    values: Mapping[str, Any],
    flows: list[Mapping[str, Any]] | None = None,
    expected_version: str | None = None,
) -> SaveResult:
    """`assessment_save`, saying whether the assessment was created. Idempotent under
    concurrency: of simultaneous creates for one site and round, one creates and the
    others update what it created."""
    try:
        return _upsert(
            site=site, round=round, user=user, values=values, flows=flows, expected_version=expected_version
        )
    except IntegrityError:
        # Another request created it between our look and our insert (SQLite, which has no
        # row locks): what we have becomes an update of theirs.
        if not SiteAssessment.objects.filter(round=round, site=site).exists():
            raise
        return _upsert(
            site=site, round=round, user=user, values=values, flows=flows, expected_version=expected_version
        )


@transaction.atomic
def _upsert(
    *,
    site: Site,
    round: Round,
    user: AbstractBaseUser,
    values: Mapping[str, Any],
    flows: list[Mapping[str, Any]] | None,
    expected_version: str | None,
) -> SaveResult:
    _check_scope(user, site, "assess")
    if site.operation_id != round.operation_id:
        raise ValidationError({"round": [_("This round belongs to another operation.")]})
    _check_round_open(round)
    # Lock the site: simultaneous first saves of its assessment take turns (PostgreSQL).
    type(site).objects.select_for_update().filter(pk=site.pk).first()
    assessment = SiteAssessment.objects.select_for_update().filter(round=round, site=site).first()
    _check_version(assessment, expected_version)
    current = assessment.status if assessment is not None else None
    refusal = rules.save_refusal(current, may_validate=can(user, round.operation, "validate"))
    if refusal:
        raise ValidationError({"status": [refusal]})
    cleaned, findings, clean_flows, catalogue = _prepare(
        assessment=assessment, site=site, round=round, values=values, flows=flows
    )
    created = assessment is None
    if assessment is None:
        assessment = SiteAssessment(
            round=round,
            site=site,
            catalogue_version=catalogue.version,
            facilitator=user,
            status=AssessmentStatus.DRAFT,
        )
        assessment._change_reason = history.reason("created")
    else:
        assessment._change_reason = history.reason("edited")
    _apply(assessment, cleaned, findings)
    assessment.status = rules.status_after_save(current, error_count=assessment.error_count, submitted=False)
    assessment.save()
    _replace_flows(assessment, clean_flows)
    return SaveResult(assessment, created)


@transaction.atomic
def assessment_submit(
    *, assessment: SiteAssessment, user: AbstractBaseUser, warnings_comment: str | None = None
) -> SiteAssessment:
    """Errors block submission; warnings need a comment explaining them."""
    _check_scope(user, assessment.site, "assess")
    _check_round_open(assessment.round)
    assessment = (
        SiteAssessment.objects.select_for_update().select_related("round", "site").get(pk=assessment.pk)
    )
    if assessment.status not in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED):
        raise ValidationError(
            {
                "status": [
                    _("Only a draft or returned assessment can be submitted (this one is %(status)s).")
                    % {"status": assessment.get_status_display().lower()}
                ]
            }
        )
    if warnings_comment is not None:
        assessment.warnings_comment = warnings_comment.strip()
    _check_findings(assessment)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment._change_reason = history.reason("submitted")
    assessment.save()
    return assessment


def _check_findings(assessment: SiteAssessment) -> None:
    if assessment.error_count:
        raise ValidationError(
            {
                "issues": [
                    ngettext(
                        "Correct the %(count)s error first: %(messages)s",
                        "Correct the %(count)s errors first: %(messages)s",
                        assessment.error_count,
                    )
                    % {
                        "count": assessment.error_count,
                        "messages": " ".join(
                            finding_message(i) for i in assessment.issues if i["severity"] == "error"
                        ),
                    }
                ]
            }
        )
    if assessment.warning_count and not assessment.warnings_comment.strip():
        raise ValidationError(
            {
                "warnings_comment": [
                    ngettext(
                        "Explain the %(count)s warning in a comment.",
                        "Explain the %(count)s warnings in a comment.",
                        assessment.warning_count,
                    )
                    % {"count": assessment.warning_count}
                ]
            }
        )


@transaction.atomic
def assessment_validate(
    *, assessment: SiteAssessment, user: AbstractBaseUser, warnings_comment: str | None = None
) -> SiteAssessment:
    require(user, assessment.round.operation, "validate")
    _check_round_open(assessment.round)
    assessment = (
        SiteAssessment.objects.select_for_update().select_related("round", "site").get(pk=assessment.pk)
    )
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError({"status": [_("Only a submitted assessment can be validated.")]})
    if warnings_comment:
        assessment.warnings_comment = warnings_comment.strip()
    _check_findings(assessment)
    assessment.status = AssessmentStatus.VALIDATED
    assessment.was_validated = True
    assessment.validated_at = timezone.now()
    assessment.validated_by = user
    assessment._change_reason = history.reason("validated")
    assessment.save()
    return assessment


@transaction.atomic
def assessment_return(*, assessment: SiteAssessment, user: AbstractBaseUser, reason: str) -> SiteAssessment:
    """Send a submitted (or validated) assessment back to the facilitator with a reason,
    which stays on the assessment and in its history."""
    require(user, assessment.round.operation, "validate")
    _check_round_open(assessment.round)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the assessment is returned.")]})
    assessment = (
        SiteAssessment.objects.select_for_update().select_related("round", "site").get(pk=assessment.pk)
    )
    if assessment.status not in (AssessmentStatus.SUBMITTED, AssessmentStatus.VALIDATED):
        raise ValidationError({"status": [_("Only a submitted or validated assessment can be returned.")]})
    assessment.status = AssessmentStatus.RETURNED
    assessment.was_validated = False
    assessment.return_reason = reason
    assessment._change_reason = history.reason("returned", reason=reason)
    assessment.save()
    return assessment


@transaction.atomic
def assessment_correct(
    *,
    assessment: SiteAssessment,
    user: AbstractBaseUser,
    values: Mapping[str, Any],
    reason: str,
    flows: list[Mapping[str, Any]] | None = None,
    expected_version: str | None = None,
) -> SiteAssessment:
    """An IMO changes figures of a submitted or validated assessment while the round is
    open; the change and its reason are recorded in the history."""
    require(user, assessment.round.operation, "validate")
    _check_round_open(assessment.round)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the correction.")]})
    assessment = (
        SiteAssessment.objects.select_for_update().select_related("round", "site").get(pk=assessment.pk)
    )
    _check_version(assessment, expected_version)
    refusal = rules.correct_refusal(assessment.status)
    if refusal:
        raise ValidationError({"status": [refusal]})
    cleaned, findings, clean_flows, _catalogue = _prepare(
        assessment=assessment, site=assessment.site, round=assessment.round, values=values, flows=flows
    )
    _apply(assessment, cleaned, findings)
    if assessment.error_count:
        raise ValidationError(
            {"issues": [finding_message(i) for i in assessment.issues if i["severity"] == "error"]}
        )
    assessment._change_reason = history.reason("corrected", reason=reason)
    assessment.save()
    _replace_flows(assessment, clean_flows)
    return assessment


@transaction.atomic
def validation_settings_update(
    *, operation: Operation, user: AbstractBaseUser, **fields: Any
) -> ValidationSettings:
    require(user, operation, "manage_catalogue")
    settings, _created = ValidationSettings.objects.get_or_create(operation=operation)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.updated_by = user
    settings.full_clean()
    settings.save()
    return settings


# --- baseline figures from a reference list (added for the site master-list import) -------------
