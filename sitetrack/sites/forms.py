"""Web forms. They only shape input; the rules (and their messages) are in services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sitetrack.core.models import Organisation
from sitetrack.sites.models import LandTenure, ManagementType, SiteStatus, SiteType


class SiteForm(forms.Form):
    code = forms.CharField(
        label=_("Site code"),
        required=False,
        max_length=40,
        help_text=_("Leave empty to generate one from the admin P-code, e.g. CF7111-S001."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    aliases = forms.CharField(
        label=_("Other names"), required=False, help_text=_("Separate names with a semicolon (;).")
    )
    site_type = forms.ChoiceField(label=_("Site type"), choices=SiteType.choices)
    admin_area = forms.CharField(
        label=_("Admin area (P-code)"),
        max_length=20,
        help_text=_("The lowest admin level known, e.g. CF7111."),
        widget=forms.TextInput(attrs={"list": "pcodes", "autocomplete": "off"}),
    )
    # Text inputs: the service explains what is wrong with a malformed coordinate.
    latitude = forms.CharField(
        label=_("Latitude"),
        required=False,
        help_text=_("Decimal degrees, e.g. 4.3986"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    longitude = forms.CharField(
        label=_("Longitude"),
        required=False,
        help_text=_("Decimal degrees, e.g. 18.5189"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    management_agency = forms.ModelChoiceField(
        label=_("Management agency"), queryset=Organisation.objects.all(), required=False
    )
    management_type = forms.ChoiceField(
        label=_("Management type"), choices=[("", "—"), *ManagementType.choices], required=False
    )
    land_tenure = forms.ChoiceField(
        label=_("Land tenure"), choices=[("", "—"), *LandTenure.choices], required=False
    )
    area_m2 = forms.IntegerField(label=_("Site area (m²)"), required=False, min_value=0)
    capacity = forms.IntegerField(label=_("Capacity (people)"), required=False, min_value=0)
    opened_on = forms.DateField(
        label=_("Opened on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def initial_for(cls, site) -> dict:
        return {
            "code": site.code,
            "name": site.name,
            "aliases": "; ".join(site.aliases or []),
            "site_type": site.site_type,
            "admin_area": site.admin_area.pcode,
            "latitude": "" if site.latitude is None else site.latitude,
            "longitude": "" if site.longitude is None else site.longitude,
            "management_agency": site.management_agency_id,
            "management_type": site.management_type,
            "land_tenure": site.land_tenure,
            "area_m2": site.area_m2,
            "capacity": site.capacity,
            "opened_on": site.opened_on,
            "notes": site.notes,
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's field errors next to the fields they are about."""
        for field, messages in error.message_dict.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)


class SiteStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=SiteStatus.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    target = forms.CharField(label=_("Merged into / relocated to (site code)"), required=False, max_length=40)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    add_service_errors = SiteForm.add_service_errors


class SitesImportForm(forms.Form):
    file = forms.FileField(label=_("Site master list (CSV or XLSX)"))
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=100,
        help_text=_("Leave empty to read the sheet whose header fits best."),
    )

    def clean_file(self):
        from sitetrack.core.tabular.safety import max_upload_bytes

        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s MB; files of at most %(limit)s MB are accepted.")
                % {"size": round(upload.size / 1024**2, 1), "limit": round(limit / 1024**2, 1)}
            )
        return upload
