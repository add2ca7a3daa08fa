from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "sitetrack.geo"
    label = "geo"
