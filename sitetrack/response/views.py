"""Response pages: the 3W table, the gap matrix, referrals. Thin: reads in selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from sitetrack.assessments.models import Round, RoundKind
from sitetrack.core.access import can, current_operation, require
from sitetrack.core.pagecache import cached_page
from sitetrack.core.sectors import Sector
from sitetrack.response import services
from sitetrack.response.access import (
    access_activity,
    access_referral,
    can_response,
    may_report_for,
    may_update_referral,
    reporting_organisation,
    require_response,
    scope_key,
    visible_referrals,
)
from sitetrack.response.forms import ActivityForm, ActivityReportForm, ReferralForm, ReferralStatusForm
from sitetrack.response.gap_files import gap_matrix_filename, gap_matrix_xlsx
from sitetrack.response.gaps import STATUS_LABELS, gap_matrix
from sitetrack.response.hxl import threew_hxl_csv
from sitetrack.response.models import ActivityStatus, ReferralStatus
from sitetrack.response.selectors import activity_list, referral_stats
from sitetrack.response.services.activities import TARGETED_FIELDS
from sitetrack.response.versions import cached

PAGE_SIZE = 50


@login_required
@cached_page
def activity_list_view(request: HttpRequest) -> HttpResponse:
    """The 3W table: who does what where, filtered, with people reached. The whole page
    is kept at the data version (core.pagecache); the table also at the response's."""
    operation = current_operation(request)
    require(request.user, operation, "read")
    keys = ("sector", "organisation", "status", "site", "area", "month")
    filters = {key: request.GET.get(key, "").strip() for key in keys}
    query = request.GET.copy()
    query.pop("page", None)

    def table() -> str:
        activities = activity_list(user=request.user, operation=operation, **filters)
        page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"page": page, "query": query.urlencode()}
        return render_to_string("response/_activity_table.html", context, request=request)

    parts = (operation.pk, scope_key(request.user, operation), translation.get_language())
    # The query goes in the key as the pager's links carry it.
    parts += (*filters.values(), request.GET.get("page", ""), query.urlencode())

    context = {
        "table": mark_safe(cached("3w-page", parts, table)),  # noqa: S308 (our template's output)
        "filters": filters,
        "sectors": Sector.choices,
        "statuses": ActivityStatus.choices,
        "can_report": can(request.user, operation, "report_activity"),
        "can_manage": can_response(request.user, operation, "manage_response"),
    }
    return render(request, "response/activity_list.html", context)


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
        {
            "page": page,
            "stats": stats,
            "statuses": ReferralStatus.choices,
            "status": status,
            "can_refer": can_response(request.user, operation, "refer"),
        },
    )


GAP_PAGE_SIZE = 100


@login_required
@cached_page
def gap_matrix_view(request: HttpRequest) -> HttpResponse:
    """Sites × sectors of a weekly round (the latest by default); ?format=xlsx downloads it.
    The page is kept at the data version (core.pagecache: a download is not kept)."""
    operation = current_operation(request)
    require(request.user, operation, "read")
    number = request.GET.get("round", "").strip()
    language = (translation.get_language() or "en")[:2]

    def rounds_and_round():
        rounds = (
            Round.objects.filter(operation=operation, kind=RoundKind.WEEKLY)
            .select_related("operation")
            .order_by("-number")
        )
        return rounds, (rounds.filter(number=int(number)).first() if number.isdigit() else rounds.first())

    if request.GET.get("format") == "xlsx":
        _rounds, round = rounds_and_round()
        if round is None:
            raise Http404(_("There is no weekly round yet."))
        matrix = gap_matrix(round, user=request.user, language=language)
        response = HttpResponse(
            gap_matrix_xlsx(matrix, language=language),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{gap_matrix_filename(matrix)}"'
        return response
    status = request.GET.get("status", "").strip()
    query = request.GET.copy()
    query.pop("page", None)

    def page() -> HttpResponse:
        # On a cached page (core.pagecache), none of this runs: no round query either.
        rounds, round = rounds_and_round()
        if round is None:
            return render(request, "response/gap_matrix.html", {"round": None, "rounds": rounds})
        can_refer = can_response(request.user, operation, "refer")

        def table() -> str:
            matrix = gap_matrix(round, user=request.user, language=language)
            rows = (
                [r for r in matrix.rows if any(c.status == status for c in r.cells)]
                if status
                else matrix.rows
            )
            page = Paginator(rows, GAP_PAGE_SIZE).get_page(request.GET.get("page"))
            context = {"matrix": matrix, "page": page, "query": query.urlencode(), "can_refer": can_refer}
            return render_to_string("response/_gap_table.html", context, request=request)

        parts = (round.pk, scope_key(request.user, operation), language, status, can_refer)
        parts += (request.GET.get("round", ""), request.GET.get("page", ""), query.urlencode())
        context = {
            "round": round,
            "table": mark_safe(cached("gaps-page", parts, table)),  # noqa: S308 (our template's output)
            "rounds": rounds,
            "status": status,
            "statuses": [(k, v) for k, v in STATUS_LABELS.items() if k],
        }
        return render(request, "response/gap_matrix.html", context)

    return page()


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


def _form_page(request, template: str, **context) -> HttpResponse:
    return render(request, f"response/{template}", context)


@login_required
def activity_create_view(request: HttpRequest) -> HttpResponse:
    operation = current_operation(request)
    require(request.user, operation, "report_activity")
    own = reporting_organisation(request.user, operation)
    form = ActivityForm(request.POST or None, organisation=own)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                operation=operation, user=request.user, **form.service_fields()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("response:activity", pk=activity.pk)
    return _form_page(request, "activity_form.html", form=form, activity=None)


@login_required
def activity_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    operation = current_operation(request)
    activity = access_activity(request.user, operation, pk, action="report_activity")
    initial = {
        "organisation": activity.organisation_id,
        "funding_organisation": activity.funding_organisation_id,
        "activity_type": activity.activity_type_id,
        "site": activity.site.code if activity.site_id else "",
        "admin_area": "" if activity.site_id else activity.admin_area.pcode,
        **{
            f: getattr(activity, f)
            for f in ("start_date", "end_date", "status", "unit", "notes", *TARGETED_FIELDS)
        },
    }
    form = ActivityForm(
        request.POST or None, initial=initial, organisation=reporting_organisation(request.user, operation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(activity=activity, user=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Activity saved."))
            return redirect("response:activity", pk=activity.pk)
    return _form_page(request, "activity_form.html", form=form, activity=activity)


@login_required
def activity_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    operation = current_operation(request)
    activity = access_activity(request.user, operation, pk)
    may_report = may_report_for(request.user, operation, activity.organisation) and can(
        request.user, operation, "report_activity"
    )
    form = ActivityReportForm(request.POST or None, initial={"month": timezone.localdate().strftime("%Y-%m")})
    if request.method == "POST":
        if not may_report:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.activity_report_save(
                    activity=activity, period=form.cleaned_data["month"], user=request.user, **form.figures()
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request, _("Figures of %(month)s saved.") % {"month": form.cleaned_data["month"]}
                )
                return redirect("response:activity", pk=activity.pk)
    reports = activity.reports.select_related("period").order_by("period__month")
    return _form_page(
        request, "activity_detail.html", activity=activity, reports=reports, form=form if may_report else None
    )


@login_required
def referral_create_view(request: HttpRequest) -> HttpResponse:
    """A referral, prefilled from the gap matrix (?site=CODE&sector=wash)."""
    operation = current_operation(request)
    require_response(request.user, operation, "refer")
    initial = {key: request.GET.get(key, "") for key in ("site", "sector")}
    form = ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(operation=operation, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Referral sent."))
            return redirect("response:referral", pk=referral.pk)
    return _form_page(request, "referral_form.html", form=form)


@login_required
def referral_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    operation = current_operation(request)
    referral = access_referral(request.user, operation, pk)
    may_update = may_update_referral(request.user, referral)
    form = ReferralStatusForm(request.POST or None)
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.referral_change_status(referral=referral, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return redirect("response:referral", pk=referral.pk)
    return _form_page(
        request,
        "referral_detail.html",
        referral=referral,
        overdue=referral.is_overdue(timezone.localdate()),
        comments=referral.comments.select_related("author"),
        form=form if may_update else None,
    )
