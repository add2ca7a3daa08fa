"""What an API view accepts, so that bad input is a 400 and never a 500.

- `SafeJSONParser`: a body nested deeper than `MAX_DEPTH` (or so deep that Python's
  decoder gives up) is a parse error, not a RecursionError;
- `PlainMetadata`: OPTIONS answers the view's name, description and formats without
  building serializers or objects (DRF's default calls `get_object()` on views that
  have no queryset);
- `json_object(request)`: the body as a dict, or a 400 saying that an object was expected
  (a `null`, a list or a bare string body).

Views opt in with `InputSafeMixin`; making the parser and metadata the project defaults
(REST_FRAMEWORK in settings) would cover every API at once.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request

MAX_DEPTH = 32


def _depth(value: Any) -> int:
    """The nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(f"JSON nested too deeply (at most {MAX_DEPTH} levels).") from None
        if _depth(data) > MAX_DEPTH:
            raise exceptions.ParseError(f"JSON nested too deeply (at most {MAX_DEPTH} levels).")
        return data


class PlainMetadata(SimpleMetadata):
    def determine_actions(self, request, view):
        return {}


class InputSafeMixin:
    parser_classes = [SafeJSONParser, FormParser, MultiPartParser]
    metadata_class = PlainMetadata


def json_object(request: Request) -> dict[str, Any]:
    """The request body as a dict of fields; 400 when it is not an object."""
    data = request.data
    if hasattr(data, "dict"):  # a form or multipart body (QueryDict)
        return data.dict()
    if not isinstance(data, dict):
        kind = {type(None): "null", str: "a string", list: "a list"}.get(type(data), type(data).__name__)
        raise exceptions.ValidationError({"non_field_errors": [f"Send a JSON object of fields, not {kind}."]})
    return dict(data)
