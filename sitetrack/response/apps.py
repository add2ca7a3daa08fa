from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseConfig(AppConfig):
    name = "sitetrack.response"
    label = "response"
    verbose_name = _("Response (3W/4W)")
    default_auto_field = "django.db.models.BigAutoField"
