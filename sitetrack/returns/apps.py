from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "sitetrack.returns"
    label = "returns"
    verbose_name = _("Return intentions")
    default_auto_field = "django.db.models.BigAutoField"
