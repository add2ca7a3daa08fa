"""Writes of the reports app: subscriptions, and publishing a weekly round to them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sitetrack.assessments.models import Round, RoundKind
from sitetrack.core.access import require
from sitetrack.core.models import Operation, Organisation
from sitetrack.core.sectors import Sector
from sitetrack.reports.files import ReportFile, render_file
from sitetrack.reports.models import SendLog, SendStatus, Subscription
from sitetrack.reports.selectors import WeeklyReport, weekly_report

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

log = logging.getLogger(__name__)

# Above this many recipients the web page hands the sending to a background task.
BACKGROUND_FROM = 25


def _check_subscription(*, email: str, sector: str, language: str) -> None:
    errors: dict[str, list[str]] = {}
    if sector and sector not in Sector.values:
        errors["sector"] = [_("Unknown sector %(sector)r.") % {"sector": sector}]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Unknown language %(language)r.") % {"language": language}]
    if "@" not in email:
        errors["email"] = [_("Enter a valid email address.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def subscription_create(
    *,
    operation: Operation,
    user: AbstractBaseUser,
    name: str,
    email: str,
    sector: str = "",
    organisation: Organisation | None = None,
    language: str = "en",
    active: bool = True,
) -> Subscription:
    require(user, operation, "publish")
    _check_subscription(email=email, sector=sector, language=language)
    if Subscription.objects.filter(operation=operation, email__iexact=email, sector=sector).exists():
        raise ValidationError({"email": [_("This address already receives this report.")]})
    return Subscription.objects.create(
        operation=operation,
        name=name,
        email=email,
        sector=sector,
        organisation=organisation,
        language=language,
        active=active,
    )


@transaction.atomic
def subscription_update(*, subscription: Subscription, user: AbstractBaseUser, **fields) -> Subscription:
    require(user, subscription.operation, "publish")
    allowed = {"name", "email", "sector", "organisation", "language", "active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({"fields": [_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))}]})
    for name, value in fields.items():
        setattr(subscription, name, value)
    _check_subscription(email=subscription.email, sector=subscription.sector, language=subscription.language)
    subscription.save()
    return subscription


@dataclass
class PublishResult:
    round: Round
    sent: list[SendLog] = field(default_factory=list)
    failed: list[SendLog] = field(default_factory=list)
    skipped: int = 0  # already sent for this round
    queued: bool = False


def round_publish(
    *,
    round: Round,
    user: AbstractBaseUser,
    resend: bool = False,
    background: bool = False,
) -> PublishResult:
    """Mark a weekly round published and send each active subscriber one email (their
    sector's summary, the files attached, in their language).

    Publishing again sends only to subscribers who have not received this round yet;
    `resend=True` sends to everyone again. With `background=True` the emails go out in a
    task (django-tasks) after the round is marked published.
    """
    require(user, round.operation, "publish")
    if round.kind != RoundKind.WEEKLY:
        raise ValidationError({"round": [_("Only weekly rounds have a weekly report to publish.")]})
    # Marking the round is atomic; the emails are not part of that transaction: a mail
    # server failure must not un-publish the round, and each send is logged as it happens.
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.published_at is None:
            round.published_at = timezone.now()
            round.save(update_fields=["published_at"])
    if background:
        from sitetrack.reports.tasks import round_send_task

        transaction.on_commit(
            lambda: round_send_task.enqueue(round_id=round.pk, user_id=user.pk, resend=resend)
        )
        return PublishResult(round=round, queued=True)
    return round_send(round=round, user=user, resend=resend)


def _due_subscriptions(round: Round, resend: bool):
    qs = Subscription.objects.active().filter(operation_id=round.operation_id).order_by("pk")
    if not resend:
        already = SendLog.objects.filter(round=round, status=SendStatus.SENT).values("subscription_id")
        qs = qs.exclude(pk__in=already)
    return qs


def round_send(*, round: Round, user: AbstractBaseUser | None = None, resend: bool = False) -> PublishResult:
    """Send the round's report to every due subscriber and log each email."""
    result = PublishResult(round=round)
    active = Subscription.objects.active().filter(operation_id=round.operation_id).count()
    due = list(_due_subscriptions(round, resend))
    result.skipped = active - len(due)
    if not due:
        return result
    reports: dict[str, WeeklyReport] = {}
    files: dict[tuple, list[ReportFile]] = {}
    connection = get_connection()
    connection.open()
    try:
        for sub in due:
            language = sub.language or "en"
            if language not in reports:
                reports[language] = weekly_report(round, language=language)
            report = reports[language]
            key = (language, sub.sector)
            if key not in files:
                files[key] = [render_file(report, fmt, sector=sub.sector) for fmt in ("pdf", "xlsx", "hxl")]
            message = _message(report, sub, files[key])
            entry = SendLog(
                round=round,
                subscription=sub,
                email=sub.email,
                name=sub.name,
                sector=sub.sector,
                language=language,
                subject=message.subject[:250],
                attachments=[f.name for f in files[key]],
                sent_by=user if user is not None and user.is_authenticated else None,
            )
            try:
                message.connection = connection
                message.send()
                entry.status = SendStatus.SENT
                result.sent.append(entry)
            except Exception as exc:  # noqa: BLE001 — any mail failure is logged, not raised
                log.warning("weekly report to %s failed: %s", sub.email, exc)
                entry.status = SendStatus.FAILED
                entry.error = f"{type(exc).__name__}: {exc}"
                result.failed.append(entry)
            entry.save()
    finally:
        connection.close()
    return result


def _message(report: WeeklyReport, sub: Subscription, attachments: list[ReportFile]) -> EmailMessage:
    with translation.override(report.language):
        gaps = report.gaps_for(sub.sector) if sub.sector else None
        context = {
            "report": report,
            "subscription": sub,
            "gaps": gaps,
            "rows": gaps.rows[:25] if gaps else [],
            "more": max(0, len(gaps.rows) - 25) if gaps else 0,
            "url": settings.SITE_ROOT.rstrip("/")
            + reverse("reports:weekly", args=[report.round.number])
            + f"?op={report.operation.slug}",
        }
        subject = report.title + f" — {report.operation.name}"
        if gaps:
            subject += f" — {gaps.sector.label}"
        body = render_to_string("reports/email/weekly_body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[sub.email])
    for f in attachments:
        message.attach(f.name, f.content, f.content_type.split(";")[0])
    return message
