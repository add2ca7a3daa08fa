"""DRF authentication: `Authorization: Token <key>` for our expiring, revocable tokens,
and for the older single token per user (rest_framework.authtoken, used by the demo),
which now expires SITETRACK_TOKEN_DAYS after it was made."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from sitetrack.accounts.models import ApiToken, key_digest

# last_used_at is written at most this often per token (not on every request).
TOUCH_EVERY = datetime.timedelta(minutes=1)


def _token_with_user(digest: str) -> ApiToken | None:
    """The token of this digest with its user, or None. Two statements of given SQL
    (raw querysets: no query compiling) instead of one select_related query: every API
    request authenticates, and compiling the join cost three times as much as reading it.
    Table and column names come from the models."""
    user_model = get_user_model()
    tokens, users = ApiToken._meta, user_model._meta
    qn = connection.ops.quote_name
    found = list(
        ApiToken.objects.raw(
            f"SELECT * FROM {qn(tokens.db_table)} WHERE {qn(tokens.get_field('digest').column)} = %s",  # noqa: S608
            [digest],
        )
    )
    if not found:
        return None
    token = found[0]
    owner = list(
        user_model.objects.raw(
            f"SELECT * FROM {qn(users.db_table)} WHERE {qn(users.pk.column)} = %s",  # noqa: S608
            [token.user_id],
        )
    )
    token.user = owner[0]
    return token


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str):
        token = _token_with_user(key_digest(key))
        if token is None:
            return self._legacy(key)
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                _("This token expired on %(date)s; make a new one on your tokens page.")
                % {"date": token.expires_at.date().isoformat()}
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def _legacy(self, key: str):
        user, token = super().authenticate_credentials(key)
        expires = token.created + datetime.timedelta(days=settings.SITETRACK_TOKEN_DAYS)
        if expires <= timezone.now():
            raise exceptions.AuthenticationFailed(
                _("This token expired on %(date)s; make a new one on your tokens page.")
                % {"date": expires.date().isoformat()}
            )
        return user, token
