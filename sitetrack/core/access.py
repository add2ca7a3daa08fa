"""Every object a user reaches goes through an `access_*` helper that checks scope.

Roles are per operation (see Membership). Superusers act as administrators everywhere.
A facilitator sees only the sites in their assigned admin areas (and everything below)
and the sites assigned to them; every other role sees the whole operation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from sitetrack.core.models import Membership, Operation, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sitetrack.sites.models import Site

# What each role may do. Actions are verbs used by views, APIs and services.
ROLE_ACTIONS: dict[str, set[str]] = {
    Role.ADMINISTRATOR: {
        "read",
        "edit_site",
        "create_site",
        "manage_users",
        "assess",
        "validate",
        "manage_rounds",
        "import",
        "publish",
        "manage_catalogue",
        "report_activity",
    },
    Role.IMO: {
        "read",
        "edit_site",
        "create_site",
        "assess",
        "validate",
        "manage_rounds",
        "import",
        "publish",
        "manage_catalogue",
        "report_activity",
    },
    Role.FACILITATOR: {"read", "edit_site", "assess"},
    Role.PARTNER: {"read", "report_activity"},
    Role.VIEWER: {"read"},
}


def membership_for(user: AbstractBaseUser, operation: Operation) -> Membership | None:
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = {}
        user._membership_cache = cache
    if operation.pk not in cache:
        cache[operation.pk] = (
            Membership.objects.filter(user=user, operation=operation).select_related("organisation").first()
        )
    return cache[operation.pk]


def role_in(user: AbstractBaseUser, operation: Operation) -> str | None:
    if user.is_authenticated and user.is_superuser:
        return Role.ADMINISTRATOR
    membership = membership_for(user, operation)
    return membership.role if membership else None


def can(user: AbstractBaseUser, operation: Operation, action: str) -> bool:
    role = role_in(user, operation)
    return bool(role) and action in ROLE_ACTIONS[role]


def require(user: AbstractBaseUser, operation: Operation, action: str) -> None:
    if not can(user, operation, action):
        raise PermissionDenied(f"Your role in {operation} does not allow this ({action}).")


def operations_for(user: AbstractBaseUser) -> QuerySet[Operation]:
    if not user.is_authenticated:
        return Operation.objects.none()
    if user.is_superuser:
        return Operation.objects.all()
    return Operation.objects.filter(memberships__user=user).distinct()


def access_operation(user: AbstractBaseUser, slug: str) -> Operation:
    operation = operations_for(user).filter(slug=slug).first()
    if operation is None:
        raise Http404("No such operation.")
    return operation


def site_scope_q(user: AbstractBaseUser, operation: Operation, prefix: str = "") -> Q | None:
    """A Q on Site (or on a model reaching Site through `prefix`, e.g. "site__") that
    limits rows to the user's scope; None when the user sees the whole operation."""
    role = role_in(user, operation)
    if role is None:
        return Q(pk__in=[])
    if role != Role.FACILITATOR:
        return None
    membership = membership_for(user, operation)
    q = Q(**{f"{prefix}pk__in": membership.sites.values("pk")})
    for path in membership.areas.values_list("path", flat=True):
        q |= Q(**{f"{prefix}admin_area__path__startswith": path})
    return q


def visible_sites(user: AbstractBaseUser, operation: Operation) -> QuerySet[Site]:
    from sitetrack.sites.models import Site

    qs = Site.objects.filter(operation=operation)
    scope = site_scope_q(user, operation)
    return qs.filter(scope) if scope is not None else qs


def scoped(qs: QuerySet, user: AbstractBaseUser, operation: Operation, site_prefix: str) -> QuerySet:
    """Limit any queryset with a path to Site (e.g. assessments: "site__") to the user's scope."""
    scope = site_scope_q(user, operation, prefix=site_prefix)
    return qs.filter(scope) if scope is not None else qs


def access_site(user: AbstractBaseUser, operation: Operation, code: str, *, action: str = "read") -> Site:
    """The site with this code, if the user may `action` it; 404 when outside their scope
    (so that a facilitator cannot even learn which codes exist elsewhere)."""
    require(user, operation, action)
    site = (
        visible_sites(user, operation)
        .select_related("admin_area", "management_agency")
        .filter(code=code)
        .first()
    )
    if site is None:
        raise Http404("No such site in your scope.")
    return site


def area_in_scope(user: AbstractBaseUser, operation: Operation, area) -> bool:
    """Whether a facilitator may place a site in this area (others: any area)."""
    role = role_in(user, operation)
    if role is None:
        return False
    if role != Role.FACILITATOR:
        return True
    membership = membership_for(user, operation)
    return any(area.path.startswith(p) for p in membership.areas.values_list("path", flat=True))


def _pk(value: object) -> int:
    """An object id from a URL or a body; 404 (not 500) when it is not a whole number."""
    if isinstance(value, bool):
        raise Http404("No such object.")
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise Http404("No such object.") from None
    if not 0 < number < 2**63:
        raise Http404("No such object.")
    return number


def access_round(user: AbstractBaseUser, operation: Operation, pk: object, *, action: str = "read"):
    """The operation's round with this id, if the user may `action` in the operation."""
    from sitetrack.assessments.models import Round

    require(user, operation, action)
    round = Round.objects.select_related("operation").filter(pk=_pk(pk), operation=operation).first()
    if round is None:
        raise Http404("No such round.")
    return round


def access_assessment(user: AbstractBaseUser, operation: Operation, pk: object, *, action: str = "read"):
    """The assessment with this id, if its site is in the user's scope and the user may
    `action`; 404 otherwise (a facilitator learns nothing of other areas)."""
    from sitetrack.assessments.models import Round, SiteAssessment

    require(user, operation, action)
    qs = SiteAssessment.objects.filter(
        round_id__in=Round.objects.filter(operation=operation).values("id")
    ).select_related("site", "round", "round__operation", "catalogue_version")
    assessment = scoped(qs, user, operation, "site__").filter(pk=_pk(pk)).first()
    if assessment is None:
        raise Http404("No such assessment in your scope.")
    return assessment
