"""Pages for rounds and assessments: rounds list, round board, the assessment form (phone
friendly), the assessment page with the validation actions, and the catalogue page."""

from __future__ import annotations

from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from sitetrack.assessments import rules, services
from sitetrack.assessments.forms import (
    AssessmentForm,
    CatalogueNotesForm,
    FlowFormSet,
    ReturnForm,
    RoundForm,
    ThresholdFormSet,
    ValidationSettingsForm,
    indicator_field_name,
)
from sitetrack.assessments.models import (
    Round,
    SiteAssessment,
    ValidationSettings,
)
from sitetrack.assessments.selectors import (
    BOARD_STATES,
    annotate_gaps,
    flows_for,
    previous_round,
    round_board,
    round_totals,
    rounds_for,
)
from sitetrack.assessments.validation import validation_rules_for
from sitetrack.core.access import (
    access_assessment,
    access_round,
    access_site,
    can,
    current_operation,
    require,
)
from sitetrack.core.catalogue import catalogue_for, catalogue_for_version, catalogue_version_create
from sitetrack.core.models import CatalogueVersion, Operation
from sitetrack.core.pagecache import cached_page
from sitetrack.core.safe_yaml import load_user_yaml_mapping


def _round(request: HttpRequest, pk: int) -> Round:
    return access_round(request.user, current_operation(request), pk)


def _assessment(request: HttpRequest, pk: int) -> SiteAssessment:
    return access_assessment(request.user, current_operation(request), pk)


def _add_errors(form, error: ValidationError) -> None:
    """Service errors onto the form: indicator errors on their field, the rest non-field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        if name.startswith("indicators."):
            name = indicator_field_name(name.split(".", 1)[1])
        form.add_error(name if name in form.fields else None, errors)


# --- rounds -----------------------------------------------------------------------------------


@login_required
def rounds_view(request: HttpRequest) -> HttpResponse:
    operation = current_operation(request)
    require(request.user, operation, "read")
    may_manage = can(request.user, operation, "manage_rounds")
    form = RoundForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                created = services.round_create(operation=operation, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Round created: %(round)s") % {"round": created})
                return redirect("assessments:board", pk=created.pk)
    return render(
        request,
        "assessments/rounds.html",
        {"rounds": rounds_for(operation), "form": form, "may_manage": may_manage},
    )


BOARD_PAGE_SIZE = 100


class _Counted:
    """A queryset whose length is known already (the board's counts per state), so that
    the paginator does not count the 5,000-site join again."""

    def __init__(self, queryset, count: int) -> None:
        self.queryset, self._count = queryset, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


@login_required
@cached_page
def board_view(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    board = round_board(round, request.user)
    state = request.GET.get("state", "")
    sites = board["sites"].filter(state=state) if state in BOARD_STATES else board["sites"]
    # A national round lists 5,000 sites: a page of 100 (2 MB of HTML and 2 s of
    # rendering for the whole board).
    listed = board["counts"][state] if state in BOARD_STATES else board["total"]
    page = Paginator(_Counted(sites, listed), BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessments/board.html",
        {
            "round": round,
            "board": board,
            "sites": page,
            "page": page,
            "query": query.urlencode(),
            "state": state,
            "states": BOARD_STATES,
            # The totals of the sites listed below: a facilitator's scope, not the operation's.
            "totals": round_totals(round, request.user),
            "previous": previous_round(round),
            "may_manage": can(request.user, round.operation, "manage_rounds"),
            # The board's states in which this user may open the form to change figures.
            "editable_states": [
                s
                for s in BOARD_STATES
                if rules.may_edit(request.user, round.operation, round, None if s == "missing" else s)
            ],
        },
    )


@login_required
@require_POST
def round_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    try:
        services.round_close(round=round, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The round is closed and its assessments are locked."))
    return redirect("assessments:board", pk=round.pk)


# --- the assessment form ----------------------------------------------------------------------


@login_required
def assessment_form_view(request: HttpRequest, round_pk: int, code: str) -> HttpResponse:
    """Create or edit the site's assessment for the round. With `?correct=1`, an IMO
    corrects a submitted or validated one (a reason is required)."""
    round = _round(request, round_pk)
    site = access_site(request.user, round.operation, code, action="assess")
    assessment = SiteAssessment.objects.filter(round=round, site=site).first()
    correcting = bool(request.GET.get("correct")) and assessment is not None
    catalogue = _catalogue_of(assessment, round.operation)
    if request.method == "POST":
        form = AssessmentForm(request.POST, catalogue=catalogue)
        flow_set = FlowFormSet(request.POST, prefix=FLOWS_PREFIX)
        if form.is_valid() and flow_set.is_valid():
            try:
                saved = _save_from_form(request, form, flow_set, site, round, assessment, correcting)
            except ValidationError as error:
                _add_errors(form, error)
                assessment = SiteAssessment.objects.filter(round=round, site=site).first()
                if assessment is not None and not isinstance(error, services.EditConflict):
                    # A save may have gone through before the submit was refused: the page
                    # now shows that version. After a conflict it keeps the one the user had.
                    form.data = form.data.copy()
                    form.data["version"] = rules.version_of(assessment)
            else:
                return _after_save(request, saved)
    else:
        form = AssessmentForm(initial=AssessmentForm.initial_from(assessment), catalogue=catalogue)
        flow_set = FlowFormSet(initial=flows_for(assessment) if assessment else None, prefix=FLOWS_PREFIX)
    status = assessment.status if assessment else None
    editable = (
        rules.may_correct(request.user, round.operation, round, status)
        if correcting
        else rules.may_edit(request.user, round.operation, round, status)
    )
    return render(
        request,
        "assessments/assessment_form.html",
        {
            "round": round,
            "site": site,
            "assessment": assessment,
            "form": form,
            "flow_set": flow_set,
            "sections": _sections(form, assessment),
            "error_summary": _error_summary(form, flow_set),
            "correcting": correcting,
            "catalogue": catalogue,
            "editable": editable,
        },
    )


FLOWS_PREFIX = "flows"


def _catalogue_of(assessment: SiteAssessment | None, operation: Operation):
    """The catalogue the assessment was collected with (the current one for a new one)."""
    if assessment is not None and assessment.catalogue_version_id:
        return catalogue_for_version(assessment.catalogue_version, operation)
    return catalogue_for(operation)


def _save_from_form(request, form, flow_set, site, round, assessment, correcting) -> SiteAssessment:
    version = form.cleaned_data.get("version") or None
    if correcting:
        return services.assessment_correct(
            assessment=assessment,
            user=request.user,
            values=form.values(),
            flows=flow_set.flows(),
            reason=request.POST.get("correction_reason", ""),
            expected_version=version,
        )
    saved = services.assessment_save(
        site=site,
        round=round,
        user=request.user,
        values=form.values(),
        flows=flow_set.flows(),
        expected_version=version,
    )
    if "submit" in request.POST:
        saved = services.assessment_submit(assessment=saved, user=request.user)
    return saved


def _after_save(request: HttpRequest, saved: SiteAssessment) -> HttpResponse:
    if "submit" in request.POST:
        messages.success(request, _("Assessment submitted for validation."))
        return redirect("assessments:detail", pk=saved.pk)
    messages.success(
        request,
        _("Saved. %(errors)s, %(warnings)s.")
        % {
            "errors": ngettext("%(n)s error", "%(n)s errors", saved.error_count) % {"n": saved.error_count},
            "warnings": ngettext("%(n)s warning", "%(n)s warnings", saved.warning_count)
            % {"n": saved.warning_count},
        },
    )
    return redirect(request.get_full_path())


def _sections(form: AssessmentForm, assessment: SiteAssessment | None) -> list[tuple[str, list[dict]]]:
    """The form's sections, each field with the stored findings about it."""
    issues: dict[str, list[dict]] = {}
    for issue in assessment.issues if assessment else []:
        name = issue["field"]
        if name.startswith("indicators."):
            name = indicator_field_name(name.split(".", 1)[1])
        issues.setdefault(name if name in form.fields else "__all__", []).append(issue)
    return [
        (title, [{"field": form[name], "issues": issues.get(name, [])} for name in names])
        for title, names in form.sections()
    ]


def _error_summary(form: AssessmentForm, flow_set) -> list[dict[str, str]]:
    """Every error of the form and of the flows table, for the summary at the top: the
    field's label, the message and the anchor of the field."""
    if not form.is_bound:
        return []
    lines = [{"label": "", "message": str(m), "anchor": ""} for m in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        label = form.fields[name].label if name in form.fields else name
        lines += [{"label": str(label), "message": str(m), "anchor": f"f-{name}"} for m in errors]
    if flow_set.is_bound:
        lines += [{"label": "", "message": m, "anchor": "flows"} for m in flow_set.error_summary()]
    return lines


# --- the assessment page and its actions ------------------------------------------------------


def derived_rows(assessment: SiteAssessment) -> list[dict[str, Any]]:
    """Derived indicators and gaps of one assessment, computed by the SQL selectors against
    the catalogue version it was collected with (what the site page and the API show)."""
    catalogue = catalogue_for_version(assessment.catalogue_version, assessment.round.operation)
    row = annotate_gaps(SiteAssessment.objects.filter(pk=assessment.pk), catalogue).values()[0]
    return [
        {
            "indicator": d,
            "value": row.get(d.derived),
            "gap": row.get(f"{d.code}_gap") if d.has_threshold else None,
            "met": row.get(f"{d.code}_met") if d.has_threshold else None,
        }
        for d in catalogue.derived()
    ]


@login_required
def assessment_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    operation = assessment.round.operation
    catalogue = catalogue_for_version(assessment.catalogue_version, operation)
    indicator_values = [
        {"indicator": d, "value": assessment.indicators.get(d.code)}
        for d in catalogue.collected()
        if d.code in assessment.indicators
    ]
    may = rules.permissions(request.user, assessment.round, assessment)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "derived": derived_rows(assessment),
            "indicator_values": indicator_values,
            "flows": assessment.flows.select_related("area").order_by("pk"),
            "history": assessment.history.select_related("history_user").order_by("-history_date")[:20],
            "return_form": ReturnForm(),
            "may": may,
        },
    )


def _action(request: HttpRequest, pk: int, action) -> HttpResponse:
    assessment = _assessment(request, pk)
    try:
        action(assessment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("assessments:detail", pk=assessment.pk)


@login_required
@require_POST
def submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    def act(assessment):
        services.assessment_submit(
            assessment=assessment, user=request.user, warnings_comment=request.POST.get("warnings_comment")
        )
        messages.success(request, _("Assessment submitted for validation."))

    return _action(request, pk, act)


@login_required
@require_POST
def validate_view(request: HttpRequest, pk: int) -> HttpResponse:
    def act(assessment):
        services.assessment_validate(
            assessment=assessment, user=request.user, warnings_comment=request.POST.get("warnings_comment")
        )
        messages.success(request, _("Assessment validated."))

    return _action(request, pk, act)


@login_required
@require_POST
def return_view(request: HttpRequest, pk: int) -> HttpResponse:
    def act(assessment):
        services.assessment_return(
            assessment=assessment, user=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Assessment returned to the facilitator."))

    return _action(request, pk, act)


# --- catalogue ---------------------------------------------------------------------------------


@login_required
def catalogue_view(request: HttpRequest) -> HttpResponse:
    """The operation's indicator catalogue; IMOs adjust thresholds or add indicators, which
    writes a new catalogue version (assessments keep the version they were collected with)."""
    operation = current_operation(request)
    require(request.user, operation, "read")
    catalogue = catalogue_for(operation)
    may_manage = can(request.user, operation, "manage_catalogue")
    initial = [
        {
            "code": d.code,
            "threshold": d.threshold,
            "threshold_direction": d.threshold_direction,
            "threshold_source": d.threshold_source,
        }
        for d in catalogue.derived()
    ]
    settings_obj = ValidationSettings.objects.filter(operation=operation).first() or ValidationSettings(
        operation=operation
    )
    thresholds = ThresholdFormSet(initial=initial, prefix="t")
    notes_form = CatalogueNotesForm()
    settings_form = ValidationSettingsForm(instance=settings_obj)
    yaml_text = ""
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if "save_settings" in request.POST:
            settings_form = ValidationSettingsForm(request.POST, instance=settings_obj)
            if settings_form.is_valid():
                services.validation_settings_update(
                    operation=operation, user=request.user, **settings_form.cleaned_data
                )
                messages.success(request, _("Validation settings saved."))
                return redirect("assessments:catalogue")
        else:
            thresholds = ThresholdFormSet(request.POST, initial=initial, prefix="t")
            notes_form = CatalogueNotesForm(request.POST)
            yaml_text = request.POST.get("changes_yaml", "")
            changes, problem = _changes_from(thresholds, catalogue, yaml_text)
            if problem:
                notes_form.add_error(None, problem)
            elif notes_form.is_valid() and changes:
                try:
                    version = catalogue_version_create(
                        operation=operation,
                        user=request.user,
                        changes=changes,
                        notes=notes_form.cleaned_data["notes"],
                    )
                except ValidationError as error:
                    for name, errors in error.message_dict.items():
                        notes_form.add_error(None, [f"{name}: {e}" for e in errors])
                else:
                    messages.success(request, _("New catalogue version: %(version)s") % {"version": version})
                    return redirect("assessments:catalogue")
            elif not changes:
                notes_form.add_error(None, _("Nothing changed."))
    rows = list(zip(catalogue.derived(), thresholds.forms, strict=False))
    return render(
        request,
        "assessments/catalogue.html",
        {
            "catalogue": catalogue,
            "collected": catalogue.collected(),
            "rows": rows,
            "thresholds": thresholds,
            "notes_form": notes_form,
            "settings_form": settings_form,
            "rules": validation_rules_for(operation),
            "yaml_text": yaml_text,
            "may_manage": may_manage,
            "versions": CatalogueVersion.objects.filter(operation=operation).order_by("-number"),
        },
    )


def _changes_from(thresholds, catalogue, yaml_text: str) -> tuple[dict, str | None]:
    changes: dict[str, Any] = {}
    if not thresholds.is_valid():
        return {}, _("Check the thresholds.")
    for data in thresholds.cleaned_data:
        definition = catalogue.get(data.get("code", ""))
        if definition is None:
            continue
        update = {}
        if data["threshold"] != definition.threshold:
            update["threshold"] = data["threshold"]
        if (data["threshold_direction"] or "") != definition.threshold_direction:
            update["threshold_direction"] = data["threshold_direction"]
        if (data["threshold_source"] or "") != definition.threshold_source:
            update["threshold_source"] = data["threshold_source"]
        if update:
            changes[definition.code] = update
    if yaml_text.strip():
        try:
            extra = load_user_yaml_mapping(yaml_text)
        except yaml.YAMLError as error:
            return {}, _("The YAML could not be read: %(error)s") % {"error": error}
        changes.update(extra)
    return changes, None
