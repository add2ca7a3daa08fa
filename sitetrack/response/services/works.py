"""Site maintenance and infrastructure: each site's facility inventory (latrines, showers,
water points, drainage, lighting, communal shelters, waste points) and the maintenance and
improvement work orders on it. Every change is in the audit history (simple-history).

Work order life cycle:  requested → assigned → in progress → done, or cancelled before
done; starting fills `started_on` and finishing `completed_on` (today, unless given)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sitetrack.core.access import access_site
from sitetrack.core.models import Organisation
from sitetrack.response.access import (
    may_create_work_orders,
    may_keep_facilities,
    reporting_organisation,
    require_work_order_change,
)
from sitetrack.response.cleaning import (
    Errors,
    clean_choice,
    clean_count,
    clean_date,
    clean_decimal,
    is_missing,
)
from sitetrack.response.models import (
    Facility,
    FacilityCondition,
    FacilityKind,
    WorkOrder,
    WorkOrderKind,
    WorkOrderPriority,
    WorkOrderStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sitetrack.core.models import Operation
    from sitetrack.sites.models import Site

FACILITY_FIELDS = (
    "kind",
    "label",
    "quantity",
    "condition",
    "usable",
    "sex_segregated",
    "lockable",
    "checked_on",
    "notes",
)
WORK_ORDER_FIELDS = (
    "kind",
    "title",
    "description",
    "priority",
    "organisation",
    "status",
    "facility",
    "requested_on",
    "due_date",
    "started_on",
    "completed_on",
    "estimated_cost",
    "actual_cost",
)

# Bounds of the stored numbers (a value beyond them is refused, not a database error).
MAX_UNITS = 100_000
MAX_COST = 10**10  # DecimalField(max_digits=12, decimal_places=2)

# Where a work order may go from each status.
TRANSITIONS: dict[str, set[str]] = {
    WorkOrderStatus.REQUESTED: {
        WorkOrderStatus.ASSIGNED,
        WorkOrderStatus.IN_PROGRESS,
        WorkOrderStatus.CANCELLED,
    },
    WorkOrderStatus.ASSIGNED: {WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.DONE, WorkOrderStatus.CANCELLED},
    WorkOrderStatus.IN_PROGRESS: {WorkOrderStatus.DONE, WorkOrderStatus.CANCELLED},
    WorkOrderStatus.DONE: set(),
    WorkOrderStatus.CANCELLED: {WorkOrderStatus.REQUESTED},
}


def _site(operation: Operation, site: Site | str, user: User | None, errors: Errors) -> Site | None:
    from sitetrack.sites.models import Site

    if isinstance(site, Site):
        return site
    code = "" if is_missing(site) else str(site).strip()
    if not code:
        errors.add("site", _("This field is required."))
        return None
    if user is not None:
        from django.http import Http404

        try:
            return access_site(user, operation, code)
        except Http404:
            pass
    else:
        found = Site.objects.filter(operation=operation, code__iexact=code).first()
        if found is not None:
            return found
    errors.add("site", _("No site “%(value)s” in this operation.") % {"value": code})
    return None


def _boolean(value: Any, field: str, errors: Errors, *, optional: bool) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None or is_missing(value):
        if optional:
            return None
        errors.add(field, _("This field is required."))
        return None
    text = str(value).strip().casefold()
    if text in {"yes", "oui", "true", "1", "y", "o"}:
        return True
    if text in {"no", "non", "false", "0", "n"}:
        return False
    errors.add(field, _("“%(value)s” is not yes or no.") % {"value": value})
    return None


def _facility_values(data: dict[str, Any], errors: Errors, *, partial: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "kind" in data or not partial:
        out["kind"] = clean_choice(data.get("kind"), "kind", FacilityKind, errors)
        if not out["kind"] and "kind" not in errors.by_field:
            errors.add("kind", _("This field is required."))
    if "label" in data:
        out["label"] = "" if is_missing(data["label"]) else str(data["label"]).strip()[:120]
    if "quantity" in data or not partial:
        quantity = clean_count(data.get("quantity", 1), "quantity", errors)
        if quantity is not None and quantity > MAX_UNITS:
            errors.add("quantity", _("At most %(max)s units on one line.") % {"max": f"{MAX_UNITS:,}"})
        out["quantity"] = 1 if quantity is None and "quantity" not in errors.by_field else quantity
    if "condition" in data or not partial:
        out["condition"] = clean_choice(
            data.get("condition"), "condition", FacilityCondition, errors, default=FacilityCondition.GOOD
        )
    if "usable" in data or not partial:
        usable = _boolean(data.get("usable", True), "usable", errors, optional=False)
        out["usable"] = usable
    for field in ("sex_segregated", "lockable"):
        if field in data:
            out[field] = _boolean(data[field], field, errors, optional=True)
    if "checked_on" in data or not partial:
        checked = clean_date(data.get("checked_on"), "checked_on", errors)
        if checked is None and "checked_on" not in errors.by_field:
            checked = timezone.localdate()
        if checked is not None and checked > timezone.localdate():
            errors.add("checked_on", _("The date %(date)s is in the future.") % {"date": checked})
        out["checked_on"] = checked
    if "notes" in data:
        out["notes"] = "" if is_missing(data["notes"]) else str(data["notes"]).strip()
    if out.get("condition") == FacilityCondition.BROKEN and out.get("usable"):
        errors.add("usable", _("A facility out of order is not usable."))
    return out


def _require_keeper(user: User | None, operation: Operation) -> None:
    if user is not None and not may_keep_facilities(user, operation):
        raise PermissionDenied(_("Your role in this operation does not allow this."))


@transaction.atomic
def facility_create(*, operation: Operation, user: User | None, site: Site | str, **data: Any) -> Facility:
    """A line of the site's inventory. IMOs, administrators and facilitators (in scope)."""
    _require_keeper(user, operation)
    errors = Errors()
    found = _site(operation, site, user, errors)
    values = _facility_values(data, errors, partial=False)
    errors.raise_if_any()
    return Facility.objects.create(site=found, **values)


@transaction.atomic
def facility_update(*, facility: Facility, user: User | None, **data: Any) -> Facility:
    _require_keeper(user, facility.site.operation)
    errors = Errors()
    values = _facility_values(data, errors, partial=True)
    merged_condition = values.get("condition", facility.condition)
    merged_usable = values.get("usable", facility.usable)
    if merged_condition == FacilityCondition.BROKEN and merged_usable and "usable" not in errors.by_field:
        errors.add("usable", _("A facility out of order is not usable."))
    errors.raise_if_any()
    for field, value in values.items():
        setattr(facility, field, value)
    facility.save()
    return facility


def _organisation(value: Any, errors: Errors) -> Organisation | None:
    if value is None or isinstance(value, Organisation):
        return value
    if isinstance(value, int):
        found = Organisation.objects.filter(pk=value).first()
    else:
        text = "" if is_missing(value) else str(value).strip()
        if not text:
            return None
        found = (
            Organisation.objects.filter(acronym__iexact=text).first()
            or Organisation.objects.filter(name__iexact=text).first()
        )
    if found is None:
        errors.add("organisation", _("No organisation “%(value)s”.") % {"value": value})
    return found


def _work_order_values(data: dict[str, Any], errors: Errors, *, partial: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "kind" in data or not partial:
        out["kind"] = clean_choice(
            data.get("kind"), "kind", WorkOrderKind, errors, default=WorkOrderKind.MAINTENANCE
        )
    if "title" in data or not partial:
        title = "" if is_missing(data.get("title")) else str(data.get("title")).strip()
        if not title:
            errors.add("title", _("This field is required."))
        out["title"] = title[:200]
    if "description" in data:
        out["description"] = "" if is_missing(data["description"]) else str(data["description"]).strip()
    if "priority" in data or not partial:
        out["priority"] = clean_choice(
            data.get("priority"), "priority", WorkOrderPriority, errors, default=WorkOrderPriority.MEDIUM
        )
    if "organisation" in data:
        out["organisation"] = _organisation(data["organisation"], errors)
    for field in ("requested_on", "due_date", "started_on", "completed_on"):
        if field in data:
            out[field] = clean_date(data[field], field, errors)
    for field in ("estimated_cost", "actual_cost"):
        if field in data:
            out[field] = clean_decimal(data[field], field, errors)
            if out[field] is not None and out[field] >= MAX_COST:
                errors.add(field, _("A cost must be below %(max)s.") % {"max": f"{MAX_COST:,}"})
    if "status" in data:
        out["status"] = clean_choice(data["status"], "status", WorkOrderStatus, errors)
    return out


def _check_dates(order: WorkOrder, errors: Errors) -> None:
    if order.due_date and order.requested_on and order.due_date < order.requested_on:
        errors.add("due_date", _("The due date is before the request date."))
    if order.completed_on and order.started_on and order.completed_on < order.started_on:
        errors.add("completed_on", _("The work is completed before it started."))
    if order.started_on and order.requested_on and order.started_on < order.requested_on:
        errors.add("started_on", _("The work started before it was requested."))


def _apply_status(order: WorkOrder, new: str, previous: str, today: date, errors: Errors) -> None:
    if new == previous:
        return
    if new not in TRANSITIONS[previous]:
        errors.add(
            "status",
            _("A work order cannot go from “%(old)s” to “%(new)s”.")
            % {"old": WorkOrderStatus(previous).label, "new": WorkOrderStatus(new).label},
        )
        return
    if new == WorkOrderStatus.ASSIGNED and order.organisation_id is None:
        errors.add("organisation", _("Name the organisation responsible to assign the work order."))
    if new in (WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.DONE) and order.started_on is None:
        order.started_on = today
    if new == WorkOrderStatus.DONE and order.completed_on is None:
        order.completed_on = today


@transaction.atomic
def work_order_create(
    *,
    operation: Operation,
    user: User | None,
    site: Site | str,
    today: date | None = None,
    **data: Any,
) -> WorkOrder:
    """A maintenance or improvement request. A partner's work order is their own
    organisation's (whatever organisation they name)."""
    if user is not None and not may_create_work_orders(user, operation):
        raise PermissionDenied(_("Your role in this operation does not allow this."))
    today = today or timezone.localdate()
    errors = Errors()
    found = _site(operation, site, user, errors)
    values = _work_order_values(data, errors, partial=False)
    own = reporting_organisation(user, operation) if user is not None else None
    if own is not None:
        values["organisation"] = own
    status = values.pop("status", "") or WorkOrderStatus.REQUESTED
    facility = _facility_for(data.get("facility"), found, errors)
    order = WorkOrder(operation=operation, site=found, facility=facility, created_by=user, **values)
    order.requested_on = order.requested_on or today
    order.status = WorkOrderStatus.REQUESTED
    _apply_status(order, status, WorkOrderStatus.REQUESTED, today, errors)
    order.status = status
    _check_dates(order, errors)
    errors.raise_if_any()
    order.save()
    return order


def _facility_for(value: Any, site: Site | None, errors: Errors) -> Facility | None:
    if value is None or (isinstance(value, str) and is_missing(value)):
        return None
    pk = value.pk if isinstance(value, Facility) else value
    facility = Facility.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if facility is None or site is None or facility.site_id != site.pk:
        errors.add("facility", _("No such facility on this site."))
        return None
    return facility


@transaction.atomic
def work_order_update(
    *, order: WorkOrder, user: User | None, today: date | None = None, **data: Any
) -> WorkOrder:
    """Change a work order (status along its life cycle, dates, cost, organisation)."""
    if user is not None:
        require_work_order_change(user, order.operation, order.organisation)
    today = today or timezone.localdate()
    errors = Errors()
    values = _work_order_values(data, errors, partial=True)
    own = reporting_organisation(user, order.operation) if user is not None else None
    if own is not None and "organisation" in values and values["organisation"] != own:
        errors.add("organisation", _("You change only the work orders of your own organisation."))
    previous = order.status
    new = values.pop("status", "") or previous
    if "facility" in data:
        order.facility = _facility_for(data["facility"], order.site, errors)
    for field, value in values.items():
        setattr(order, field, value)
    if "status" not in errors.by_field:
        _apply_status(order, new, previous, today, errors)
        order.status = new
    _check_dates(order, errors)
    errors.raise_if_any()
    order.save()
    return order
