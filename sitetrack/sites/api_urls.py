from django.urls import path

from sitetrack.sites import apis, import_apis

urlpatterns = [
    path("sites/", apis.SiteListApi.as_view(), name="api-sites"),
    path("sites/import/", import_apis.SitesImportApi.as_view(), name="api-sites-import"),
    path("sites/<str:code>/", apis.SiteDetailApi.as_view(), name="api-site"),
]
