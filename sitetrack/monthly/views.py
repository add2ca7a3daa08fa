"""The monthly report's pages: the month picker, the report of a month and its PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sitetrack.core.access import current_operation
from sitetrack.core.models import Operation
from sitetrack.monthly.renderers import file_name, render_pdf, report_context
from sitetrack.monthly.selectors import MonthWithoutData, monthly_report, months_with_data, parse_month

LANGUAGES = (("en", gettext_lazy("English")), ("fr", gettext_lazy("French")))


def _operation(request: HttpRequest) -> Operation:
    return current_operation(request, action="read")


def _language(request: HttpRequest) -> str:
    lang = (request.GET.get("lang") or get_language() or "en")[:2]
    return lang if lang in dict(LANGUAGES) else "en"


class _NoReport(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _report(operation: Operation, month: str, language: str):
    try:
        first = parse_month(month)
    except ValueError as exc:
        raise _NoReport(
            _("%(month)s is not a month: write it as YYYY-MM, e.g. 2014-02.") % {"month": month}
        ) from exc
    try:
        return monthly_report(operation, first, language=language)
    except MonthWithoutData as exc:
        known = ", ".join(m.strftime("%Y-%m") for m in exc.months) or _("none")
        raise _NoReport(
            _("No validated weekly round ends in %(month)s. Months with data: %(months)s.")
            % {"month": month, "months": known}
        ) from exc


def _not_found(request: HttpRequest, operation: Operation, message: str) -> HttpResponse:
    """The month picker with what went wrong, as a 404 (never a bare error page)."""
    months = months_with_data(operation)
    context = {"months": months, "current": months[0] if months else None, "error": message}
    return render(request, "monthly/home.html", context, status=404)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    operation = _operation(request)
    months = months_with_data(operation)
    chosen = request.GET.get("month", "").strip()
    if chosen:
        return redirect("monthly:report", month=chosen)
    return render(request, "monthly/home.html", {"months": months, "current": months[0] if months else None})


@login_required
def report(request: HttpRequest, month: str) -> HttpResponse:
    operation = _operation(request)
    try:
        monthly = _report(operation, month, (get_language() or "en")[:2])
    except _NoReport as exc:
        return _not_found(request, operation, exc.message)
    context = report_context(monthly)
    context |= {"months": months_with_data(operation), "current": monthly.month, "languages": LANGUAGES}
    return render(request, "monthly/report.html", context)


@login_required
def pdf(request: HttpRequest, month: str) -> HttpResponse:
    operation = _operation(request)
    try:
        monthly = _report(operation, month, _language(request))
    except _NoReport as exc:
        return _not_found(request, operation, exc.message)
    response = HttpResponse(render_pdf(monthly), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{file_name(monthly)}"'
    return response
