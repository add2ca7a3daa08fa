"""The home page per role, site search and the error pages, all in the site's layout."""

from __future__ import annotations

import hashlib
import logging

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from sitetrack.core.access import can
from sitetrack.core.pagecache import cached_page

logger = logging.getLogger(__name__)
SEARCH_LIMIT = 50


@login_required
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    """What this user should do or look at now, by what their role allows: the sites to
    collect (assess), what to validate, import and publish (validate/import/publish), and
    the operation's key figures (read). Each figure links to the table behind it."""
    from sitetrack.web import selectors

    operation = getattr(request, "operation", None)
    context: dict = {}
    user = request.user
    if operation is not None and can(user, operation, "read"):
        from sitetrack.core.access import site_scope_q

        # The data version is read once per request (one query), for both caches below.
        version = (
            selectors.dashboard_version(operation=operation)
            if site_scope_q(user, operation) is None
            else None
        )
        context["figures"] = _site_figures(user, operation, version)
        filters = selectors.DashboardFilters.from_query(request.GET, operation)
        language = (get_language() or "en")[:2]
        key = (
            selectors.dashboard_key(
                user=user, operation=operation, filters=filters, language=language, version=version
            )
            if version is not None
            else None
        )
        html = cache.get(key + ":html") if key else None
        if html is not None:
            # Served as it was rendered: the figures behind it need not be read again.
            context["coordinator"] = {"cache_key": key}
        else:
            context["coordinator"] = selectors.dashboard(
                user=user, operation=operation, filters=filters, language=language
            )
            if context["coordinator"] is not None:
                html = _dashboard_html(context["coordinator"], operation, filters, language)
        context["dashboard_html"] = mark_safe(html or "")  # noqa: S308 - our template's output
        if key:
            context["sites_html"] = _sites_html(key, context["figures"], language)
        if can(user, operation, "assess") and not can(user, operation, "validate"):
            context["to_collect"] = selectors.rounds_to_collect(user=user, operation=operation)
        if can(user, operation, "validate"):
            context["to_validate"] = selectors.submitted_by_round(user=user, operation=operation)
        if can(user, operation, "import"):
            context["intake"] = selectors.intake_attention(operation=operation)
        if can(user, operation, "publish"):
            context["to_publish"] = selectors.rounds_to_publish(operation=operation)
        if can(user, operation, "report_activity") and not can(user, operation, "validate"):
            context["partner"] = selectors.partner_work(user=user, operation=operation) or {}
    return render(request, "web/home.html", context)


def _dashboard_html(data: dict, operation, filters, language: str) -> str:
    """The dashboard's markup, rendered once per cached dashboard (it is most of the page's
    rendering time) and kept beside it."""
    from django.template.loader import render_to_string

    from sitetrack.sites.views import map_tiles_url
    from sitetrack.web import selectors

    key = data["cache_key"] + ":html"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "monthly/dashboard.html",
            {
                "coordinator": data,
                "filters": filters,
                "choices": selectors.dashboard_choices(operation=operation, area=filters.area),
                "tiles_url": map_tiles_url(),
                "LANGUAGE_CODE": language,
            },
        )
        cache.set(key, str(html), selectors.DASHBOARD_SECONDS)
    return html


def _sites_html(key: str, figures: dict, language: str) -> str:
    """The registry's figures for users who see the whole operation, rendered once per
    dashboard version (the same for every one of them)."""
    from django.template.loader import render_to_string

    from sitetrack.web import selectors

    html = cache.get(key + ":sites")
    if html is None:
        html = str(render_to_string("web/_home_sites.html", {"figures": figures, "LANGUAGE_CODE": language}))
        cache.set(key + ":sites", html, selectors.DASHBOARD_SECONDS)
    return mark_safe(html)  # noqa: S308 - our template's output


def _site_figures(user, operation, version: tuple | None):
    """The registry's figures (sites.selectors.operation_key_figures): cached by the
    dashboard's data version (`version`, None for a user scoped to some areas) for users
    who see the whole operation."""
    from sitetrack.sites.selectors import operation_key_figures

    if version is None:
        return operation_key_figures(user=user, operation=operation)
    from sitetrack.monthly.cache import remembered

    language = (get_language() or "en")[:2]
    key = (
        f"dashboard:sites:{operation.pk}:{language}:{version[0]}:"
        + hashlib.sha1(version[1].encode()).hexdigest()
    )
    return remembered(key, lambda: operation_key_figures(user=user, operation=operation), 600)


@login_required
def dashboard_map(request: HttpRequest) -> JsonResponse:
    """The dashboard map's sites for the same filters as the page: code, name, latitude,
    longitude, population and worst gap status (response.gaps), from the cached dashboard."""
    from django.http import Http404

    from sitetrack.core.access import require
    from sitetrack.web import selectors

    operation = getattr(request, "operation", None)
    if operation is None:
        raise Http404("No operation.")
    require(request.user, operation, "read")
    filters = selectors.DashboardFilters.from_query(request.GET, operation)
    data = selectors.dashboard(
        user=request.user, operation=operation, filters=filters, language=(get_language() or "en")[:2]
    )
    if data is None:
        raise Http404("No dashboard for this user.")
    return JsonResponse(
        {
            "round": data["round"].number,
            "columns": ["code", "name", "lat", "lon", "people", "gap"],
            "sites": data["map_sites"],
        }
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Sites by code, name or alias in the user's scope; one match opens its page."""
    from sitetrack.sites.selectors import site_list

    operation = getattr(request, "operation", None)
    term = request.GET.get("q", "").strip()[:100]
    results = []
    if term and operation is not None and can(request.user, operation, "read"):
        found = site_list(user=request.user, operation=operation, q=term)
        exact = found.filter(code__iexact=term).first()
        results = list(found[: SEARCH_LIMIT + 1])
        if exact is not None or len(results) == 1:
            return redirect("sites:detail", code=(exact or results[0]).code)
    return render(
        request,
        "web/search.html",
        {"q": term, "results": results[:SEARCH_LIMIT], "more": len(results) > SEARCH_LIMIT},
    )


@login_required
def xlsform_download(request: HttpRequest, form: str) -> HttpResponse:
    """The XLSForm generated from this operation's catalogue and site registry, in English
    and French, to load into KoboToolbox or ODK Central (the same as `sitetrack xlsform`)."""
    from django.http import Http404

    from sitetrack.core.access import require
    from sitetrack.intake.xlsform.build import FORMS, form_for, xlsform_bytes

    operation = getattr(request, "operation", None)
    if operation is None:
        raise Http404("No operation.")
    require(request.user, operation, "import")
    if form not in FORMS:
        raise Http404("No such form.")
    response = HttpResponse(
        xlsform_bytes(form_for(operation, form), ["en", "fr"]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{operation.slug}-{form}.xlsx"'
    return response


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return render(request, template, {"status": status}, status=status)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "web/403.html", 403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "web/404.html", 404)


def error_500(request: HttpRequest) -> HttpResponse:
    """In the layout when it can be drawn; the database may be what failed, so fall back to
    the page without the operation's context rather than fail again."""
    try:
        return _error(request, "web/500.html", 500)
    except Exception:
        logger.exception("The 500 page could not be drawn with its context")
        return HttpResponseServerError(loader.get_template("web/500_plain.html").render({}))
