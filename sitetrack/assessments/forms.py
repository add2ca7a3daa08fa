"""Forms for rounds, the assessment (built from the indicator catalogue), catalogue
adjustments and validation settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sitetrack.assessments.models import (
    AGE_BANDS,
    NEED_FIELDS,
    SHELTER_FIELDS,
    VULNERABLE_FIELDS,
    FlowDirection,
    RoundKind,
    SiteAssessment,
    ValidationSettings,
    VisitMethod,
)
from sitetrack.assessments.rules import version_of
from sitetrack.core.catalogue import CatalogueIndex, IndicatorDef
from sitetrack.core.models import IndicatorType, ThresholdDirection
from sitetrack.core.sectors import Sector

SEVERITY_CHOICES = [
    ("", "—"),
    (1, _("1 — none or minimal")),
    (2, _("2 — stressed")),
    (3, _("3 — severe")),
    (4, _("4 — extreme")),
    (5, _("5 — catastrophic")),
]
SECTOR_CHOICES = [("", "—"), *Sector.choices]
YES_NO_CHOICES = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RoundKind.choices)
    period_start = forms.DateField(label=_("Period start"), widget=DateInput)
    period_end = forms.DateField(label=_("Period end"), widget=DateInput)
    number = forms.IntegerField(
        label=_("Number"), min_value=1, required=False, help_text=_("Leave empty for the next number.")
    )


def _count(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )


def indicator_field_name(code: str) -> str:
    return f"ind_{code}"


def _indicator_field(definition: IndicatorDef) -> forms.Field:
    common: dict[str, Any] = {"label": definition.label, "required": False, "help_text": definition.guidance}
    if definition.type == IndicatorType.INTEGER:
        return forms.IntegerField(
            min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"}), **common
        )
    if definition.type == IndicatorType.DECIMAL:
        return forms.DecimalField(
            min_value=0, widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}), **common
        )
    if definition.type == IndicatorType.YES_NO:
        return forms.ChoiceField(choices=YES_NO_CHOICES, **common)
    choices = [(c["name"], definition.choice_label(c["name"])) for c in definition.choices]
    if definition.type == IndicatorType.SELECT_ONE:
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if definition.type == IndicatorType.SELECT_MULTIPLE:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    return forms.CharField(**common)


class AssessmentForm(forms.Form):
    """Every section of a site assessment; indicator fields come from the catalogue."""

    visit_date = forms.DateField(label=_("Visit date"), required=False, widget=DateInput)
    method = forms.ChoiceField(label=_("Method"), required=False, choices=[("", "—"), *VisitMethod.choices])
    observations = forms.CharField(
        label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    warnings_comment = forms.CharField(
        label=_("Comment on warnings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to submit when there are warnings: explain what you checked."),
    )
    # The version of the assessment the user opened (rules.version_of): a save over a
    # newer one is refused instead of silently overwriting someone else's changes.
    version = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, catalogue: CatalogueIndex, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        model_fields = {f.name: f for f in SiteAssessment._meta.get_fields() if hasattr(f, "verbose_name")}
        for name in ("households", "individuals"):
            self.fields[name] = _count(model_fields[name].verbose_name.capitalize())
        for sex in ("f", "m"):
            for band in AGE_BANDS:
                name = f"{sex}_{band}"
                self.fields[name] = _count(model_fields[name].verbose_name.capitalize())
        for name in ("arrivals", "departures", *VULNERABLE_FIELDS, *SHELTER_FIELDS):
            self.fields[name] = _count(model_fields[name].verbose_name.capitalize())
        for sector, name in NEED_FIELDS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=Sector(sector).label,
                required=False,
                choices=SEVERITY_CHOICES,
                coerce=int,
                empty_value=None,
            )
        for name in ("priority_1", "priority_2", "priority_3"):
            self.fields[name] = forms.ChoiceField(
                label=model_fields[name].verbose_name.capitalize(), required=False, choices=SECTOR_CHOICES
            )
        for definition in catalogue.collected():
            self.fields[indicator_field_name(definition.code)] = _indicator_field(definition)
        self.indicator_defs = {indicator_field_name(d.code): d for d in catalogue.collected()}

    @staticmethod
    def initial_from(assessment: SiteAssessment | None) -> dict[str, Any]:
        if assessment is None:
            return {}
        initial: dict[str, Any] = {}
        for name in (
            "households",
            "individuals",
            *[f"{s}_{b}" for s in ("f", "m") for b in AGE_BANDS],
            "arrivals",
            "departures",
            *VULNERABLE_FIELDS,
            *SHELTER_FIELDS,
            *NEED_FIELDS.values(),
            "priority_1",
            "priority_2",
            "priority_3",
            "visit_date",
            "method",
            "observations",
            "warnings_comment",
        ):
            initial[name] = getattr(assessment, name)
        for code, value in (assessment.indicators or {}).items():
            if isinstance(value, bool):
                value = "yes" if value else "no"
            initial[indicator_field_name(code)] = value
        initial["version"] = version_of(assessment)
        return initial

    def values(self) -> dict[str, Any]:
        """The service's `values` dict from cleaned data."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        indicators: dict[str, Any] = {}
        for name, definition in self.indicator_defs.items():
            value = data.pop(name, None)
            if value in (None, "", []):
                continue
            if definition.type == IndicatorType.YES_NO:
                value = value == "yes"
            elif definition.type == IndicatorType.DECIMAL:
                value = float(value)
            indicators[definition.code] = value
        data["indicators"] = indicators
        return data

    def sections(self) -> list[tuple[str, list[str]]]:
        """Field names per section, in the order of the form."""
        sadd = [f"{s}_{b}" for s in ("f", "m") for b in AGE_BANDS]
        by_sector: dict[str, list[str]] = {}
        for name, definition in self.indicator_defs.items():
            by_sector.setdefault(definition.sector, []).append(name)
        indicator_names = [n for sector in Sector.values for n in by_sector.get(sector, [])]
        return [
            (str(_("Visit")), ["visit_date", "method"]),
            (str(_("Population")), ["households", "individuals"]),
            (str(_("Sex and age")), sadd),
            (str(_("Arrivals and departures since last round")), ["arrivals", "departures"]),
            (str(_("Vulnerable groups")), list(VULNERABLE_FIELDS)),
            (str(_("Shelter (households)")), list(SHELTER_FIELDS)),
            (str(_("Needs per sector (severity 1–5)")), list(NEED_FIELDS.values())),
            (str(_("Priority needs")), ["priority_1", "priority_2", "priority_3"]),
            (str(_("Service indicators")), indicator_names),
            (str(_("Observations")), ["observations", "warnings_comment"]),
        ]


class FlowForm(forms.Form):
    """One row of "arrivals and departures by area". A row is filled once it has an area,
    a number of individuals or a reason: the direction alone (a browser always sends one
    for a select) does not make a blank row count."""

    direction = forms.ChoiceField(label=_("Direction"), choices=[("", "—"), *FlowDirection.choices])
    area = forms.CharField(label=_("Area (P-code)"), required=False, max_length=20)
    individuals = forms.IntegerField(
        label=_("Individuals"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=40)

    FILLING_FIELDS = ("area", "individuals", "reason")

    def has_changed(self) -> bool:
        return any(name in self.changed_data for name in self.FILLING_FIELDS)

    def flow(self) -> dict[str, Any] | None:
        """The row as the service's flow dict; None for a blank or deleted row."""
        data = getattr(self, "cleaned_data", None)
        if not data or data.get("DELETE"):
            return None
        return {k: v for k, v in data.items() if k != "DELETE"}


class BaseFlowFormSet(forms.BaseFormSet):
    def flows(self) -> list[dict[str, Any]]:
        """The filled rows, in order, as flow dicts (call after is_valid())."""
        return [flow for flow in (f.flow() for f in self.forms) if flow is not None]

    def error_summary(self) -> list[str]:
        """Each row's errors as one line naming the row and the field, for the summary at
        the top of the page."""
        lines = [str(e) for e in self.non_form_errors()]
        for position, form in enumerate(self.forms, start=1):
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                for error in errors:
                    lines.append(
                        _("Arrivals and departures by area, row %(row)s, %(field)s: %(error)s")
                        % {"row": position, "field": label, "error": error}
                    )
        return lines


FlowFormSet = forms.formset_factory(FlowForm, formset=BaseFlowFormSet, extra=2, can_delete=True)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 3}))


class ThresholdForm(forms.Form):
    """One row of the catalogue page: adjust a derived indicator's threshold."""

    code = forms.CharField(widget=forms.HiddenInput)
    threshold = forms.DecimalField(label=_("Threshold"), required=False, min_value=0)
    threshold_direction = forms.ChoiceField(
        label=_("Direction"), choices=[("", "—"), *ThresholdDirection.choices], required=False
    )
    threshold_source = forms.CharField(label=_("Source"), required=False, max_length=250)


ThresholdFormSet = forms.formset_factory(ThresholdForm, extra=0)


class CatalogueNotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Why this change"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ValidationSettingsForm(forms.ModelForm):
    class Meta:
        model = ValidationSettings
        fields = [
            "min_household_size",
            "max_household_size",
            "outlier_change_pct",
            "flow_tolerance_pct",
            "flow_tolerance_min",
            "check_priorities",
        ]
