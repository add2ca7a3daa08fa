from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sitetrack.core"
    label = "core"

    def ready(self) -> None:
        # Every connection records the changes its statements write (core.versions).
        from sitetrack.core import versions

        versions.connect()
