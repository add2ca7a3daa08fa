"""The API documentation pages (Swagger UI, Redoc) ship an inline start-up script, so they
alone get 'unsafe-inline' scripts; they show our schema, never user data. Everything else
runs under the strict policy in settings (scripts from our own origin, or nonced)."""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import UNSAFE_INLINE
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

DOCS_PATHS = ("/api/docs/", "/api/redoc/")


class ApiDocsCspMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path in DOCS_PATHS:
            response._csp_update = {
                "script-src": [UNSAFE_INLINE],
                "style-src": [UNSAFE_INLINE],
                "worker-src": ["blob:"],
                "img-src": ["data:"],
            }
        return response


class UploadLimitMiddleware:
    """Refuse a request body larger than the limits before anything reads it (the CSRF
    check would otherwise stream a 5 GB upload to disk first): 413 with a message naming
    the limit and the size. File uploads: SITETRACK_MAX_UPLOAD_BYTES; any other body (forms,
    JSON): DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.SITETRACK_MAX_UPLOAD_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return too_large(request, length, limit)
        return self.get_response(request)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def too_large(request: HttpRequest, length: int, limit: int) -> HttpResponse:
    message = _(
        "This upload is %(size)s MB; at most %(limit)s MB are accepted. Split the file, or "
        "remove sheets and columns SiteTrack does not read, and try again."
    ) % {"size": _megabytes(length), "limit": _megabytes(limit)}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "accounts/too_large.html", {"message": message}, status=413)
