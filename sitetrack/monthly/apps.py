from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonthlyConfig(AppConfig):
    name = "sitetrack.monthly"
    label = "monthly"
    verbose_name = _("Monthly DTM report")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A saved assessment, site or activity makes the next dashboard read recompute its
        # data version at once (in this process; other processes within RECHECK_SECONDS).
        from sitetrack.monthly import cache

        cache.connect_signals()
