"""Whole pages of the 3W table and the gap matrix cached at the data version.

Rendering the page around the cached table (the site's frame: menu, operation switch,
language form, breadcrumbs; the filters; the round list) cost more than the rest of the
request together (bench/benchmarks/response.py). A page is the same for one user at one
data version, one address and one language, with two exceptions handled here:

- the CSRF token of the page's forms is per request: the page is rendered with a
  placeholder, which each request replaces with its own token (`get_token`, which also
  sets the cookie as rendering it would);
- flash messages are shown once: a request that has some renders the page afresh (and
  shows them), and that page is not kept.

What else the frame shows comes from watched models (memberships, operations: the menu,
the role, the operation list; `response.versions.WATCHED`) or from the user, whose name
and flags are in the key. The key names the user, so nothing is shared between users.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from sitetrack.response.versions import cached

# Rendered where the CSRF token goes (per process: the cache is per process too).
CSRF_PLACEHOLDER = "csrf" + secrets.token_hex(16)


def page_key(request: HttpRequest) -> tuple:
    """What a page depends on besides the data version."""
    user = request.user
    operation = getattr(request, "operation", None)
    return (
        user.pk,
        user.get_username(),
        user.get_full_name(),
        user.is_active,
        user.is_staff,
        user.is_superuser,
        getattr(operation, "pk", None),
        translation.get_language(),
        request.get_full_path(),
    )


def cached_html(request: HttpRequest, kind: str, render: Callable[[dict], HttpResponse]) -> HttpResponse:
    """The page `render(extra_context)` draws, cached at the data version for this user
    and address. `render` returns a plain page (200, HTML) that depends on the request and
    the data version alone, and passes `extra_context` to its template; a view that may
    answer otherwise (a download, a redirect) decides that before calling this."""
    if len(messages.get_messages(request)):  # shown once: render afresh, keep nothing
        return render({})

    def compute() -> str:
        response = render({"csrf_token": CSRF_PLACEHOLDER})
        return response.content.decode(response.charset)

    html = cached(f"html:{kind}", page_key(request), compute)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
