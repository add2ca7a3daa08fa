"""Template helpers for every page: `request|can:"import"` (the role rules of
core/access.py, never role names in templates) and the breadcrumb trail."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sitetrack.core.access import can as may

register = template.Library()

# The section each app's pages belong to: (label, URL name of the section's first page).
SECTIONS = {
    "sites": (_("Sites"), "sites:list"),
    "assessments": (pgettext_lazy("navigation", "Rounds"), "assessments:rounds"),
    "intake": (_("Data intake"), "intake:home"),
    "reports": (_("Reports"), "reports:home"),
    "geo": (_("Admin areas"), None),
    "response": (_("Response (3W)"), "response:activities"),
    "accounts": (_("Account"), None),
}


@register.filter
def can(request, action: str) -> bool:
    """Whether the signed-in user may `action` in the current operation."""
    user = getattr(request, "user", None)
    operation = getattr(request, "operation", None)
    if user is None or operation is None or not user.is_authenticated:
        return False
    return may(user, operation, action)


def _url(name: str | None, *args) -> str | None:
    if not name:
        return None
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context) -> list[tuple[str, str | None]]:
    """Home › section › the round or site the page is about (the page's own title follows
    in its heading). Returns (label, url) pairs; an empty list on the home page."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace in ("", "web"):
        return []
    trail: list[tuple[str, str | None]] = [(_("Home"), reverse("web:home"))]
    section = SECTIONS.get(match.namespace)
    if section:
        trail.append((section[0], _url(section[1])))
    here = request.path
    round_ = context.get("round") or getattr(context.get("assessment"), "round", None)
    if round_ is not None and getattr(round_, "pk", None):
        url = _url("assessments:board", round_.pk)
        if url != here:
            trail.append((f"{round_.get_kind_display()} #{round_.number}", url))
    site = context.get("site")
    if site is not None and getattr(site, "code", None) and match.namespace == "sites":
        url = _url("sites:detail", site.code)
        if url != here:
            trail.append((site.name, url))
    return [crumb for crumb in trail if crumb[1] != here]


@register.filter
def num(value) -> str:
    """A count in the active language's style (12,345 / 12 345): the reports' one rule."""
    from sitetrack.reports.formatting import number

    return number(value)


@register.filter
def signed(value) -> str:
    """A change with its sign: +120, −35 (a real minus sign, U+2212), 0."""
    from sitetrack.reports.formatting import number

    if value is None:
        return "–"
    if value < 0:
        return "\u2212" + number(-value)
    return ("+" if value > 0 else "") + number(value)


@register.filter
def percent(value) -> str:
    """75% in English, 75 % in French (a narrow no-break space before the sign)."""
    from django.utils.translation import get_language

    from sitetrack.reports.formatting import number

    if value is None:
        return "–"
    space = "\u202f" if (get_language() or "en").startswith("fr") else ""
    return f"{number(value)}{space}%"
