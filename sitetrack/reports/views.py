"""Pages of the reports app: the list of rounds, the weekly report and its downloads,
publishing, and the subscribers of the operation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sitetrack.assessments.models import AssessmentStatus, Round, RoundKind
from sitetrack.core.access import access_round_number, access_subscription, can, current_operation
from sitetrack.core.models import Operation
from sitetrack.core.sectors import Sector
from sitetrack.reports import services
from sitetrack.reports.files import FORMAT_LABELS, FORMATS, render_file
from sitetrack.reports.forms import SubscriptionForm
from sitetrack.reports.models import SendLog, Subscription
from sitetrack.reports.renderers.html import report_context
from sitetrack.reports.selectors import weekly_report, weekly_rounds

LANGUAGES = ("en", "fr")


def _operation(request: HttpRequest, action: str = "read") -> Operation:
    return current_operation(request, action=action)


def _round(request: HttpRequest, operation: Operation, number: int) -> Round:
    return access_round_number(request.user, operation, RoundKind.WEEKLY, number)


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or get_language() or "en"
    return lang[:2] if lang[:2] in LANGUAGES else "en"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    operation = _operation(request)
    validated = Q(assessments__was_validated=True) & Q(
        assessments__status__in=[AssessmentStatus.VALIDATED, AssessmentStatus.LOCKED]
    )
    rounds = weekly_rounds(operation).annotate(validated=Count("assessments", filter=validated))
    return render(
        request,
        "reports/home.html",
        {
            "rounds": rounds,
            "can_publish": can(request.user, operation, "publish"),
            "subscriptions": Subscription.objects.filter(operation=operation).active().count(),
        },
    )


@login_required
def weekly(request: HttpRequest, number: int) -> HttpResponse:
    operation = _operation(request)
    round = _round(request, operation, number)
    report = weekly_report(round, language=get_language() or "en")
    context = report_context(report)
    can_publish = can(request.user, operation, "publish")
    context |= {
        "formats": [(fmt, FORMAT_LABELS[fmt]) for fmt in FORMATS],
        "languages": LANGUAGES,
        "sector_choices": Sector.choices,
        "can_publish": can_publish,
        "send_logs": SendLog.objects.filter(round=round).select_related("subscription")[:200]
        if can_publish
        else [],
    }
    return render(request, "reports/weekly.html", context)


@login_required
def download(request: HttpRequest, number: int, fmt: str) -> HttpResponse:
    operation = _operation(request)
    if fmt not in FORMATS:
        raise Http404(_("Unknown format."))
    round = _round(request, operation, number)
    sector = request.GET.get("sector", "")
    if sector and sector not in Sector.values:
        raise Http404(_("Unknown sector."))
    report = weekly_report(round, language=_language(request))
    file = render_file(report, fmt, sector=sector)
    response = HttpResponse(file.content, content_type=file.content_type)
    disposition = "inline" if fmt in ("pdf", "html") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{file.name}"'
    return response


@login_required
@require_POST
def publish(request: HttpRequest, number: int) -> HttpResponse:
    operation = _operation(request, "publish")
    round = _round(request, operation, number)
    resend = request.POST.get("resend") == "1"
    many = Subscription.objects.filter(operation=operation).active().count() > services.BACKGROUND_FROM
    try:
        result = services.round_publish(round=round, user=request.user, resend=resend, background=many)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reports:weekly", number=number)
    if result.queued:
        messages.success(request, _("Round published; the emails are being sent in the background."))
    else:
        messages.success(
            request,
            ngettext(
                "Round published: %(sent)d email sent, %(failed)d failed, %(skipped)d already sent before.",
                "Round published: %(sent)d emails sent, %(failed)d failed, %(skipped)d already sent before.",
                len(result.sent),
            )
            % {"sent": len(result.sent), "failed": len(result.failed), "skipped": result.skipped},
        )
    return redirect("reports:weekly", number=number)


@login_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    operation = _operation(request, "publish")
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_create(operation=operation, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Subscription added."))
            return redirect("reports:subscriptions")
    return render(
        request,
        "reports/subscriptions.html",
        {
            "form": form,
            "subscriptions": Subscription.objects.filter(operation=operation).select_related("organisation"),
        },
    )


@login_required
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    operation = _operation(request, "publish")
    subscription = access_subscription(request.user, operation, pk)
    form = SubscriptionForm(request.POST or None, instance=subscription)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(subscription=subscription, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Subscription saved."))
            return redirect("reports:subscriptions")
    return render(request, "reports/subscription_edit.html", {"form": form, "subscription": subscription})
