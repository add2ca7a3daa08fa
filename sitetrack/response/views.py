"""Response pages: the 3W table, the gap matrix, referrals. Thin: reads in selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sitetrack.assessments.models import Round, RoundKind
from sitetrack.core.access import can, require
from sitetrack.core.models import Operation
from sitetrack.core.sectors import Sector
from sitetrack.response.access import can_response, visible_referrals
from sitetrack.response.gap_files import gap_matrix_filename, gap_matrix_xlsx
from sitetrack.response.gaps import STATUS_LABELS, gap_matrix
from sitetrack.response.hxl import threew_hxl_csv
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


GAP_PAGE_SIZE = 100


@login_required
def gap_matrix_view(request: HttpRequest) -> HttpResponse:
    """Sites × sectors of a weekly round (the latest by default); ?format=xlsx downloads it."""
    operation = current_operation(request)
    require(request.user, operation, "read")
    rounds = Round.objects.filter(operation=operation, kind=RoundKind.WEEKLY).order_by("-number")
    number = request.GET.get("round", "").strip()
    round = rounds.filter(number=int(number)).first() if number.isdigit() else rounds.first()
    if round is None:
        return render(request, "response/gap_matrix.html", {"matrix": None, "rounds": rounds})
    language = (translation.get_language() or "en")[:2]
    matrix = gap_matrix(round, user=request.user, language=language)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            gap_matrix_xlsx(matrix, language=language),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{gap_matrix_filename(matrix)}"'
        return response
    status = request.GET.get("status", "").strip()
    rows = [r for r in matrix.rows if any(c.status == status for c in r.cells)] if status else matrix.rows
    page = Paginator(rows, GAP_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "response/gap_matrix.html",
        {
            "matrix": matrix,
            "page": page,
            "rounds": rounds,
            "status": status,
            "statuses": [(k, v) for k, v in STATUS_LABELS.items() if k],
            "query": query.urlencode(),
        },
    )


@login_required
def threew_hxl_view(request: HttpRequest) -> HttpResponse:
    """The 3W as an HXL-tagged CSV (every activity the user may see)."""
    operation = current_operation(request)
    require(request.user, operation, "read")
    language = (translation.get_language() or "en")[:2]
    response = HttpResponse(
        threew_hxl_csv(user=request.user, operation=operation, language=language),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="3w-{operation.slug}.csv"'
    return response
