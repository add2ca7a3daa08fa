"""The master-list upload on the web: upload → mapping step (the file's columns with
sample values, a field chosen per column, remembered per operation) → check or import."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sitetrack.core.models import Operation
from sitetrack.core.tabular import TabularError, normalise, read_table
from sitetrack.sites.forms import SitesImportForm
from sitetrack.sites.master_list import FIELD_LABELS, site_fields
from sitetrack.sites.models import SiteImportMapping, SiteType
from sitetrack.sites.services import site_import_mapping_save, sites_import
from sitetrack.sites.uploads import discard_upload, stage_upload, staged_upload

TEMPLATE = "sites/sites_import.html"
MAPPING_TEMPLATE = "sites/sites_import_mapping.html"


def sites_import_page(request: HttpRequest, operation: Operation) -> HttpResponse:
    if request.method == "POST" and request.POST.get("stage") == "map":
        return _run(request, operation)
    form = SitesImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = stage_upload(request, form.cleaned_data["file"])
        return _mapping_page(request, operation, token, sheet=form.cleaned_data["sheet"] or None)
    return render(request, TEMPLATE, {"form": form})


def _upload_page(request: HttpRequest, error: str) -> HttpResponse:
    return render(request, TEMPLATE, {"form": SitesImportForm(), "upload_error": error})


def _saved(operation: Operation) -> SiteImportMapping | None:
    return SiteImportMapping.objects.filter(operation=operation).first()


def _mapping_page(
    request: HttpRequest,
    operation: Operation,
    token: str,
    *,
    sheet: str | None,
    chosen: dict[int, str] | None = None,
    defaults: dict[str, str] | None = None,
    report=None,
) -> HttpResponse:
    staged = staged_upload(request, token)
    if staged is None:
        return _upload_page(request, _("The uploaded file is no longer here; upload it again."))
    path, name = staged
    fields = site_fields(operation.language_codes)
    saved = _saved(operation)
    try:
        table = read_table(path, fields=fields, filename=name, sheet=sheet)
    except TabularError as exc:
        discard_upload(request, token)
        return _upload_page(request, str(exc.problem))
    by_column = {index: field for field, index in table.mapping.items()}
    if saved is not None and chosen is None:
        for index, header in enumerate(table.header):
            remembered = saved.columns.get(normalise(header)) if header else None
            if remembered is not None:
                by_column = {i: f for i, f in by_column.items() if f != remembered or not remembered}
                by_column[index] = remembered
    if chosen is not None:
        by_column = chosen
    width = max([len(table.header), *(len(r.cells) for r in table.rows[:50])])
    columns = [
        {
            "index": i,
            "header": table.column_label(i),
            "samples": table.samples(i),
            "field": by_column.get(i, ""),
        }
        for i in range(width)
    ]
    defaults = defaults if defaults is not None else dict(saved.defaults if saved else {})
    context = {
        "token": token,
        "file": name,
        "table": table,
        "columns": columns,
        "field_choices": [(f.name, f.shown()) for f in fields],
        "sheets": table.sheets_seen if len(table.sheets_seen) > 1 else [],
        "site_types": SiteType.choices,
        "default_site_type": defaults.get("site_type", ""),
        "report": report,
    }
    return render(request, MAPPING_TEMPLATE, context)


def _run(request: HttpRequest, operation: Operation) -> HttpResponse:
    token = request.POST.get("token", "")
    sheet = request.POST.get("sheet") or None
    staged = staged_upload(request, token)
    chosen: dict[int, str] = {}
    headers: dict[int, str] = {}
    for key, value in request.POST.items():
        if key.startswith("col_") and key[4:].isdigit():
            index = int(key[4:])
            headers[index] = request.POST.get(f"header_{index}", "")
            if value in FIELD_LABELS or value.startswith("name_"):
                chosen[index] = value
    defaults = (
        {"site_type": request.POST["default_site_type"]} if request.POST.get("default_site_type") else {}
    )
    if staged is None or request.POST.get("action") == "reread":
        return _mapping_page(request, operation, token, sheet=sheet, defaults=defaults)
    path, name = staged
    mapping = {field.name: "" for field in site_fields(operation.language_codes)}
    mapping.update({field: headers[index] for index, field in chosen.items() if headers.get(index)})
    dry_run = request.POST.get("action") != "import"
    report = sites_import(
        operation=operation,
        user=request.user,
        path=str(path),
        mapping=mapping,
        defaults=defaults,
        sheet=sheet,
        dry_run=dry_run,
        filename=name,
    )
    site_import_mapping_save(
        operation=operation,
        user=request.user,
        columns={normalise(headers[i]): chosen.get(i, "") for i in headers if headers[i]},
        defaults=defaults,
    )
    if report.ok and not dry_run:
        discard_upload(request, token)
        messages.success(request, report.summary())
        return render(request, TEMPLATE, {"form": SitesImportForm(), "report": report})
    return _mapping_page(
        request, operation, token, sheet=sheet, chosen=chosen, defaults=defaults, report=report
    )
