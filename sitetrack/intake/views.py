"""Intake pages: upload an export, follow its import (progress bar, summary, cleaning
log), choose between held duplicates, edit field mappings. Thin: the work is in services."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sitetrack.assessments.models import SiteAssessment
from sitetrack.core.access import (
    access_duplicate_hold,
    access_import_run,
    access_mapping,
    current_operation,
    require,
)
from sitetrack.core.catalogue import catalogue_for
from sitetrack.core.models import Operation
from sitetrack.intake.cleaning_log import write_cleaning_log
from sitetrack.intake.forms import ImportForm, MappingEditForm, MappingUploadForm
from sitetrack.intake.importer.new_sites import propose_sites_in_file
from sitetrack.intake.mapping import (
    FLOW_TARGETS,
    LOCATION_TARGETS,
    OTHER_TARGETS,
    SCALAR_TARGETS,
    mapping_to_dict,
    read_mapping_upload,
)
from sitetrack.intake.models import DuplicateHold, FieldMapping, HoldStatus, ImportRun, ImportStatus
from sitetrack.intake.readers import IntakeFileError
from sitetrack.intake.selectors import cleaning_log_by_rule, run_status
from sitetrack.intake.services import (
    duplicate_hold_resolve,
    field_mapping_install_shipped,
    field_mapping_save,
    import_run_enqueue,
    import_upload,
)
from sitetrack.intake.services.new_sites import sites_create_from_export

LOG_PAGE = 200


def _run(request: HttpRequest, pk: int) -> ImportRun:
    return access_import_run(request.user, current_operation(request), pk)


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{k}: {m}" if k != "__all__" else str(m) for k, v in exc.message_dict.items() for m in v]
    return [str(m) for m in exc.messages]


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    operation = current_operation(request)
    require(request.user, operation, "import")
    form = ImportForm(request.POST or None, request.FILES or None, operation=operation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = import_upload(
                operation=operation,
                round=data["round"],
                user=request.user,
                upload=data["file"],
                form=data["form"],
                mapping=data["mapping"],
                all_or_nothing=data["all_or_nothing"],
                sheet=data["sheet"],
                enqueue=not data["create_sites"],
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            if data["create_sites"]:
                return redirect("intake:run-new-sites", pk=run.pk)
            return redirect("intake:run", pk=run.pk)
    runs = ImportRun.objects.filter(operation=operation).select_related("round", "created_by")[:20]
    holds = DuplicateHold.objects.filter(operation=operation, status=HoldStatus.OPEN).count()
    return render(request, "intake/home.html", {"form": form, "runs": runs, "open_holds": holds})


@login_required
def run_new_sites_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview of the sites an uploaded export names that the registry lacks: the
    IMO creates them and imports, or imports without them."""
    run = _run(request, pk)
    if run.status != ImportStatus.QUEUED or run.task_id or not run.file_path:
        return redirect("intake:run", pk=run.pk)
    try:
        proposals = propose_sites_in_file(
            operation=run.operation,
            path=run.file_path,
            file_name=run.file_name,
            mapping=run.mapping,
            sheet=run.sheet,
        )
    except IntakeFileError:
        proposals = []  # the import itself will say what is wrong with the file
    if request.method == "POST":
        if "create" in request.POST:
            try:
                created = sites_create_from_export(
                    operation=run.operation, user=request.user, proposals=proposals
                )
            except ValidationError as exc:
                for message in _errors(exc):
                    messages.error(request, message)
                return redirect("intake:run-new-sites", pk=run.pk)
            messages.success(request, _("%(n)s sites created.") % {"n": len(created)})
            for p in proposals:
                if p.point_refused:
                    messages.warning(
                        request,
                        _("%(site)s was created without its GPS point: %(why)s")
                        % {"site": p.code or p.name, "why": p.point_refused},
                    )
        import_run_enqueue(run=run)
        return redirect("intake:run", pk=run.pk)
    creatable = [p for p in proposals if not p.problem]
    return render(
        request, "intake/new_sites.html", {"run": run, "proposals": proposals, "creatable": creatable}
    )


@login_required
def run_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    paginator = Paginator(run.log.order_by("id"), LOG_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "intake/run.html",
        {
            "run": run,
            "status": run_status(run),
            "page": page,
            "log_count": paginator.count,
            "by_rule": cleaning_log_by_rule(run),
        },
    )


@login_required
def run_status_view(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(run_status(_run(request, pk)))


@login_required
def run_log_view(request: HttpRequest, pk: int) -> FileResponse:
    run = _run(request, pk)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", prefix="cleaning-log-")  # noqa: SIM115
    write_cleaning_log(run, handle.name)
    handle.seek(0)
    stem = Path(run.file_name).stem or "import"
    return FileResponse(handle, as_attachment=True, filename=f"cleaning-log-{stem}-{run.pk}.xlsx")


# --- held duplicates ------------------------------------------------------------------------------

HOLD_FIELDS = ("visit_date", "households", "individuals", "priority_1", "priority_2", "priority_3")


@login_required
def holds_view(request: HttpRequest) -> HttpResponse:
    operation = current_operation(request)
    require(request.user, operation, "validate")
    holds = list(
        DuplicateHold.objects.filter(operation=operation, status=HoldStatus.OPEN)
        .select_related("site", "round", "run")
        .order_by("round", "site__code", "id")[:200]
    )
    current = {
        (a.round_id, a.site_id): a
        for a in SiteAssessment.objects.filter(
            round__in={h.round_id for h in holds}, site__in={h.site_id for h in holds}
        )
    }
    rows = []
    for hold in holds:
        existing = current.get((hold.round_id, hold.site_id))
        values = hold.values.get("values") or {}
        rows.append(
            {
                "hold": hold,
                "existing": existing,
                "pairs": [
                    (name, getattr(existing, name, None) if existing else None, values.get(name))
                    for name in HOLD_FIELDS
                ],
            }
        )
    return render(request, "intake/holds.html", {"rows": rows, "fields": HOLD_FIELDS})


@login_required
@require_POST
def hold_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    operation = current_operation(request)
    hold = access_duplicate_hold(request.user, operation, pk)
    choice = request.POST.get("choice")
    if choice not in ("keep", "take"):
        messages.error(request, _("Choose which submission wins."))
        return redirect("intake:holds")
    try:
        duplicate_hold_resolve(hold=hold, user=request.user, take_new=choice == "take")
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Duplicate %(uuid)s resolved.") % {"uuid": hold.uuid})
    return redirect("intake:holds")


# --- mappings -------------------------------------------------------------------------------------


def _targets(operation: Operation) -> list[str]:
    codes = sorted(catalogue_for(operation).indicators)
    return [
        *LOCATION_TARGETS,
        *SCALAR_TARGETS,
        *OTHER_TARGETS,
        *FLOW_TARGETS,
        *(f"indicator:{c}" for c in codes),
    ]


@login_required
def mappings_view(request: HttpRequest) -> HttpResponse:
    operation = current_operation(request)
    require(request.user, operation, "import")
    upload = MappingUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "install" in request.POST:
        field_mapping_install_shipped(operation=operation, user=request.user)
        messages.success(request, _("The mappings shipped with SiteTrack are installed."))
        return redirect("intake:mappings")
    if request.method == "POST" and upload.is_valid():
        file = upload.cleaned_data["file"]
        try:
            data = read_mapping_upload(file.read(), filename=file.name)
            mapping = field_mapping_save(operation=operation, user=request.user, data=data)
        except ValidationError as exc:
            for message in _errors(exc):
                upload.add_error(None, message)
        else:
            messages.success(request, _("Mapping %(name)s saved.") % {"name": mapping.name})
            return redirect("intake:mapping", pk=mapping.pk)
    mappings = FieldMapping.objects.filter(operation=operation)
    return render(request, "intake/mappings.html", {"mappings": mappings, "upload": upload})


@login_required
def mapping_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Edit a mapping's field → target pairs (pk None: a new mapping)."""
    operation = current_operation(request)
    require(request.user, operation, "import")
    mapping = access_mapping(request.user, operation, pk) if pk else None
    initial = {}
    pairs: list[tuple[str, str, str]] = []
    if mapping is not None:
        initial = {
            "name": mapping.name,
            "description": mapping.description,
            "form_id": mapping.form_id,
            "repeats": "\n".join(f"{k} = {v}" for k, v in mapping.repeats.items()),
        }
        for source, spec in mapping.fields.items():
            if isinstance(spec, dict):
                values = ", ".join(f"{k}={v}" for k, v in (spec.get("values") or {}).items())
                pairs.append((source, spec.get("target", ""), values))
            else:
                pairs.append((source, spec, ""))
    form = MappingEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        sources = request.POST.getlist("source")
        targets = request.POST.getlist("target")
        value_texts = request.POST.getlist("values")
        pairs = list(zip(sources, targets, value_texts + [""] * len(sources), strict=False))
        if form.is_valid():
            fields: dict = {}
            for source, target, values in pairs:
                source, target = source.strip(), target.strip()
                if not source or not target:
                    continue
                table = {}
                for item in values.split(","):
                    if "=" in item:
                        k, v = item.split("=", 1)
                        table[k.strip()] = v.strip()
                fields[source] = {"target": target, "values": table} if table else target
            repeats = {}
            for line in form.cleaned_data["repeats"].splitlines():
                if "=" in line:
                    k, v = line.split("=", 1)
                    repeats[k.strip()] = v.strip()
            data = {**form.cleaned_data, "fields": fields, "repeats": repeats}
            try:
                mapping = field_mapping_save(
                    operation=operation, user=request.user, data=data, mapping=mapping
                )
            except ValidationError as exc:
                for message in _errors(exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Mapping %(name)s saved.") % {"name": mapping.name})
                return redirect("intake:mapping", pk=mapping.pk)
    pairs = pairs + [("", "", "")] * 5
    return render(
        request,
        "intake/mapping_edit.html",
        {"form": form, "mapping": mapping, "pairs": pairs, "targets": _targets(operation)},
    )


@login_required
def mapping_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    operation = current_operation(request)
    require(request.user, operation, "import")
    mapping = access_mapping(request.user, operation, pk)
    data = mapping_to_dict(mapping)
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{mapping.name}.json"'
        return response
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{mapping.name}.yaml"'
    return response
