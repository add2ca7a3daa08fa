"""Reads on API tokens and who may manage whose."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from rest_framework.authtoken.models import Token

from sitetrack.accounts.models import ApiToken
from sitetrack.core.models import Membership, Role


def administered_user_ids(admin: AbstractBaseUser) -> QuerySet | None:
    """Ids of the users an administrator manages (members of the operations they
    administer); None for a superuser (everyone)."""
    if admin.is_superuser:
        return None
    operations = Membership.objects.filter(user=admin, role=Role.ADMINISTRATOR).values("operation")
    return Membership.objects.filter(operation__in=operations).values("user")


def is_token_administrator(user: AbstractBaseUser) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()


def may_manage_tokens_of(actor: AbstractBaseUser, owner: AbstractBaseUser) -> bool:
    if not actor.is_authenticated:
        return False
    if actor.pk == owner.pk or actor.is_superuser:
        return True
    ids = administered_user_ids(actor)
    return ids is not None and ids.filter(user=owner.pk).exists()


def tokens_of(user: AbstractBaseUser) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def legacy_token_of(user: AbstractBaseUser) -> Token | None:
    return Token.objects.filter(user=user).first()


def tokens_managed_by(admin: AbstractBaseUser) -> QuerySet[ApiToken]:
    """The tokens an administrator may see and revoke (active ones first)."""
    qs = ApiToken.objects.select_related("user", "revoked_by").order_by("revoked_at", "-created_at")
    ids = administered_user_ids(admin)
    return qs if ids is None else qs.filter(user__in=ids)


def legacy_tokens_managed_by(admin: AbstractBaseUser) -> QuerySet[Token]:
    qs = Token.objects.select_related("user").order_by("user__username")
    ids = administered_user_ids(admin)
    return qs if ids is None else qs.filter(user__in=ids)
