"""Token API: get a token with a username and password (throttled, and locked out with
the login page by django-axes), list your tokens, revoke one."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from sitetrack.accounts import selectors, services
from sitetrack.accounts.models import ApiToken


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(max_length=100, required=False, default="API")
    days = serializers.IntegerField(min_value=1, required=False)

    def validate_days(self, value: int) -> int:
        if value > settings.SITETRACK_TOKEN_MAX_DAYS:
            raise serializers.ValidationError(
                _("At most %(max)d days.") % {"max": settings.SITETRACK_TOKEN_MAX_DAYS}
            )
        return value


class TokenSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "state"]
        read_only_fields = fields


class NewTokenSerializer(TokenSerializer):
    key = serializers.CharField(
        read_only=True, help_text="Shown once; send it as `Authorization: Token <key>`."
    )

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "key"]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenObtainView(GenericAPIView):
    """A new API token for the user whose username and password are given."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "auth"
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={201: NewTokenSerializer, 400: dict, 401: ErrorSerializer, 429: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        django_request = request._request
        user = authenticate(django_request, username=data["username"], password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            return Response(
                {"detail": _("Too many failed attempts: this account is locked for a while.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            return Response({"detail": _("Wrong username or password.")}, status=status.HTTP_401_UNAUTHORIZED)
        token, key = services.api_token_create(user=user, name=data["name"], days=data.get("days"))
        body = NewTokenSerializer(token).data | {"key": key}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenListView(GenericAPIView):
    """Your API tokens (never their keys)."""

    throttle_scope = "tokens"
    serializer_class = TokenSerializer
    pagination_class = None

    @extend_schema(responses={200: TokenSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(TokenSerializer(selectors.tokens_of(request.user), many=True).data)


class TokenRevokeView(GenericAPIView):
    """Revoke one token: your own, or, as an administrator, one of the users you manage."""

    throttle_scope = "tokens"
    serializer_class = TokenSerializer
    queryset = ApiToken.objects.none()

    @extend_schema(responses={200: TokenSerializer, 404: ErrorSerializer})
    def delete(self, request: Request, pk: int) -> Response:
        token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
        if not selectors.may_manage_tokens_of(request.user, token.user):
            return Response({"detail": _("No such token.")}, status=status.HTTP_404_NOT_FOUND)
        token = services.api_token_revoke(token=token, by=request.user)
        return Response(TokenSerializer(token).data)
