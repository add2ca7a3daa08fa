from django.urls import path

from sitetrack.intake import apis

urlpatterns = [
    path("imports/", apis.ImportListApi.as_view(), name="api-imports"),
    path("imports/<int:pk>/", apis.ImportDetailApi.as_view(), name="api-import"),
    path("imports/<int:pk>/cleaning-log/", apis.ImportCleaningLogApi.as_view(), name="api-import-log"),
]
