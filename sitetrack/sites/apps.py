from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sitetrack.sites"
    label = "sites"
