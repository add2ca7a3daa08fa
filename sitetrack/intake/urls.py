from django.urls import path

from sitetrack.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("runs/<int:pk>/", views.run_view, name="run"),
    path("runs/<int:pk>/new-sites/", views.run_new_sites_view, name="run-new-sites"),
    path("runs/<int:pk>/status.json", views.run_status_view, name="run-status"),
    path("runs/<int:pk>/cleaning-log.xlsx", views.run_log_view, name="run-log"),
    path("duplicates/", views.holds_view, name="holds"),
    path("duplicates/<int:pk>/resolve/", views.hold_resolve_view, name="hold-resolve"),
    path("mappings/", views.mappings_view, name="mappings"),
    path("mappings/new/", views.mapping_view, name="mapping-new"),
    path("mappings/<int:pk>/", views.mapping_view, name="mapping"),
    path("mappings/<int:pk>/download/", views.mapping_download_view, name="mapping-download"),
]
