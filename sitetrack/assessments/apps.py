from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "sitetrack.assessments"
    label = "assessments"
