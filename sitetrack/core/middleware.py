"""Resolve the operation a web request works in: `?op=slug`, then the session, then the
first operation the user belongs to. Views read `request.operation` (None if none)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from sitetrack.core.access import operations_for


class NulParameterMiddleware:
    """A query parameter holding a NUL character is refused with a 400. PostgreSQL cannot
    store or compare text containing NUL, so any filter given one (`?operation=a%00b`)
    was a 500 there, and the same URL worked on SQLite. Form and API bodies need no such
    guard: Django's and DRF's text fields refuse NUL themselves."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                message = _(
                    "The query parameter %(name)s contains a NUL character, which no field accepts."
                ) % {"name": key.replace("\x00", "\\0")}
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": message}, status=400)
                return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class CurrentOperationMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.operation = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            available = operations_for(user)
            slug = request.GET.get("op") or request.session.get("operation")
            operation = available.filter(slug=slug).first() if slug else None
            if operation is None:
                operation = available.first()
            # Only when it changes: assigning marks the session modified, and every page
            # then wrote its session row (on SQLite a write lock per request under load).
            if operation is not None and request.session.get("operation") != operation.slug:
                request.session["operation"] = operation.slug
            request.operation = operation
        return self.get_response(request)


class DatabaseBusyMiddleware:
    """SQLite lets one writer in at a time; a write that waited its busy timeout (5 s) for
    the lock raises OperationalError "database is locked" — a burst of writes, not a fault
    of the request. It is answered 503 with Retry-After and a message saying what happened
    (the failed transaction was rolled back), not a 500 and a traceback."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import OperationalError

        if not isinstance(exception, OperationalError) or "database is locked" not in str(exception):
            return None
        message = _(
            "The database was busy with other changes and this one could not be saved in time. "
            "Try again in a moment."
        )
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "2"
        return response
