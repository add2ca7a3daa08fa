"""Return intention pages: the report (suppressed, for every role of the operation), its
downloads, and the households interviewed (IMOs and administrators only). Thin: figures
come from report.py / selectors.py, objects from core.access."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET

from sitetrack.core.access import access_household_records, access_return_survey, current_operation, require
from sitetrack.returns.models import Survey
from sitetrack.returns.renderers import render_file
from sitetrack.returns.renderers.charts import report_charts
from sitetrack.returns.report import returns_report

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "hxl": "text/csv; charset=utf-8",
}


def _operation(request: HttpRequest):
    return current_operation(request)


def _language() -> str:
    return "fr" if (translation.get_language() or "en").startswith("fr") else "en"


@require_GET
@login_required
def report_view(request: HttpRequest, month: str | None = None) -> HttpResponse:
    operation = _operation(request)
    require(request.user, operation, "read")
    month = month or request.GET.get("month", "")
    surveys = list(Survey.objects.filter(operation=operation).order_by("-month"))
    if not month:
        if not surveys:
            return render(request, "returns/none.html", {})
        return redirect("returns:report", month=surveys[0].key)
    survey = access_return_survey(request.user, operation, month)
    report = returns_report(survey, language=_language())
    return render(
        request,
        "returns/report.html",
        {"report": report, "charts": report_charts(report), "surveys": surveys},
    )


@require_GET
@login_required
def download_view(request: HttpRequest, month: str, fmt: str) -> HttpResponse:
    operation = _operation(request)
    survey = access_return_survey(request.user, operation, month)
    if fmt not in CONTENT_TYPES:
        raise Http404("No such format.")
    name, content = render_file(returns_report(survey, language=_language()), fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@login_required
def households_view(request: HttpRequest, month: str) -> HttpResponse:
    operation = _operation(request)
    survey, households = access_household_records(request.user, operation, month)
    page = Paginator(households.select_related("site").order_by("site__code", "response_id"), 100).get_page(
        request.GET.get("page")
    )
    return render(request, "returns/households.html", {"survey": survey, "page_obj": page})
