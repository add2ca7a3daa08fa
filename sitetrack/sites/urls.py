from django.urls import path

from sitetrack.sites import views

app_name = "sites"
urlpatterns = [
    path("", views.site_list_view, name="list"),
    path("map/", views.site_map_view, name="map"),
    path("map/data.json", views.site_map_data_view, name="map-data"),
    path("new/", views.site_create_view, name="create"),
    path("import/", views.sites_import_view, name="import"),
    path("<str:code>/", views.site_detail_view, name="detail"),
    path("<str:code>/edit/", views.site_edit_view, name="edit"),
    path("<str:code>/status/", views.site_status_view, name="status"),
]
