from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "sitetrack.intake"
    label = "intake"
