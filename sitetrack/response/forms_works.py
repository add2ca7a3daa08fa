"""Forms of the site maintenance pages (facility inventory lines, work orders) and of the
strategy page (objectives, indicators). Values go
to the services, which check them and give the messages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sitetrack.core.models import Organisation
from sitetrack.core.sectors import Sector
from sitetrack.response.forms import ServiceErrorsMixin
from sitetrack.response.models import (
    FacilityCondition,
    FacilityKind,
    IndicatorMeasure,
    StrategyObjective,
    WorkOrderKind,
    WorkOrderPriority,
    WorkOrderStatus,
)

TRI_STATE = [("", _("Unknown")), ("yes", _("Yes")), ("no", _("No"))]
DATE = forms.DateInput(attrs={"type": "date"})


class FacilityForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Facility"), choices=FacilityKind.choices)
    label = forms.CharField(label=_("Name or location"), required=False, max_length=120)
    quantity = forms.IntegerField(label=_("Units"), min_value=0, initial=1)
    condition = forms.ChoiceField(label=_("Condition"), choices=FacilityCondition.choices)
    usable = forms.BooleanField(label=_("Usable"), required=False, initial=True)
    sex_segregated = forms.ChoiceField(label=_("Sex-segregated"), choices=TRI_STATE, required=False)
    lockable = forms.ChoiceField(label=_("Lockable from inside"), choices=TRI_STATE, required=False)
    checked_on = forms.DateField(label=_("Checked on"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class WorkOrderForm(ServiceErrorsMixin, forms.Form):
    site = forms.CharField(label=_("Site code"))
    kind = forms.ChoiceField(label=_("Type"), choices=WorkOrderKind.choices)
    title = forms.CharField(label=_("Request"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=WorkOrderPriority.choices, initial="medium")
    organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=Organisation.objects.all(), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=WorkOrderStatus.choices, initial="requested")
    requested_on = forms.DateField(label=_("Requested on"), required=False, widget=DATE)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DATE)
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DATE)
    estimated_cost = forms.DecimalField(label=_("Estimated cost (USD)"), required=False, min_value=0)
    actual_cost = forms.DecimalField(label=_("Actual cost (USD)"), required=False, min_value=0)

    def __init__(self, *args, own: Organisation | None = None, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if own is not None:  # a partner's work orders are their organisation's
            self.fields["organisation"].queryset = Organisation.objects.filter(pk=own.pk)
            self.fields["organisation"].initial = own.pk
        if editing:
            del self.fields["site"]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("requested_on"):
            data.pop("requested_on", None)
        return data


class ObjectiveForm(ServiceErrorsMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    title = forms.CharField(label=_("Objective"), max_length=300)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class IndicatorForm(ServiceErrorsMixin, forms.Form):
    objective = forms.ModelChoiceField(label=_("Objective"), queryset=StrategyObjective.objects.none())
    measure = forms.ChoiceField(label=_("Measure"), choices=IndicatorMeasure.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False)
    label = forms.CharField(label=_("Indicator"), max_length=200, required=False)
    baseline = forms.IntegerField(label=_("Baseline"), min_value=0, initial=0)
    target = forms.IntegerField(label=_("Target"), min_value=0)

    def __init__(self, *args, operation=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = StrategyObjective.objects.filter(operation=operation)
