"""Pages of the profiles app: the monthly rounds, a round's profiles and its batch (start,
progress, ZIP), one site's profile (web page and PDF).

Access is the weekly report's: anyone who may read the operation reads the profiles of the
sites in their scope (a facilitator: their areas, through `access_site`); the batch of a
whole round (every site) is for those who may publish (IMOs, administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sitetrack.assessments.models import Round, RoundKind, SiteAssessment
from sitetrack.core.access import access_round_number, access_site, can, current_operation, scoped
from sitetrack.core.models import Operation
from sitetrack.profiles import services
from sitetrack.profiles.models import ProfileBatch
from sitetrack.profiles.rendering import profile_context, profile_filename, render_profile_pdf
from sitetrack.profiles.selectors import monthly_rounds, site_profile

LANGUAGES = ("en", "fr")


def _operation(request: HttpRequest, action: str = "read") -> Operation:
    return current_operation(request, action=action)


def _round(request: HttpRequest, operation: Operation, number: int, action: str = "read") -> Round:
    return access_round_number(request.user, operation, RoundKind.MONTHLY, number, action=action)


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or get_language() or "en"
    return lang[:2] if lang[:2] in LANGUAGES else "en"


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    operation = _operation(request)
    return render(request, "profiles/rounds.html", {"rounds": monthly_rounds(operation)})


@login_required
def round_page(request: HttpRequest, number: int) -> HttpResponse:
    operation = _operation(request)
    round = _round(request, operation, number)
    assessed = scoped(
        SiteAssessment.objects.validated().filter(round=round), request.user, operation, "site__"
    ).select_related("site")
    can_batch = can(request.user, operation, "publish")
    batches = list(ProfileBatch.objects.filter(round=round)[:10]) if can_batch else []
    return render(
        request,
        "profiles/round.html",
        {
            "round": round,
            "assessed": assessed.order_by("site__code"),
            "can_batch": can_batch,
            "batches": batches,
            "languages": LANGUAGES,
        },
    )


@login_required
@require_POST
def batch_start(request: HttpRequest, number: int) -> HttpResponse:
    operation = _operation(request, "publish")
    round = _round(request, operation, number, "publish")
    try:
        services.profile_batch_create(round=round, user=request.user, language=request.POST.get("lang", "en"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The profiles are being generated; progress is shown below."))
    return redirect("profiles:round", number=number)


def _batch(request: HttpRequest, number: int, pk: int) -> ProfileBatch:
    operation = _operation(request, "publish")
    round = _round(request, operation, number, "publish")
    batch = ProfileBatch.objects.filter(round=round, pk=pk).first()
    if batch is None:
        raise Http404(_("No such batch."))
    return batch


@login_required
def batch_status(request: HttpRequest, number: int, pk: int) -> JsonResponse:
    batch = _batch(request, number, pk)
    return JsonResponse(
        {
            "id": batch.pk,
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "total": batch.total,
            "done": batch.done,
            "failed": batch.failed,
            "percent": batch.percent,
            "finished": batch.finished,
            "errors": batch.errors,
            "error": batch.error,
            "workers": batch.workers,
            "download": reverse("profiles:batch-download", args=[number, batch.pk]) if batch.zip_file else "",
        }
    )


@login_required
def batch_download(request: HttpRequest, number: int, pk: int) -> FileResponse:
    batch = _batch(request, number, pk)
    if not batch.zip_file:
        raise Http404(_("This batch has no ZIP file yet."))
    name = services.zip_filename(batch.round, batch.language)
    return FileResponse(batch.zip_file.open("rb"), as_attachment=True, filename=name)


def _profile(request: HttpRequest, number: int, code: str, language: str):
    operation = _operation(request)
    round = _round(request, operation, number)
    site = access_site(request.user, operation, code)
    profile = site_profile(site, round, language=language)
    if profile is None:
        raise Http404(_("This site has no validated assessment in this round."))
    return round, site, profile


@login_required
def profile(request: HttpRequest, number: int, code: str) -> HttpResponse:
    round, site, profile = _profile(request, number, code, get_language() or "en")
    context = profile_context(profile)
    context |= {"round": round, "site": site, "languages": LANGUAGES}
    return render(request, "profiles/profile.html", context)


@login_required
def profile_pdf(request: HttpRequest, number: int, code: str) -> HttpResponse:
    _round_, _site, profile = _profile(request, number, code, _language(request))
    response = HttpResponse(render_profile_pdf(profile), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{profile_filename(profile)}"'
    return response
