"""Logging out ends the user's API tokens too (SITETRACK_TOKENS_END_WITH_SESSION, on by
default): a token left in a script on a shared computer dies with the session."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver


@receiver(user_logged_out, dispatch_uid="sitetrack.accounts.tokens_end_with_session")
def _tokens_end_with_session(sender, request, user, **kwargs) -> None:
    if user is None or not settings.SITETRACK_TOKENS_END_WITH_SESSION:
        return
    from sitetrack.accounts.services import api_tokens_revoke_all

    api_tokens_revoke_all(user=user)
