from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sitetrack.web"
    label = "web"
