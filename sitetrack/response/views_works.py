"""Site maintenance pages: a site's facility inventory, the work orders (list, request,
follow-up with their history); the response strategy page. Thin: rules in services/works.py, reads in
infrastructure.py, access in response.access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sitetrack.core.access import access_site, require
from sitetrack.response import services
from sitetrack.response.access import (
    access_facility,
    access_work_order,
    can_response,
    may_create_work_orders,
    may_keep_facilities,
    reporting_organisation,
    visible_work_orders,
)
from sitetrack.response.forms_works import FacilityForm, WorkOrderForm
from sitetrack.response.infrastructure import site_facility_summary, work_order_stats
from sitetrack.response.models import WorkOrderPriority, WorkOrderStatus
from sitetrack.response.views import current_operation

PAGE_SIZE = 50


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _facility_values(form: FacilityForm) -> dict:
    data = form.service_fields()
    for field in ("sex_segregated", "lockable"):
        data[field] = _tri(data.get(field, ""))
    return data


@login_required
def site_facilities_view(request: HttpRequest, code: str) -> HttpResponse:
    """A site's facility inventory (summary per kind, every line) and a form to add one."""
    operation = current_operation(request)
    site = access_site(request.user, operation, code)
    can_keep = may_keep_facilities(request.user, operation)
    form = FacilityForm(request.POST or None, initial={"checked_on": timezone.localdate()})
    if request.method == "POST":
        if not can_keep:
            raise PermissionDenied(_("Your role in this operation does not allow this."))
        if form.is_valid():
            try:
                services.facility_create(
                    operation=operation, user=request.user, site=site, **_facility_values(form)
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Facility recorded."))
                return redirect("response:site-facilities", code=site.code)
    return render(
        request,
        "response/site_facilities.html",
        {
            "site": site,
            "summary": site_facility_summary(site),
            "facilities": site.facilities.order_by("kind", "pk"),
            "orders": visible_work_orders(request.user, operation)
            .filter(site=site)
            .select_related("organisation"),
            "form": form if can_keep else None,
            "can_request": may_create_work_orders(request.user, operation),
        },
    )


@login_required
def facility_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    operation = current_operation(request)
    facility = access_facility(request.user, operation, pk, action="change")
    tri = {True: "yes", False: "no", None: ""}
    initial = {
        "kind": facility.kind,
        "label": facility.label,
        "quantity": facility.quantity,
        "condition": facility.condition,
        "usable": facility.usable,
        "sex_segregated": tri[facility.sex_segregated],
        "lockable": tri[facility.lockable],
        "checked_on": facility.checked_on,
        "notes": facility.notes,
    }
    form = FacilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.facility_update(facility=facility, user=request.user, **_facility_values(form))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Facility updated."))
            return redirect("response:site-facilities", code=facility.site.code)
    history = facility.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request, "response/facility_form.html", {"form": form, "facility": facility, "history": history}
    )


@login_required
def work_order_list_view(request: HttpRequest) -> HttpResponse:
    operation = current_operation(request)
    require(request.user, operation, "read")
    today = timezone.localdate()
    orders = visible_work_orders(request.user, operation).select_related("site", "organisation")
    status = request.GET.get("status", "").strip()
    if status:
        orders = orders.filter(status=status)
    site = request.GET.get("site", "").strip()
    if site:
        orders = orders.filter(site__code__iexact=site)
    page = Paginator(orders.order_by("status", "due_date", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    for order in page:
        order.overdue = order.is_overdue(today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "response/work_order_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "status": status,
            "site": site,
            "statuses": WorkOrderStatus.choices,
            "stats": work_order_stats(operation=operation, today=today),
            "can_request": may_create_work_orders(request.user, operation),
            "urgent": WorkOrderPriority.URGENT,
        },
    )


@login_required
def work_order_create_view(request: HttpRequest) -> HttpResponse:
    operation = current_operation(request)
    if not may_create_work_orders(request.user, operation):
        raise PermissionDenied(_("Your role in this operation does not allow this."))
    own = reporting_organisation(request.user, operation)
    form = WorkOrderForm(request.POST or None, own=own, initial={"site": request.GET.get("site", "")})
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        try:
            order = services.work_order_create(
                operation=operation, user=request.user, site=data.pop("site"), **data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Work order recorded."))
            return redirect("response:work-order", pk=order.pk)
    return render(request, "response/work_order_form.html", {"form": form, "order": None})


@login_required
def work_order_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A work order, its history, and (for those who may change it) the form."""
    operation = current_operation(request)
    order = access_work_order(request.user, operation, pk)
    own = reporting_organisation(request.user, operation)
    try:
        access_work_order(request.user, operation, pk, action="change")
        can_change = True
    except PermissionDenied:
        can_change = False
    fields = ("kind", "title", "description", "priority", "status", "requested_on", "due_date")
    fields += ("started_on", "completed_on", "estimated_cost", "actual_cost")
    initial = {f: getattr(order, f) for f in fields} | {"organisation": order.organisation_id}
    form = WorkOrderForm(request.POST or None, own=own, editing=True, initial=initial) if can_change else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("You change only the work orders of your own organisation."))
        if form.is_valid():
            try:
                services.work_order_update(order=order, user=request.user, **form.service_fields())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Work order updated."))
                return redirect("response:work-order", pk=order.pk)
    history = order.history.select_related("history_user").order_by("-history_date")[:30]
    return render(
        request, "response/work_order_detail.html", {"order": order, "form": form, "history": history}
    )


@login_required
def strategy_view(request: HttpRequest) -> HttpResponse:
    """The response strategy: progress of each objective's indicators in a month (the
    current one by default); IMOs add objectives and indicators here."""
    from sitetrack.response.cleaning import parse_month
    from sitetrack.response.forms_works import IndicatorForm, ObjectiveForm
    from sitetrack.response.services import objective_create, objective_indicator_add
    from sitetrack.response.strategy import strategy_progress

    operation = current_operation(request)
    require(request.user, operation, "read")
    manage = can_response(request.user, operation, "manage_response")
    month = parse_month(request.GET.get("month", "")) or timezone.localdate().replace(day=1)
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    if posted and not manage:
        raise PermissionDenied(_("Your role in this operation does not allow this."))
    objective_form = ObjectiveForm(request.POST if posted == "objective" else None)
    indicator_form = IndicatorForm(request.POST if posted == "indicator" else None, operation=operation)
    form = {"objective": objective_form, "indicator": indicator_form}.get(posted)
    if form is not None and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if posted == "objective":
                objective_create(operation=operation, user=request.user, **data)
            else:
                objective_indicator_add(objective=data.pop("objective"), user=request.user, **data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Strategy updated."))
            return redirect(f"{request.path}?month={month:%Y-%m}")
    return render(
        request,
        "response/strategy.html",
        {
            "objectives": strategy_progress(operation, month),
            "month": month,
            "objective_form": objective_form if manage else None,
            "indicator_form": indicator_form if manage else None,
        },
    )
