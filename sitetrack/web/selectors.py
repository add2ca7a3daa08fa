"""What the home page shows each role. Figures come from the apps' selectors (sites,
assessments, reports, intake); the few counts that had no selector are aggregated here, in
the database, and named for what they count."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from sitetrack.assessments.models import AssessmentStatus, Round, RoundKind, RoundStatus, SiteAssessment
from sitetrack.assessments.selectors import assessments_for, open_rounds, round_board

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sitetrack.core.models import Operation

LIST_LENGTH = 8


@dataclass
class RoundToCollect:
    """A facilitator's week: one open round, the sites in their areas and their states."""

    round: Round
    counts: dict[str, int]
    total: int
    missing: list[Any] = field(default_factory=list)
    returned: list[Any] = field(default_factory=list)
    drafts: list[Any] = field(default_factory=list)


def rounds_to_collect(*, user: AbstractBaseUser, operation: Operation) -> list[RoundToCollect]:
    """Each open round with the user's sites still missing, returned to them or in draft
    (from the round board's selector: the same states and counts as the board)."""
    result = []
    for round in open_rounds(operation)[:3]:
        board = round_board(round, user)
        sites = board["sites"]
        result.append(
            RoundToCollect(
                round=round,
                counts=board["counts"],
                total=board["total"],
                missing=list(sites.filter(state="missing")[:LIST_LENGTH]),
                returned=list(sites.filter(state=AssessmentStatus.RETURNED)[:LIST_LENGTH]),
                drafts=list(sites.filter(state=AssessmentStatus.DRAFT)[:LIST_LENGTH]),
            )
        )
    return result


def submitted_by_round(*, user: AbstractBaseUser, operation: Operation) -> list[dict[str, Any]]:
    """Assessments waiting for validation, counted per open round (one grouped query)."""
    return list(
        assessments_for(user, operation)
        .filter(status=AssessmentStatus.SUBMITTED, round__status=RoundStatus.OPEN)
        .values("round_id", "round__kind", "round__number")
        .annotate(waiting=Count("pk"), with_errors=Count("pk", filter=Q(error_count__gt=0)))
        .order_by("-round__number")
    )


def rounds_to_publish(*, operation: Operation) -> list[Round]:
    """Closed weekly rounds whose report has not been published yet (newest first)."""
    return list(
        Round.objects.filter(
            operation=operation, kind=RoundKind.WEEKLY, status=RoundStatus.CLOSED, published_at__isnull=True
        ).order_by("-number")[:LIST_LENGTH]
    )


def intake_attention(*, operation: Operation) -> dict[str, Any]:
    """Imports that failed or still run, and duplicate submissions waiting for a decision."""
    from sitetrack.intake.models import DuplicateHold, HoldStatus, ImportRun, ImportStatus

    runs = ImportRun.objects.filter(operation=operation)
    return {
        "holds": DuplicateHold.objects.filter(operation=operation, status=HoldStatus.OPEN).count(),
        "running": list(
            runs.filter(
                status__in=[ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.SAVING]
            ).order_by("-created_at")[:LIST_LENGTH]
        ),
        "failed": list(runs.filter(status=ImportStatus.FAILED).order_by("-created_at")[:LIST_LENGTH]),
    }


def latest_reported_round(*, operation: Operation) -> Round | None:
    """The newest weekly round with validated figures: the one the key figures describe."""
    return (
        Round.objects.filter(operation=operation, kind=RoundKind.WEEKLY)
        .filter(pk__in=SiteAssessment.objects.validated().values("round_id"))
        .order_by("-number")
        .first()
    )


def coordinator_figures(*, user: AbstractBaseUser, operation: Operation) -> dict[str, Any] | None:
    """Population of the latest reported round with its coverage of open sites, its change
    since the previous round, and the sectors with the most sites in gap: all from the
    weekly report's selector, so the home page and the report always agree. The report
    covers the whole operation, so it is shown only to users who see the whole operation
    (not to a facilitator scoped to some areas)."""
    from django.utils.translation import get_language

    from sitetrack.core.access import site_scope_q
    from sitetrack.reports.selectors import weekly_report

    if site_scope_q(user, operation) is not None:
        return None
    round = latest_reported_round(operation=operation)
    if round is None:
        return None
    report = weekly_report(round, language=(get_language() or "en")[:2])
    figures = report.key_figures
    open_sites = figures.sites_assessed + figures.sites_not_assessed
    worst = sorted((g for g in report.sector_gaps if g.sites), key=lambda g: (-g.sites, -g.people))
    return {
        "round": round,
        "figures": figures,
        "open_sites": open_sites,
        "coverage": round_percent(figures.sites_assessed, open_sites),
        "worst_gaps": worst[:5],
        "not_assessed": figures.sites_not_assessed,
    }


def round_percent(part: int | None, whole: int | None) -> int | None:
    if not whole:
        return None
    return round(100 * (part or 0) / whole)


def partner_work(*, user: AbstractBaseUser, operation: Operation) -> dict[str, Any] | None:
    """What a partner's organisation must act on: referrals addressed to it that are still
    open (and how many are overdue), and its activities ongoing or planned — counted in the
    database on the response app's scoped querysets."""
    from django.utils import timezone

    from sitetrack.response.access import reporting_organisation, visible_activities, visible_referrals
    from sitetrack.response.models import REFERRAL_CLOSED, ActivityStatus

    organisation = reporting_organisation(user, operation)
    if organisation is None:
        return None
    today = timezone.localdate()
    referrals = (
        visible_referrals(user, operation)
        .exclude(status__in=REFERRAL_CLOSED)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    )
    activities = (
        visible_activities(user, operation)
        .filter(organisation=organisation)
        .aggregate(
            ongoing=Count("pk", filter=Q(status=ActivityStatus.ONGOING)),
            planned=Count("pk", filter=Q(status=ActivityStatus.PLANNED)),
        )
    )
    return {"organisation": organisation, "referrals": referrals, "activities": activities}
