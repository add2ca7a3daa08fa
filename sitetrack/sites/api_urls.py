from django.urls import path

from sitetrack.sites import apis

urlpatterns = [
    path("sites/", apis.SiteListApi.as_view(), name="api-sites"),
    path("sites/<str:code>/", apis.SiteDetailApi.as_view(), name="api-site"),
]
