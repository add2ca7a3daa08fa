from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sitetrack.core"
    label = "core"
