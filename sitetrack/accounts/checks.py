"""Refusals that protect a production server from the public demo configuration.

The demo secret key is published in the source: anyone can sign a session cookie or a
password-reset link with it. A server that is not in debug mode refuses to start on it
(`sitetrack.wsgi`, hence gunicorn and runserver) and `check --deploy` reports it, unless
SITETRACK_ALLOW_DEMO_KEY=1 says that this is knowingly a throw-away server.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

DEMO_KEY_MESSAGE = _(
    "SECRET_KEY is unset (or is the public demo key) and DEBUG is off: anyone could sign "
    "sessions for this server. Set SECRET_KEY to a long random value (for example "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set DEBUG=1 for a "
    "local demo, or SITETRACK_ALLOW_DEMO_KEY=1 to force a throw-away server."
)
# `sitetrack load-demo` with DEBUG off (sitetrack/demo has no catalogue: the message is here).
LOAD_DEMO_REFUSAL = _(
    "load-demo refused: DEBUG is off, so this looks like a production database. The demo "
    "resets the demo users' passwords and API tokens to public values printed in the "
    "documentation. Run it with DEBUG=1 on a demo database, or add --force if you really "
    "mean to load the public demo here."
)


def runs_on_demo_key() -> bool:
    """Whether this process would sign with the public key outside debug mode, unforced."""
    if settings.DEBUG or getattr(settings, "SITETRACK_ALLOW_DEMO_KEY", False):
        return False
    key = settings.SECRET_KEY or ""
    return not key or key == settings.DEMO_SECRET_KEY


def refuse_demo_key() -> None:
    """Called when the WSGI application is loaded: stop before serving a single request."""
    if runs_on_demo_key():
        raise ImproperlyConfigured(str(DEMO_KEY_MESSAGE))


@checks.register(checks.Tags.security, deploy=True)
def check_demo_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if runs_on_demo_key():
        return [checks.Error(str(DEMO_KEY_MESSAGE), id="sitetrack.E001")]
    return []
