"""Every object a user reaches goes through an `access_*` helper that checks scope.

Roles are per operation (see Membership). Superusers act as administrators everywhere.
A facilitator sees only the sites in their assigned admin areas (and everything below)
and the sites assigned to them; every other role sees the whole operation.

Each `access_<thing>(user, operation, id, *, action=...)` checks that the user's role
allows `action` in the operation (403 otherwise) and returns the object, or answers 404
when it is not in the operation or outside the user's scope (so nobody learns which ids
exist elsewhere). Views, APIs and templates ask `can(user, operation, action)` — never a
role's name: templates get `may.<action>` from the context processor.

Report scope (decided here so that every output agrees): a facilitator reads the weekly
report — its page, PDF, XLSX and HXL downloads, its headline figures — for their areas
only, as on the map, the site list, the API and the round board; `report_scope_q` gives
the filter. Other roles read the whole operation. The report delivered to subscribers is
the operation's published product, built without a reader, for the whole operation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from sitetrack.core.models import Membership, Operation, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

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
        "read_household_records",
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
        "read_household_records",
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


def operation_by_slug(user: AbstractBaseUser, slug: str) -> Operation | None:
    """The operation with this slug if the user belongs to it (any operation for a
    superuser), else None. One query: the user's membership comes with it and answers
    `membership_for` / `can` for the rest of the request (an API request asked for the
    operation and then for the membership, two ORM queries of the ~10 a page costs)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Operation.objects.filter(slug=slug).first()
    membership = (
        Membership.objects.filter(user=user, operation__slug=slug)
        .select_related("operation", "organisation")
        .first()
    )
    if membership is None:
        return None
    cache = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = user._membership_cache = {}
    cache[membership.operation_id] = membership
    return membership.operation


def current_operation(request: HttpRequest, *, action: str | None = None) -> Operation:
    """The operation a page's request works in (chosen by the middleware): 404 for a
    user who is a member of none; with `action`, the user's role must allow it (403)."""
    operation = getattr(request, "operation", None)
    if operation is None:
        raise Http404(_("You are not a member of any operation."))
    if action is not None:
        require(request.user, operation, action)
    return operation


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
    text = str(value)
    # ASCII digits only: int() also reads "٣" (Arabic-Indic three) as 3, which would
    # reach whatever object happens to have that id.
    if not (text.isascii() and text.isdigit()):
        raise Http404("No such object.")
    number = int(text)
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


def report_scope_q(user: AbstractBaseUser | None, operation: Operation, prefix: str = "site__") -> Q | None:
    """The filter a weekly report (page, downloads, figures) applies for this reader: a
    facilitator's areas, None (the whole operation) for other roles and for the published
    report built for subscribers (`user` None). See the module docstring."""
    if user is None:
        return None
    return site_scope_q(user, operation, prefix=prefix)


def access_round_number(
    user: AbstractBaseUser, operation: Operation, kind: str, number: object, *, action: str = "read"
):
    """The operation's round of this kind and number (reports address weekly rounds so)."""
    from sitetrack.assessments.models import Round

    require(user, operation, action)
    round = Round.objects.filter(operation=operation, kind=kind, number=_pk(number)).first()
    if round is None:
        raise Http404("No such round.")
    return round


def access_import_run(
    user: AbstractBaseUser, operation: Operation | None, pk: object, *, action: str = "import"
):
    """An import run of the operation (or, `operation` None, of any operation the user
    belongs to), if the user may `action` there."""
    from sitetrack.intake.models import ImportRun

    qs = ImportRun.objects.select_related("operation", "round", "mapping", "created_by")
    qs = (
        qs.filter(operation=operation)
        if operation is not None
        else qs.filter(operation__in=operations_for(user))
    )
    run = qs.filter(pk=_pk(pk)).first()
    if run is None:
        if operation is not None:
            require(user, operation, action)
        raise Http404("No such import.")
    require(user, run.operation, action)
    return run


def access_duplicate_hold(
    user: AbstractBaseUser, operation: Operation, pk: object, *, action: str = "validate"
):
    """A duplicate held by an import, for the people who decide which submission wins."""
    from sitetrack.intake.models import DuplicateHold

    require(user, operation, action)
    hold = (
        DuplicateHold.objects.select_related("operation", "round", "site", "assessment")
        .filter(pk=_pk(pk), operation=operation)
        .first()
    )
    if hold is None:
        raise Http404("No such duplicate.")
    return hold


def access_mapping(user: AbstractBaseUser, operation: Operation, pk: object, *, action: str = "import"):
    """A field mapping of the operation."""
    from sitetrack.intake.models import FieldMapping

    require(user, operation, action)
    mapping = FieldMapping.objects.filter(pk=_pk(pk), operation=operation).first()
    if mapping is None:
        raise Http404("No such mapping.")
    return mapping


def access_subscription(user: AbstractBaseUser, operation: Operation, pk: object, *, action: str = "publish"):
    """A weekly report subscription of the operation (names and emails: publishers only)."""
    from sitetrack.reports.models import Subscription

    require(user, operation, action)
    subscription = Subscription.objects.filter(pk=_pk(pk), operation=operation).first()
    if subscription is None:
        raise Http404("No such subscription.")
    return subscription


def access_catalogue_version(
    user: AbstractBaseUser, operation: Operation, number: object, *, action: str = "read"
):
    """A version of the operation's indicator catalogue, by its number (or the shared
    default version, which every operation reads until it adapts its own)."""
    from sitetrack.core.models import CatalogueVersion

    require(user, operation, action)
    version = (
        CatalogueVersion.objects.filter(number=_pk(number))
        .filter(Q(operation=operation) | Q(operation__isnull=True))
        .order_by("operation_id")  # the operation's own before the shared default
        .first()
    )
    if version is None:
        raise Http404("No such catalogue version.")
    return version


def access_return_survey(user: AbstractBaseUser, operation: Operation, month: object, *, action: str = "read"):
    """The operation's return intention survey of a month ("2014-03"); its aggregates
    (suppressed) are for every role that may read the operation."""
    import datetime as dt

    from sitetrack.returns.models import Survey

    require(user, operation, action)
    try:
        first = dt.datetime.strptime(str(month), "%Y-%m").date()
    except ValueError:
        raise Http404("No such survey.") from None
    survey = Survey.objects.filter(operation=operation, month=first).first()
    if survey is None:
        raise Http404("No such survey.")
    return survey


def access_household_records(user: AbstractBaseUser, operation: Operation, month: object):
    """The households interviewed in a return intention survey: personal data, for
    information management officers and administrators only (403 for every other role)."""
    survey = access_return_survey(user, operation, month, action="read_household_records")
    return survey, survey.households.all()


class Allowed:
    """`may.<action>` in templates: whether the user's role allows the action in the
    operation (`{% if may.manage_catalogue %}`), so that no template names a role."""

    def __init__(self, user: AbstractBaseUser | None, operation: Operation | None) -> None:
        self.user, self.operation = user, operation

    def __getattr__(self, action: str) -> bool:
        if action.startswith("_"):
            raise AttributeError(action)
        if self.user is None or self.operation is None:
            return False
        return can(self.user, self.operation, action)

    def __getitem__(self, action: str) -> bool:
        return self.__getattr__(action)
