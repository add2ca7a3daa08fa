from django.urls import path

from sitetrack.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("dashboard/map.json", views.dashboard_map, name="dashboard-map"),
    path("forms/<str:form>.xlsx", views.xlsform_download, name="xlsform"),
]
