"""The 3W upload page: an IMO imports a 3W file (our template or a published OCHA 3W)
through the browser with the review step of `sitetrack import-activities`: the file is
first checked (a dry run: what would be created, matched, refused, with every problem
named by file, sheet, row, column, value and rule), and imported only when the IMO
confirms. The checked file waits in MEDIA_ROOT/response-imports/ under a random token kept
in the session; it is deleted once imported."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sitetrack.response.access import require_response
from sitetrack.response.threew.importer import PUBLISHED, import_activities
from sitetrack.response.views import current_operation

EXTENSIONS = (".csv", ".xlsx")
SESSION_KEY = "response_3w_uploads"
SHOWN_PROBLEMS = 200
TOKEN = re.compile(r"^[0-9a-f]{32}$")


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("3W file (CSV or XLSX)"))
    sheet = forms.CharField(label=gettext_lazy("Sheet (optional)"), required=False, max_length=100)
    period = forms.CharField(
        label=gettext_lazy("Month of the reached figures (YYYY-MM, optional)"), required=False, max_length=7
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("“%(name)s” is not a CSV or XLSX file.") % {"name": upload.name})
        return upload


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "response-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _context(report, **extra) -> dict:
    return {
        "report": report,
        "published": report.kind == PUBLISHED,
        "problems": report.problems[:SHOWN_PROBLEMS],
        "more_problems": max(0, len(report.problems) - SHOWN_PROBLEMS),
        "matched": sorted(report.organisations_matched.items()),
        **extra,
    }


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    operation = current_operation(request)
    require_response(request.user, operation, "manage_response")
    uploads = request.session.get(SESSION_KEY, {})
    token = request.POST.get("token", "")
    if request.method == "POST" and token:
        entry = uploads.get(token) if TOKEN.match(token) else None
        if entry is None or entry["operation"] != operation.pk:
            form = UploadForm()
            return render(
                request,
                "response/import.html",
                {"form": form, "stale": _("This check has expired: upload the file again.")},
            )
        path = _folder() / f"{token}{entry['suffix']}"
        report = import_activities(
            path,
            operation=operation,
            user=request.user,
            sheet=entry["sheet"] or None,
            period=entry["period"] or None,
            filename=entry["filename"],
        )
        path.unlink(missing_ok=True)
        uploads.pop(token, None)
        request.session[SESSION_KEY] = uploads
        return render(request, "response/import.html", _context(report, done=True))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = uuid.uuid4().hex
        suffix = Path(upload.name).suffix.lower()
        path = _folder() / f"{token}{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        sheet, period = form.cleaned_data["sheet"].strip(), form.cleaned_data["period"].strip()
        report = import_activities(
            path,
            operation=operation,
            sheet=sheet or None,
            period=period or None,
            dry_run=True,
            filename=upload.name,
        )
        if report.ok and (report.created or report.updated or report.months):
            uploads[token] = {
                "operation": operation.pk,
                "filename": upload.name,
                "suffix": suffix,
                "sheet": sheet,
                "period": period,
            }
            request.session[SESSION_KEY] = uploads
        else:
            path.unlink(missing_ok=True)
            token = ""
        return render(request, "response/import.html", _context(report, form=UploadForm(), token=token))
    return render(request, "response/import.html", {"form": form})
