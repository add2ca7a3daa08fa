"""Web forms of the response app. They only collect text: the services check it, so the
form, the API and the imports give the same messages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sitetrack.core.models import Organisation
from sitetrack.core.sectors import Sector
from sitetrack.response.models import BAND_LABELS, PEOPLE_BANDS, ActivityStatus, ActivityType, ReferralStatus
from sitetrack.response.services.activities import REACHED_FIELDS, TARGETED_FIELDS


class ServiceErrorsMixin:
    def add_service_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


def _people_field(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0)


class ActivityForm(ServiceErrorsMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Implementing organisation"), queryset=Organisation.objects.all()
    )
    funding_organisation = forms.ModelChoiceField(
        label=_("Funding / appealing organisation"), queryset=Organisation.objects.all(), required=False
    )
    activity_type = forms.ModelChoiceField(label=_("Activity"), queryset=ActivityType.objects.all())
    site = forms.CharField(label=_("Site code"), required=False)
    admin_area = forms.CharField(
        label=_("Admin area P-code"), required=False, help_text=_("For area-wide work, without a site.")
    )
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices)
    unit = forms.CharField(label=_("Unit"), required=False)
    targeted = _people_field(_("People targeted"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for band in (*PEOPLE_BANDS, "pwd"):
            self.fields[f"targeted_{band}"] = _people_field(
                _("Targeted: %(band)s") % {"band": BAND_LABELS[band]}
            )
        self.fields["activity_type"].label_from_instance = lambda t: f"{Sector(t.sector).label} — {t.name_en}"
        if organisation is not None:  # a partner reports for their own organisation
            self.fields["organisation"].queryset = Organisation.objects.filter(pk=organisation.pk)
            self.fields["organisation"].initial = organisation.pk

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            k: v
            for k, v in data.items()
            if k
            in {
                "organisation",
                "funding_organisation",
                "activity_type",
                "site",
                "admin_area",
                "start_date",
                "end_date",
                "status",
                "unit",
                "notes",
                *TARGETED_FIELDS,
            }
        }


class ActivityReportForm(ServiceErrorsMixin, forms.Form):
    month = forms.CharField(label=_("Month (YYYY-MM)"))
    reached = _people_field(_("People reached"))
    quantity = forms.DecimalField(label=_("Quantity"), required=False, min_value=0)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for band in (*PEOPLE_BANDS, "pwd"):
            self.fields[f"reached_{band}"] = _people_field(
                _("Reached: %(band)s") % {"band": BAND_LABELS[band]}
            )
        self.field_names = [n for n in REACHED_FIELDS if n in self.fields]

    def figures(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "month" and v is not None}

    def add_service_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            self.add_error(
                "month" if field == "period" else (field if field in self.fields else None), messages
            )


class ReferralForm(ServiceErrorsMixin, forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    site = forms.CharField(label=_("Site code"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    to_organisation = forms.ModelChoiceField(
        label=_("Referred to (organisation)"), queryset=Organisation.objects.all(), required=False
    )
    focal_point_name = forms.CharField(label=_("Focal point"), required=False)
    focal_point_email = forms.EmailField(label=_("Focal point email"), required=False)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))


class ReferralStatusForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ReferralStatus.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason (to decline)"), required=False)
