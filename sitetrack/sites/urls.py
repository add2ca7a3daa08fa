from django.urls import path

from sitetrack.web.views import home

app_name = "sites"
urlpatterns: list = []
# Placeholder until the app's pages land; replaced by the app's own views.

# Placeholder until the app's pages land; replaced by the app's own views.

urlpatterns.append(path("list-placeholder/", home, name="list"))
urlpatterns.append(path("map-placeholder/", home, name="map"))
