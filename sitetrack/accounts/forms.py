from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("What it is for"),
        max_length=100,
        help_text=_("For example: Power BI refresh, laptop script."),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].max_value = settings.SITETRACK_TOKEN_MAX_DAYS
        self.fields["days"].widget.attrs["max"] = settings.SITETRACK_TOKEN_MAX_DAYS
        self.fields["days"].initial = settings.SITETRACK_TOKEN_DAYS

    def clean_days(self) -> int:
        days = self.cleaned_data["days"]
        if days > settings.SITETRACK_TOKEN_MAX_DAYS:
            raise forms.ValidationError(
                _("At most %(max)d days.") % {"max": settings.SITETRACK_TOKEN_MAX_DAYS}
            )
        return days
