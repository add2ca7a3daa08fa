from django.urls import path

from sitetrack.accounts import apis

urlpatterns = [
    path("auth/token/", apis.TokenObtainView.as_view(), name="api-token-obtain"),
    path("auth/tokens/", apis.TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/", apis.TokenRevokeView.as_view(), name="api-token-revoke"),
]
