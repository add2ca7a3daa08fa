"""Who may see and change 3W activities and referrals. Builds on `core.access` (roles,
`can`, `require`, site scope) and adds the one rule of this app: a partner reports for
their own organisation only (`core.Membership.organisation`).

Actions of this app, by role (on top of core's "read" and "report_activity"):
    "manage_response"  administrators and IMOs: any organisation's activities, periods,
                       organisation review, referrals
    "refer"            administrators and IMOs (facilitators propose through comments)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from sitetrack.core.access import membership_for, require, role_in
from sitetrack.core.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sitetrack.core.models import Operation, Organisation
    from sitetrack.response.models import Activity, Referral

RESPONSE_ACTIONS: dict[str, set[str]] = {
    "manage_response": {Role.ADMINISTRATOR, Role.IMO},
    "refer": {Role.ADMINISTRATOR, Role.IMO},
}


def can_response(user: AbstractBaseUser, operation: Operation, action: str) -> bool:
    return role_in(user, operation) in RESPONSE_ACTIONS[action]


def require_response(user: AbstractBaseUser, operation: Operation, action: str) -> None:
    if not can_response(user, operation, action):
        raise PermissionDenied(_("Your role in this operation does not allow this."))


def reporting_organisation(user: AbstractBaseUser, operation: Operation) -> Organisation | None:
    """The organisation a partner reports for (None for IMOs and administrators, who
    report for any organisation)."""
    if role_in(user, operation) != Role.PARTNER:
        return None
    membership = membership_for(user, operation)
    return membership.organisation if membership else None


def may_report_for(user: AbstractBaseUser, operation: Operation, organisation: Organisation) -> bool:
    """Whether the user may create or change activities of this organisation."""
    role = role_in(user, operation)
    if role in (Role.ADMINISTRATOR, Role.IMO):
        return True
    if role != Role.PARTNER:
        return False
    own = reporting_organisation(user, operation)
    return own is not None and own.pk == organisation.pk


def require_report_for(user: AbstractBaseUser, operation: Operation, organisation: Organisation) -> None:
    require(user, operation, "report_activity")
    if not may_report_for(user, operation, organisation):
        raise PermissionDenied(
            _("You report for your own organisation only, not for %(organisation)s.")
            % {"organisation": organisation}
        )


def _area_scope_q(user: AbstractBaseUser, operation: Operation, prefix: str) -> Q | None:
    """Facilitators see activities and referrals in their areas and sites; others all."""
    role = role_in(user, operation)
    if role is None:
        return Q(pk__in=[])
    if role != Role.FACILITATOR:
        return None
    membership = membership_for(user, operation)
    q = Q(**{f"{prefix}site__in": membership.sites.all()})
    for path in membership.areas.values_list("path", flat=True):
        q |= Q(**{f"{prefix}admin_area__path__startswith": path})
    return q


def scope_key(user: AbstractBaseUser, operation: Operation) -> str:
    """What a cached list is keyed by: "all" for users who see the whole operation (the
    same rows for all of them), the user otherwise (facilitators, users without a role)."""
    from sitetrack.core.access import site_scope_q

    return "all" if site_scope_q(user, operation) is None else f"user:{user.pk}"


def visible_activities(user: AbstractBaseUser, operation: Operation) -> QuerySet[Activity]:
    from sitetrack.response.models import Activity

    qs = Activity.objects.filter(operation=operation)
    scope = _area_scope_q(user, operation, "")
    return qs.filter(scope) if scope is not None else qs


def access_activity(
    user: AbstractBaseUser, operation: Operation, pk: int | str, *, action: str = "read"
) -> Activity:
    """The activity if the user may `action` ("read" or "report_activity") it; 404 when
    it is outside their scope, 403 when they may see it but not change it."""
    require(user, operation, "read")
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such activity.") from None
    activity = (
        visible_activities(user, operation)
        .select_related("organisation", "funding_organisation", "activity_type", "site", "admin_area")
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise Http404("No such activity in your scope.")
    if action != "read":
        require_report_for(user, operation, activity.organisation)
    return activity


def visible_referrals(user: AbstractBaseUser, operation: Operation) -> QuerySet[Referral]:
    """IMOs and administrators see every referral; a partner those addressed to their
    organisation; a facilitator those in their scope; a viewer none (referrals name
    sensitive needs)."""
    from sitetrack.response.models import Referral

    qs = Referral.objects.filter(operation=operation)
    role = role_in(user, operation)
    if role in (Role.ADMINISTRATOR, Role.IMO):
        return qs
    if role == Role.PARTNER:
        own = reporting_organisation(user, operation)
        return qs.filter(to_organisation=own) if own else qs.none()
    if role == Role.FACILITATOR:
        membership = membership_for(user, operation)
        q = Q(site__in=membership.sites.all())
        for path in membership.areas.values_list("path", flat=True):
            q |= Q(site__admin_area__path__startswith=path)
        return qs.filter(q)
    return qs.none()


def access_referral(user: AbstractBaseUser, operation: Operation, pk: int | str) -> Referral:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such referral.") from None
    referral = (
        visible_referrals(user, operation).select_related("site", "to_organisation").filter(pk=pk).first()
    )
    if referral is None:
        raise Http404("No such referral in your scope.")
    return referral


def may_update_referral(user: AbstractBaseUser, referral: Referral) -> bool:
    """IMOs, and the receiving organisation's partners, move a referral along."""
    operation = referral.operation
    if can_response(user, operation, "refer"):
        return True
    own = reporting_organisation(user, operation)
    return own is not None and referral.to_organisation_id == own.pk


# --- site facilities and work orders ------------------------------------------------------
# Everyone with a role reads the facility inventories of the sites they see; IMOs,
# administrators and facilitators (in their scope) keep them. Work orders: IMOs,
# administrators and viewers see all, facilitators those of their sites, partners only
# those their organisation is responsible for; IMOs, administrators and facilitators (in
# scope) create and change them, partners create and change their organisation's only.
WORKS_MANAGERS = {Role.ADMINISTRATOR, Role.IMO, Role.FACILITATOR}


def visible_facilities(user: AbstractBaseUser, operation: Operation):
    from sitetrack.core.access import scoped
    from sitetrack.response.models import Facility

    return scoped(Facility.objects.filter(site__operation=operation), user, operation, "site__")


def may_keep_facilities(user: AbstractBaseUser, operation: Operation) -> bool:
    return role_in(user, operation) in WORKS_MANAGERS


def visible_work_orders(user: AbstractBaseUser, operation: Operation):
    from sitetrack.core.access import scoped
    from sitetrack.response.models import WorkOrder

    qs = scoped(WorkOrder.objects.filter(operation=operation), user, operation, "site__")
    if role_in(user, operation) == Role.PARTNER:
        own = reporting_organisation(user, operation)
        return qs.filter(organisation=own) if own else qs.none()
    return qs


def may_create_work_orders(user: AbstractBaseUser, operation: Operation) -> bool:
    return role_in(user, operation) in (*WORKS_MANAGERS, Role.PARTNER)


def require_work_order_change(
    user: AbstractBaseUser, operation: Operation, organisation: Organisation | None
) -> None:
    """IMOs, administrators and facilitators change any work order they see; partners
    only their organisation's (and cannot hand one to another organisation)."""
    role = role_in(user, operation)
    if role in WORKS_MANAGERS:
        return
    if role == Role.PARTNER:
        own = reporting_organisation(user, operation)
        if own is not None and organisation is not None and own.pk == organisation.pk:
            return
        raise PermissionDenied(_("You change only the work orders of your own organisation."))
    raise PermissionDenied(_("Your role in this operation does not allow this."))


def access_facility(user: AbstractBaseUser, operation: Operation, pk: int | str, *, action: str = "read"):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such facility.") from None
    facility = visible_facilities(user, operation).select_related("site").filter(pk=pk).first()
    if facility is None:
        raise Http404("No such facility in your scope.")
    if action != "read" and not may_keep_facilities(user, operation):
        raise PermissionDenied(_("Your role in this operation does not allow this."))
    return facility


def access_work_order(user: AbstractBaseUser, operation: Operation, pk: int | str, *, action: str = "read"):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such work order.") from None
    order = (
        visible_work_orders(user, operation)
        .select_related("site", "facility", "organisation")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise Http404("No such work order in your scope.")
    if action != "read":
        require_work_order_change(user, operation, order.organisation)
    return order


def access_objective(user: AbstractBaseUser, operation: Operation, pk: object, *, action: str = "read"):
    """The operation's strategic objective with this id: 404 when there is none in the
    operation; reading needs the "read" action, changing it "manage_response" (IMOs and
    administrators), 403 otherwise."""
    from sitetrack.core.access import _pk
    from sitetrack.response.models import StrategyObjective

    require(user, operation, "read")
    objective = (
        StrategyObjective.objects.select_related("operation").filter(operation=operation, pk=_pk(pk)).first()
    )
    if objective is None:
        raise Http404("No such objective.")
    if action != "read":
        require_response(user, operation, "manage_response")
    return objective
