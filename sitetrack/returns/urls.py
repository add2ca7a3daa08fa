from django.urls import path

from sitetrack.returns import views

app_name = "returns"
urlpatterns = [
    path("", views.report_view, name="home"),
    path("<str:month>/", views.report_view, name="report"),
    path("<str:month>/report.<str:fmt>", views.download_view, name="download"),
    path("<str:month>/households/", views.households_view, name="households"),
]
