"""Exceptions to the strict Content-Security-Policy of settings (scripts from our own
origin or nonced; styles from our own origin only), each as narrow as it can be:

- the API documentation pages (Swagger UI, Redoc) ship an inline start-up script and
  styles, so they alone get 'unsafe-inline' scripts; they show our schema, never user data;
- pages drawn by third-party templates we do not control — the Django admin, DRF's
  browsable API — carry a few inline styles (`style="float: right"`): they get inline
  styles, never inline scripts;
- standalone documents we render (the weekly report's HTML download, served inline and
  meant to look the same once saved) keep their stylesheet in a <style> element of their
  <head>: the hash of exactly that stylesheet is allowed, nothing else."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

from csp.constants import UNSAFE_INLINE
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

DOCS_PATHS = ("/api/docs/", "/api/redoc/")


_HEAD = re.compile(rb"<head\b[^>]*>(.*?)</head>", re.S | re.I)
_HEAD_STYLE = re.compile(rb"<style>(.*?)</style>", re.S)


def document_style_hashes(content: bytes) -> list[str]:
    """'sha256-…' sources of the <style> elements in the <head> of a document we rendered
    (its stylesheet, which names the operation and round, so it differs per document):
    user data only ever reaches the body, escaped, so nothing a user typed is allowed."""
    head = _HEAD.search(content)
    if head is None:
        return []
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(css).digest()).decode('ascii')}'"
        for css in _HEAD_STYLE.findall(head.group(1))
    ]


def _third_party_page(request: HttpRequest, response: HttpResponse) -> bool:
    if request.path.startswith("/admin/"):
        return True
    # DRF's browsable API: an HTML rendering of an API answer.
    return request.path.startswith("/api/") and response.get("Content-Type", "").startswith("text/html")


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
        elif _third_party_page(request, response):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        elif response.get("Content-Disposition", "").startswith("inline") and response.get(
            "Content-Type", ""
        ).startswith("text/html"):
            hashes = document_style_hashes(response.content)
            if hashes:
                response._csp_update = {"style-src": hashes}
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
