"""Resolve the operation a web request works in: `?op=slug`, then the session, then the
first operation the user belongs to. Views read `request.operation` (None if none)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from sitetrack.core.access import operations_for


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
            if operation is not None:
                request.session["operation"] = operation.slug
            request.operation = operation
        return self.get_response(request)
