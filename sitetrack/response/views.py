"""Response pages: the 3W table, the gap matrix, referrals. Thin: reads in selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from sitetrack.core.access import can, require
from sitetrack.core.models import Operation
from sitetrack.core.sectors import Sector
from sitetrack.response.access import can_response, visible_referrals
from sitetrack.response.models import ActivityStatus, ReferralStatus
from sitetrack.response.selectors import activity_list, referral_stats

PAGE_SIZE = 50


def current_operation(request: HttpRequest) -> Operation:
    operation = getattr(request, "operation", None)
    if operation is None:
        raise Http404(_("You are not a member of any operation."))
    return operation


@login_required
def activity_list_view(request: HttpRequest) -> HttpResponse:
    """The 3W table: who does what where, filtered, with people reached."""
    operation = current_operation(request)
    require(request.user, operation, "read")
    keys = ("sector", "organisation", "status", "site", "area", "month")
    filters = {key: request.GET.get(key, "").strip() for key in keys}
    activities = activity_list(user=request.user, operation=operation, **filters)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "response/activity_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "sectors": Sector.choices,
            "statuses": ActivityStatus.choices,
            "can_report": can(request.user, operation, "report_activity"),
            "can_manage": can_response(request.user, operation, "manage_response"),
        },
    )


@login_required
def referral_list_view(request: HttpRequest) -> HttpResponse:
    """Referrals the user may see, overdue ones flagged, and the per-sector statistics."""
    operation = current_operation(request)
    require(request.user, operation, "read")
    today = timezone.localdate()
    referrals = (
        visible_referrals(request.user, operation)
        .select_related("site", "to_organisation")
        .order_by("status", "due_date", "pk")
    )
    status = request.GET.get("status", "").strip()
    if status:
        referrals = referrals.filter(status=status)
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    for referral in page:
        referral.overdue = referral.is_overdue(today)
    stats = (
        referral_stats(operation=operation, today=today)
        if can_response(request.user, operation, "refer")
        else []
    )
    return render(
        request,
        "response/referral_list.html",
        {"page": page, "stats": stats, "statuses": ReferralStatus.choices, "status": status},
    )
