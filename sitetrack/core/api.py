"""Shared API pieces: pagination, JSON errors with field-level messages, operation lookup."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, pagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sitetrack.core.access import operations_for
from sitetrack.core.models import Operation


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000


def exception_handler(exc, context):
    """Every error is JSON. Django ValidationErrors raised by services become 400s with
    field-level messages, like serializer errors."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                field: [str(m) for e in errors for m in e.messages]
                for field, errors in exc.error_dict.items()
            }
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response


def request_operation(request: Request, *, required: bool = True) -> Operation | None:
    """The operation named by `?operation=slug` (or the user's only operation)."""
    available = operations_for(request.user)
    slug = request.query_params.get("operation")
    if not slug and isinstance(getattr(request, "data", None), dict):
        slug = request.data.get("operation")
    if slug:
        op = available.filter(slug=slug).first()
        if op is None:
            raise exceptions.NotFound(f"No operation {slug!r} you belong to.")
        return op
    ops = list(available[:2])
    if len(ops) == 1:
        return ops[0]
    if required:
        raise exceptions.ValidationError(
            {"operation": ["Give ?operation=<slug>: you belong to several operations."]}
        )
    return None


def error_response(detail: dict, status: int = 400) -> Response:
    return Response(detail, status=status)
