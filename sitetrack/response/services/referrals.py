"""Referrals: an IMO refers a need (from a gap, or a facilitator's observation) to a sector
cluster or an organisation; the receiving focal point is emailed at each step, and the
referral is followed until resolved or declined with a reason.

The life cycle:  open → acknowledged → in progress → resolved
                 (any step before resolved) → declined, with a reason
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sitetrack.core.models import Operation, Organisation
from sitetrack.core.sectors import Sector
from sitetrack.response.access import may_update_referral, require_response
from sitetrack.response.cleaning import Errors, clean_choice, clean_date, is_missing
from sitetrack.response.models import REFERRAL_CLOSED, Referral, ReferralComment, ReferralStatus
from sitetrack.sites.models import Site

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Where a referral may go from each status.
TRANSITIONS: dict[str, set[str]] = {
    ReferralStatus.OPEN: {ReferralStatus.ACKNOWLEDGED, ReferralStatus.IN_PROGRESS, ReferralStatus.DECLINED},
    ReferralStatus.ACKNOWLEDGED: {
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.RESOLVED,
        ReferralStatus.DECLINED,
    },
    ReferralStatus.IN_PROGRESS: {ReferralStatus.RESOLVED, ReferralStatus.DECLINED},
    ReferralStatus.RESOLVED: set(),
    ReferralStatus.DECLINED: {ReferralStatus.OPEN},  # an IMO may reopen a declined referral
}


def _notify(referral: Referral, subject: str, body: str) -> None:
    """Email the receiving focal point (and whoever referred, when they are not the one
    acting). The focal point's language is not known: French operations read both."""
    recipients = [e for e in {referral.focal_point_email} if e]
    if not recipients:
        return
    site = f" — {referral.site.code}" if referral.site_id else ""
    with translation.override(getattr(settings, "LANGUAGE_CODE", "en")[:2]):
        full_subject = f"[SiteTrack] {subject}: {referral.title}{site}"
    send_mail(full_subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def _body(referral: Referral, lines: list[str]) -> str:
    header = [
        _("Referral #%(pk)s: %(title)s") % {"pk": referral.pk, "title": referral.title},
        _("Sector: %(sector)s") % {"sector": Sector(referral.sector).label},
    ]
    if referral.site_id:
        header.append(
            _("Site: %(name)s (%(code)s)") % {"name": referral.site.name, "code": referral.site.code}
        )
    header.append(_("Due: %(date)s") % {"date": referral.due_date.isoformat()})
    header.append(_("Status: %(status)s") % {"status": referral.get_status_display()})
    return "\n".join([*header, "", *lines])


@transaction.atomic
def referral_create(
    *,
    operation: Operation,
    user: User | None,
    sector: str,
    title: str,
    due_date: date | str,
    site: Site | str | None = None,
    to_organisation: Organisation | None = None,
    focal_point_name: str = "",
    focal_point_email: str = "",
    description: str = "",
    today: date | None = None,
) -> Referral:
    if user is not None:
        require_response(user, operation, "refer")
    errors = Errors()
    sector = clean_choice(sector, "sector", Sector, errors)
    if not sector:
        errors.add("sector", _("This field is required."))
    title = (title or "").strip()
    if not title:
        errors.add("title", _("This field is required."))
    due = clean_date(due_date, "due_date", errors)
    if due is None and "due_date" not in errors.by_field:
        errors.add("due_date", _("This field is required."))
    if due is not None and due < (today or timezone.localdate()):
        errors.add("due_date", _("The due date %(date)s is in the past.") % {"date": due})
    if isinstance(site, str) and not is_missing(site):
        found = Site.objects.filter(operation=operation, code__iexact=site.strip()).first()
        if found is None:
            errors.add("site", _("No site “%(value)s” in this operation.") % {"value": site})
        site = found
    elif not isinstance(site, Site):
        site = None
    if not focal_point_email and to_organisation is None:
        errors.add("focal_point_email", _("Give the receiving focal point's email or an organisation."))
    errors.raise_if_any()
    referral = Referral.objects.create(
        operation=operation,
        site=site,
        sector=sector,
        to_organisation=to_organisation,
        focal_point_name=focal_point_name.strip(),
        focal_point_email=focal_point_email.strip(),
        title=title,
        description=description,
        due_date=due,
        created_by=user,
    )
    _notify(
        referral,
        _("New referral"),
        _body(referral, [description, "", _("Please acknowledge it in SiteTrack.")]),
    )
    return referral


@transaction.atomic
def referral_change_status(
    *, referral: Referral, user: User | None, status: str, comment: str = "", reason: str = ""
) -> Referral:
    """Move a referral along its life cycle. Declining needs a reason."""
    if user is not None and not may_update_referral(user, referral):
        raise PermissionDenied(_("Only the IMO or the receiving organisation can change this referral."))
    errors = Errors()
    status = clean_choice(status, "status", ReferralStatus, errors)
    errors.raise_if_any()
    if status not in TRANSITIONS[referral.status]:
        errors.add(
            "status",
            _("A referral that is %(current)s cannot become %(status)s.")
            % {"current": referral.get_status_display(), "status": ReferralStatus(status).label},
        )
    if status == ReferralStatus.DECLINED and not (reason or "").strip():
        errors.add("reason", _("Say why the referral is declined."))
    if status == ReferralStatus.OPEN and user is not None:
        require_response(user, referral.operation, "refer")
    errors.raise_if_any()
    now = timezone.now()
    referral.status = status
    if status == ReferralStatus.ACKNOWLEDGED or (
        status == ReferralStatus.IN_PROGRESS and not referral.acknowledged_at
    ):
        referral.acknowledged_at = referral.acknowledged_at or now
    if status in REFERRAL_CLOSED:
        referral.closed_at = now
    elif status == ReferralStatus.OPEN:
        referral.closed_at = None
    if status == ReferralStatus.DECLINED:
        referral.declined_reason = reason.strip()
    if user is not None:
        referral._history_user = user
    referral.save()
    text = (reason if status == ReferralStatus.DECLINED else comment).strip()
    ReferralComment.objects.create(referral=referral, author=user, text=text, status=status)
    lines = [_("The referral is now %(status)s.") % {"status": referral.get_status_display()}]
    if text:
        lines += ["", text]
    _notify(
        referral, _("Referral %(status)s") % {"status": referral.get_status_display()}, _body(referral, lines)
    )
    return referral


@transaction.atomic
def referral_comment(*, referral: Referral, user: User, text: str) -> ReferralComment:
    if not may_update_referral(user, referral):
        raise PermissionDenied(_("Only the IMO or the receiving organisation can comment on this referral."))
    text = (text or "").strip()
    if not text:
        errors = Errors()
        errors.add("text", _("This field is required."))
        errors.raise_if_any()
    comment = ReferralComment.objects.create(referral=referral, author=user, text=text)
    _notify(referral, _("New comment"), _body(referral, [text]))
    return comment
