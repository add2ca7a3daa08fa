from django.urls import path

from sitetrack.returns.apis import return_report_api

urlpatterns = [path("returns/<str:month>/", return_report_api, name="api-return-report")]
