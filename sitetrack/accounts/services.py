"""Writes on API tokens: make one (the key is returned once), revoke one, revoke all of a
user's (on logout, by policy)."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from sitetrack.accounts.models import ApiToken, key_digest
from sitetrack.accounts.selectors import may_manage_tokens_of

KEY_PREFIX = "st_"


@transaction.atomic
def api_token_create(*, user: AbstractBaseUser, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`, valid `days` (default SITETRACK_TOKEN_DAYS, at most
    SITETRACK_TOKEN_MAX_DAYS). Returns the row and the key, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the token a name (what it is for).")]})
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationError({"name": [_("At most 100 characters.")]})
    days = settings.SITETRACK_TOKEN_DAYS if days is None else days
    if (
        isinstance(days, bool)
        or not isinstance(days, int)
        or not 1 <= days <= settings.SITETRACK_TOKEN_MAX_DAYS
    ):
        raise ValidationError(
            {"days": [_("Between 1 and %(max)d days.") % {"max": settings.SITETRACK_TOKEN_MAX_DAYS}]}
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:10],
        digest=key_digest(key),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: AbstractBaseUser) -> ApiToken:
    """Revoke one token: its owner, or an administrator of an operation the owner is in."""
    if not may_manage_tokens_of(by, token.user):
        raise PermissionDenied(_("You may not revoke this token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


@transaction.atomic
def legacy_token_revoke(*, user: AbstractBaseUser, by: AbstractBaseUser) -> int:
    """Delete a user's older single token (rest_framework.authtoken, e.g. the demo's)."""
    if not may_manage_tokens_of(by, user):
        raise PermissionDenied(_("You may not revoke this token."))
    deleted, _rows = Token.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def api_tokens_revoke_all(*, user: AbstractBaseUser) -> int:
    """Every token of the user stops working (logout, by SITETRACK_TOKENS_END_WITH_SESSION)."""
    revoked = ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now(), revoked_by=user)
    deleted, _rows = Token.objects.filter(user=user).delete()
    return revoked + deleted
