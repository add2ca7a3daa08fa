from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sitetrack.accounts"
    label = "accounts"
    verbose_name = _("Accounts and API tokens")

    def ready(self) -> None:
        # Registers the system checks and the logout receiver.
        from sitetrack.accounts import checks, signals  # noqa: F401
