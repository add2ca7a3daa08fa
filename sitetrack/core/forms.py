"""Web forms of core: setting up an operation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sitetrack.geo.models import AdminArea


class OperationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("e.g. Mozambique — Cabo Delgado 2024")
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=AdminArea.objects.filter(level=0).order_by("name_en"),
        help_text=_("Countries whose admin areas are imported (sitetrack import-admin-areas)."),
    )
    slug = forms.SlugField(
        label=_("Short name"),
        required=False,
        help_text=_("For commands and addresses; default: from the name."),
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        initial="en,fr",
        help_text=_("ISO 639-1 codes, comma-separated; English and French are always kept (e.g. en,fr,pt)."),
    )

    def add_service_errors(self, error) -> None:
        for field, messages in error.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
