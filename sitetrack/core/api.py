"""Shared API pieces: pagination, a fast JSON renderer, rows from values() for long
lists, JSON errors with field-level messages, operation lookup.

Why these exist (bench/README.md, "API under load"): at national size (5,000 sites x 52
rounds) a page of 100 assessments spent most of its time counting 260,000 rows for the
`count` field and building 100 model instances and their serializer fields. The list
endpoints now count at most `COUNT_CAP` rows, read their page with `values()` and turn
each row into JSON-ready values with plain functions (`Rows`), and every response is
encoded by orjson.
"""

from __future__ import annotations

import datetime
import decimal
import functools
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from rest_framework import exceptions, pagination, renderers
from rest_framework.request import Request
from rest_framework.response import Response

from sitetrack.core import versions
from sitetrack.core.access import operation_by_slug, operations_for
from sitetrack.core.models import Operation

# Lists count their rows up to this many; beyond it `count` is null and `count_capped`
# true (walk the pages with `next`). Counting is what a page of 260,000 assessments
# spent its time on; 10,000 index entries cost about a millisecond.
COUNT_CAP = 10_000


class Pagination(pagination.PageNumberPagination):
    """Page numbers (`?page=N&page_size=M`), with a bounded count.

    The page is read with one row more than it shows, which says whether there is a next
    page without counting. `count` is exact when the list has at most `COUNT_CAP` rows
    (on the last page it is known without a count query); otherwise it is null and
    `count_capped` is true. A page past the end is a 404, as before."""

    page_size_query_param = "page_size"
    max_page_size = 1000

    def paginate_queryset(self, queryset, request, view=None, *, count_queryset=None):
        """The page's rows; `count_queryset` is what to count when it is not `queryset`
        itself (the model queryset behind a values() one: no joins to count)."""
        self.request = request
        size = self.get_page_size(request)
        if not size:
            return None
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            raise exceptions.NotFound("Give a page number: the last page is not counted.")
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise exceptions.NotFound("Invalid page.")
        start = (number - 1) * size
        rows = list(queryset[start : start + size + 1])
        self.has_next = len(rows) > size
        rows = rows[:size]
        if not rows and number > 1:
            raise exceptions.NotFound("Invalid page.")
        self.number, self.size = number, size
        if not self.has_next:
            self.count: int | None = start + len(rows)
        elif isinstance(queryset, list):
            # A list computed in full (the gap matrix's rows): its length is known.
            self.count = len(queryset)
        else:
            # Only the primary keys: no join the page's columns needed, no ordering.
            base = queryset if count_queryset is None else count_queryset.select_related(None)
            counted = base.values("pk").order_by()[:COUNT_CAP].count()
            self.count = counted if counted < COUNT_CAP else None
        return rows

    def _link(self, number: int | None) -> str | None:
        if number is None:
            return None
        url = self.request.build_absolute_uri()
        from rest_framework.utils.urls import remove_query_param, replace_query_param

        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_next_link(self):
        return self._link(self.number + 1 if self.has_next else None)

    def get_previous_link(self):
        return self._link(self.number - 1 if self.number > 1 else None)

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                [
                    ("count", self.count),
                    ("count_capped", self.count is None),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"] |= {
            "nullable": True,
            "description": f"Rows in the list; null beyond {COUNT_CAP:,} (see count_capped).",
        }
        response["properties"]["count_capped"] = {"type": "boolean"}
        return response

    def get_html_context(self):
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link()}


def _default(value: Any) -> Any:
    """What orjson does not know: lazy translations, Decimals, sets, DRF's ReturnDict."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, datetime.timedelta):
        return str(value.total_seconds())
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class FastJSONRenderer(renderers.JSONRenderer):
    """JSON through orjson: about ten times faster than the standard library's encoder.
    Datetimes are written the way DRF's serializer fields write them (they usually come
    as text already); non-ASCII text stays UTF-8."""

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)


# --- rows from values() ---------------------------------------------------------------------


class Bound:
    """A row converter that depends on the request (language, time zone): `bind()` is
    called once per page and returns the plain function applied to every row, so a
    page of 100 rows asks for the language once, not 300 times."""

    def bind(self) -> Callable:
        raise NotImplementedError


class _IsoDatetime(Bound):
    """A datetime as DRF's DateTimeField writes it: in the current time zone, ISO 8601,
    UTC as "Z"."""

    def bind(self) -> Callable:
        zone = timezone.get_current_timezone()

        def convert(value: datetime.datetime | None) -> str | None:
            if value is None:
                return None
            text = (value.astimezone(zone) if value.tzinfo is not None else value).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return convert

    def __call__(self, value: datetime.datetime | None) -> str | None:
        return self.bind()(value)


iso_datetime = _IsoDatetime()


def iso_date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


class Rows:
    """A list endpoint's rows straight from `values()`: each output field is a source
    column (or a function of the row dict), so a page of 100 rows costs 100 dicts, not
    100 model instances and a serializer field per cell.

        SITE_ROWS = Rows({"code": "code", "admin_area": "admin_area__pcode",
                          "updated_at": ("updated_at", iso_datetime)})
        data = SITE_ROWS.page(paginator, queryset, request, view)
    """

    def __init__(
        self,
        fields: dict[str, str | tuple[str, Callable] | Callable[[dict], Any]],
        *,
        extra: Sequence[str] = (),
    ) -> None:
        self.fields = fields
        columns: list[str] = list(extra)
        self._plan: list[tuple[str, str | None, Callable | None]] = []
        for name, spec in fields.items():
            if isinstance(spec, str):
                self._plan.append((name, spec, None))
                columns.append(spec)
            elif isinstance(spec, tuple):
                self._plan.append((name, spec[0], spec[1]))
                columns.append(spec[0])
            else:
                self._plan.append((name, None, spec))
        self.columns = list(dict.fromkeys(columns))

    def values(self, queryset: QuerySet) -> QuerySet:
        return queryset.values(*self.columns)

    def render(self, rows: Iterable[dict]) -> list[dict]:
        plan = [
            (name, column, convert.bind() if isinstance(convert, Bound) else convert)
            for name, column, convert in self._plan
        ]
        out = []
        for row in rows:
            item = {}
            for name, column, convert in plan:
                if column is None:
                    item[name] = convert(row)
                elif convert is None:
                    item[name] = row[column]
                else:
                    item[name] = convert(row[column])
            out.append(item)
        return out

    def page(self, view, queryset: QuerySet) -> Response:
        """The paginated response of a GenericAPIView for these rows."""
        paginator = view.paginator
        rows = None
        if paginator is not None:
            if isinstance(paginator, Pagination):
                rows = paginator.paginate_queryset(
                    self.values(queryset), view.request, view=view, count_queryset=queryset
                )
            else:
                rows = view.paginate_queryset(self.values(queryset))
        if rows is None:
            return Response(self.render(self.values(queryset)))
        return view.get_paginated_response(self.render(rows))


def cached_list(get):
    """A list endpoint's GET answered from the process's cache while the data has not
    changed (`core.versions`): the same user, URL, language and media type at the same data
    version get the same bytes. A page of 100 sites or assessments cost about 7 ms of
    queries and encoding; a cached one costs the version read. Only JSON 200s are kept;
    the browsable API and anything inside a transaction that has written are computed."""

    @functools.wraps(get)
    def wrapper(self, request, *args, **kwargs):
        media_type = getattr(request, "accepted_media_type", "") or ""
        if getattr(request.accepted_renderer, "format", None) != "json" or versions.uncommitted():
            return get(self, request, *args, **kwargs)
        key = (
            "api",
            versions.version(),
            request.user.pk,
            request.build_absolute_uri(),
            get_language(),
            media_type,
        )
        body = versions.local.get(key)
        if body is not None:
            return HttpResponse(body, content_type=media_type or "application/json")
        response = get(self, request, *args, **kwargs)
        if response.status_code == 200 and isinstance(response, Response):
            response.add_post_render_callback(lambda rendered: versions.local.set(key, rendered.content))
        return response

    return wrapper


class choice_labels(Bound):  # noqa: N801 - used like a function in row specs
    """value → its label in the active language (each language's labels translated once)."""

    def __init__(self, choices: Sequence[tuple[str, Any]]) -> None:
        self.choices = choices
        self.by_language: dict[str | None, dict[str, str]] = {}

    def bind(self) -> Callable[[str], str]:
        language = get_language()
        labels = self.by_language.get(language)
        if labels is None:
            labels = self.by_language[language] = {v: str(text) for v, text in self.choices}
        return lambda value: labels.get(value, value)


class translated(Bound):  # noqa: N801 - used like a function in row specs
    """A name in the active language from two columns (French when there is one)."""

    def __init__(self, english: str, french: str) -> None:
        self.english, self.french = english, french

    def bind(self) -> Callable[[dict], str]:
        english, french = self.english, self.french
        if (get_language() or "en").startswith("fr"):
            return lambda row: row[french] or row[english]
        return lambda row: row[english]


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
    # Imported here: rest_framework.views reads the renderer setting, which names
    # FastJSONRenderer in this module, so a module-level import is circular whenever this
    # module is the first to be imported (a management command run outside the project).
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response


def request_operation(request: Request, *, required: bool = True) -> Operation | None:
    """The operation named by `?operation=slug` (or the user's only operation)."""
    slug = request.query_params.get("operation")
    if not slug and isinstance(getattr(request, "data", None), dict):
        slug = request.data.get("operation")
    if slug:
        op = operation_by_slug(request.user, slug)
        if op is None:
            raise exceptions.NotFound(f"No operation {slug!r} you belong to.")
        return op
    ops = list(operations_for(request.user)[:2])
    if len(ops) == 1:
        return ops[0]
    if required:
        raise exceptions.ValidationError(
            {"operation": ["Give ?operation=<slug>: you belong to several operations."]}
        )
    return None


def error_response(detail: dict, status: int = 400) -> Response:
    return Response(detail, status=status)
