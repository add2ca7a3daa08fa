"""Site pages: list, site page, create/edit, status change, map, master-list import."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sitetrack.core.access import access_site, can, current_operation, require
from sitetrack.core.models import Operation
from sitetrack.core.pagecache import cached_page
from sitetrack.geo.models import AdminArea
from sitetrack.sites.forms import SiteForm, SiteStatusForm
from sitetrack.sites.models import Site, SiteStatus, SiteType
from sitetrack.sites.selectors import map_areas, map_sites, site_filter_areas, site_list
from sitetrack.sites.services import site_change_status, site_create, site_update

PAGE_SIZE = 50


def map_tiles_url() -> str:
    """Background tiles are optional (MAP_TILES_URL, e.g. an OSM or a local tile server);
    without them the map still shows our boundaries and sites, offline."""
    return getattr(settings, "MAP_TILES_URL", os.getenv("MAP_TILES_URL", ""))


def _area_options(options: list[dict]) -> str:
    """The filter's <option>s, built here: a template loop over 289 admin1 areas (a
    national country) was most of the page's rendering time."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}{} ({})</option>',
        (
            (
                a["pcode"],
                mark_safe(" selected") if a["selected"] else "",
                INDENT[a["depth"]],
                a["name"],
                a["pcode"],
            )
            for a in options
        ),
    )


INDENT = {0: "", 1: mark_safe("&nbsp;&nbsp;"), 2: mark_safe("&nbsp;&nbsp;&nbsp;&nbsp;")}


def _pcode_options(operation: Operation):
    return (
        AdminArea.objects.filter(path__startswith=operation.country.path, level__gte=1)
        .order_by("pcode")
        .values_list("pcode", "name_en")
    )


@login_required
@cached_page
def site_list_view(request: HttpRequest) -> HttpResponse:
    operation = current_operation(request)
    require(request.user, operation, "read")
    filters = {key: request.GET.get(key, "").strip() for key in ("q", "site_type", "status", "area")}
    sites = site_list(user=request.user, operation=operation, **filters)
    page = Paginator(sites, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sites/site_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "site_types": SiteType.choices,
            "statuses": SiteStatus.choices,
            # Admin1 areas, and the admin2 areas of the chosen one: not the whole country.
            "area_options": _area_options(
                site_filter_areas(user=request.user, operation=operation, area=filters["area"])
            ),
            "can_create": can(request.user, operation, "create_site"),
            "can_import": can(request.user, operation, "import"),
        },
    )


def _audit_trail(site: Site, limit: int = 50) -> list[dict[str, Any]]:
    """Each recorded change with the fields it changed (newest first)."""
    records = list(
        site.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    trail = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=["updated_at", "created_at"])
            changes = [
                {"field": Site._meta.get_field(c.field).verbose_name, "old": c.old, "new": c.new}
                for c in delta.changes
            ]
        trail.append({"record": record, "changes": changes})
    return trail


def _rounds_panel(site: Site) -> dict[str, Any]:
    """The assessments app's "last rounds side by side" panel, when that app provides it.
    Tolerates its absence so the site page works on its own."""
    try:
        from sitetrack.assessments.selectors import site_recent_assessments
    except ImportError:
        return {"rounds_panel": False}
    try:
        get_template("assessments/_site_rounds.html")
    except TemplateDoesNotExist:
        return {"rounds_panel": False}
    return {"rounds_panel": True, "recent_assessments": site_recent_assessments(site, limit=4)}


@login_required
def site_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    operation = current_operation(request)
    site = access_site(request.user, operation, code)
    can_edit = can(request.user, operation, "edit_site")
    boundary = None
    if site.admin_area.boundary:
        boundary = site.admin_area.boundary
    context = {
        "site": site,
        "status_changes": site.status_changes.select_related("target", "recorded_by").order_by(
            "-date", "-id"
        ),
        "audit_trail": _audit_trail(site),
        "can_edit": can_edit,
        "status_form": SiteStatusForm() if can_edit else None,
        "boundary": boundary,
        "tiles_url": map_tiles_url(),
        **_rounds_panel(site),
    }
    return render(request, "sites/site_detail.html", context)


@login_required
def site_create_view(request: HttpRequest) -> HttpResponse:
    operation = current_operation(request)
    require(request.user, operation, "create_site")
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            site = site_create(operation=operation, user=request.user, **data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Site %(code)s created.") % {"code": site.code})
            return redirect("sites:detail", code=site.code)
    return render(
        request,
        "sites/site_form.html",
        {"form": form, "site": None, "pcodes": _pcode_options(operation)},
    )


@login_required
def site_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    operation = current_operation(request)
    site = access_site(request.user, operation, code, action="edit_site")
    form = SiteForm(request.POST or None, initial=SiteForm.initial_for(site))
    if request.method == "POST" and form.is_valid():
        try:
            site = site_update(site=site, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Site %(code)s saved.") % {"code": site.code})
            return redirect("sites:detail", code=site.code)
    return render(
        request, "sites/site_form.html", {"form": form, "site": site, "pcodes": _pcode_options(operation)}
    )


@login_required
@require_POST
def site_status_view(request: HttpRequest, code: str) -> HttpResponse:
    operation = current_operation(request)
    site = access_site(request.user, operation, code, action="edit_site")
    form = SiteStatusForm(request.POST)
    if form.is_valid():
        try:
            site_change_status(site=site, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Status recorded."))
            return redirect("sites:detail", code=site.code)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else message)
    return redirect("sites:detail", code=site.code)


@login_required
def site_map_view(request: HttpRequest) -> HttpResponse:
    operation = current_operation(request)
    require(request.user, operation, "read")
    return render(
        request,
        "sites/site_map.html",
        {"tiles_url": map_tiles_url(), "site_types": SiteType.choices},
    )


@login_required
def site_map_data_view(request: HttpRequest) -> JsonResponse:
    """Our own boundaries and the user's sites, so the map needs no internet."""
    operation = current_operation(request)
    require(request.user, operation, "read")
    levels = tuple(int(v) for v in request.GET.get("levels", "1,2").split(",") if v.strip().isdigit()) or (
        1,
        2,
    )
    return JsonResponse(
        {
            "areas": map_areas(operation=operation, levels=levels),
            "sites": map_sites(user=request.user, operation=operation),
        }
    )


@login_required
def sites_import_view(request: HttpRequest) -> HttpResponse:
    from sitetrack.sites.import_views import sites_import_page

    operation = current_operation(request)
    require(request.user, operation, "import")
    return sites_import_page(request, operation)
