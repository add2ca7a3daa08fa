from django import forms

from sitetrack.reports.models import Subscription


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = Subscription
        fields = ["name", "email", "organisation", "sector", "language", "active"]
