from django.urls import path

from sitetrack.accounts import views

app_name = "accounts"

urlpatterns = [
    path("tokens/", views.tokens_view, name="tokens"),
    path("tokens/manage/", views.tokens_manage_view, name="tokens-manage"),
]
