"""Links to the profiles from other apps' pages (the site page, the round board), so that
those templates need one line each: `{% load profiles %}{% site_profile_link site %}`."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sitetrack.assessments.models import RoundKind, SiteAssessment

register = template.Library()


@register.simple_tag
def site_profile_link(site) -> str:
    """A link to the site's profile of the latest monthly round with a validated
    assessment of it ("" when there is none)."""
    latest = (
        SiteAssessment.objects.validated()
        .filter(site=site, round__kind=RoundKind.MONTHLY)
        .order_by("-round__number")
        .values_list("round__number", flat=True)
        .first()
    )
    if latest is None:
        return ""
    return format_html(
        '<a class="btn secondary" href="{}">{}</a>',
        reverse("profiles:profile", args=[latest, site.code]),
        _("Monthly site profile (round #%(number)s)") % {"number": latest},
    )


@register.simple_tag
def round_profiles_link(round) -> str:
    """A link to a monthly round's site profiles ("" for other rounds)."""
    if round.kind != RoundKind.MONTHLY:
        return ""
    return format_html(
        '<a href="{}">{}</a>',
        reverse("profiles:round", args=[round.number]),
        _("Site profiles of this round"),
    )
