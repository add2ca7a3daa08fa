from django.urls import path

from sitetrack.core import views

app_name = "core"
urlpatterns = [
    path("new/", views.operation_create_view, name="operation-create"),
]
