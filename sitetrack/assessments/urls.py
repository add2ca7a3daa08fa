from django.urls import path

from sitetrack.web.views import home

app_name = "assessments"
urlpatterns: list = []
# Placeholder until the app's pages land; replaced by the app's own views.

urlpatterns.append(path("rounds-placeholder/", home, name="rounds"))
