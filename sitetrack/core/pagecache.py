"""Web pages answered from the process's cache while the data has not changed.

`cached_page` keeps the HTML of a GET page under the data version (`core.versions`) and
what else the page is made of: the user, the operation chosen, the address, the language
and whether htmx asked for a part. A national site list or round board costs 30-50 ms of
queries and template rendering; a cached one costs the version read.

Two things on a page belong to one request, not to the data:
- the CSRF token of its forms: the kept HTML has a placeholder where the rendering
  request's token was, and each request puts in its own (`get_token`, which also sets
  the CSRF cookie as rendering would have);
- one-time messages: a request that has some, or whose view added or showed some, gets
  the page computed, and that page is not kept.
Anything but a 200 HTML answer, and anything inside a transaction that has written, is
computed and not kept.
"""

from __future__ import annotations

import functools
import re
import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from sitetrack.core import versions

# Stands where the CSRF token was (per process, as the cache is).
CSRF_PLACEHOLDER = "csrf" + secrets.token_hex(16)
# What {% csrf_token %} renders.
_TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _messages_touched(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and (storage.used or bool(getattr(storage, "_queued_messages", None)))


def page_key(request: HttpRequest) -> tuple | None:
    """What the page depends on besides its data, or None when it must be computed."""
    if (
        request.method != "GET"
        or not request.user.is_authenticated
        or versions.uncommitted()
        or len(messages.get_messages(request))
    ):
        return None
    operation = getattr(request, "operation", None)
    return (
        "page",
        request.user.pk,
        operation.pk if operation is not None else None,
        request.get_full_path(),
        get_language(),
        request.headers.get("HX-Request", ""),
    )


def _keepable(html: str) -> str:
    """The page with its rendering request's CSRF token (every occurrence) replaced by the
    placeholder."""
    for token in set(_TOKEN_INPUT.findall(html)):
        html = html.replace(token, CSRF_PLACEHOLDER)
    return html


def cached_page(view):
    """Decorate a read-only page view (under its login check)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        key = (versions.version(), *key)
        hit = versions.local.get(key)
        if hit is not None:
            html, content_type = hit
            if CSRF_PLACEHOLDER in html:
                html = html.replace(CSRF_PLACEHOLDER, get_token(request))
            return HttpResponse(html, content_type=content_type)
        response = view(request, *args, **kwargs)
        content_type = response.get("Content-Type", "")
        if (
            response.status_code == 200
            and not response.streaming
            and content_type.startswith("text/html")
            and not response.cookies
            and not _messages_touched(request)
        ):
            versions.local.set(key, (_keepable(response.content.decode(response.charset)), content_type))
        return response

    return wrapper
