"""POST /api/sites/import/: a master list, with the same mapping (field → column),
defaults, sheet and check-only options as the command and the web page; the report as JSON."""

from __future__ import annotations

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from sitetrack.core.access import require
from sitetrack.core.api import request_operation
from sitetrack.core.tabular.safety import max_upload_bytes
from sitetrack.sites.importing import save_upload
from sitetrack.sites.services import sites_import


@extend_schema_field(OpenApiTypes.OBJECT)
class JsonObjectField(serializers.Field):
    """A JSON object of text values, sent as a form field: {"households": "HH"}."""

    def to_internal_value(self, data):
        try:
            value = json.loads(data) if isinstance(data, str) else data
        except ValueError as exc:
            raise serializers.ValidationError('Give a JSON object, e.g. {"households": "HH"}.') from exc
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise serializers.ValidationError('Give a JSON object of text values, e.g. {"households": "HH"}.')
        return {str(k): v for k, v in value.items()}

    def to_representation(self, value):
        return value


class SitesImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    mapping = JsonObjectField(required=False, help_text='Field → column, e.g. {"households": "HH"}.')
    defaults = JsonObjectField(
        required=False, help_text='Field → value for empty cells, e.g. {"site_type": "spontaneous_site"}.'
    )
    sheet = serializers.CharField(required=False, allow_blank=True)
    dry_run = serializers.BooleanField(required=False, default=True)

    def validate_file(self, upload):
        if upload.size > max_upload_bytes():
            raise serializers.ValidationError(
                f"The file is larger than the allowed {max_upload_bytes()} bytes."
            )
        return upload


def report_json(report) -> dict:
    return {
        "ok": report.ok,
        "summary": report.summary(),
        "dry_run": report.dry_run,
        "sheet": report.sheet,
        "sheet_reason": report.sheet_reason,
        "header_row": report.header_row,
        "mapping": report.mapping,
        "defaults": report.defaults,
        "ignored_columns": report.ignored,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "population_round": report.population_round,
        "population_landed": report.population_landed,
        "notes": report.notes,
        "errors": [p.as_dict() for p in report.errors],
        "warnings": [p.as_dict() for p in report.warnings],
    }


class SitesImportApi(GenericAPIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = SitesImportSerializer

    @extend_schema(
        summary="Import a site master list",
        description="All or nothing; `dry_run` (default true) checks and writes nothing. Answers 200 with "
        "the report when the list landed or would land, 400 with the report when it has errors.",
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        serializer = SitesImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        operation = request_operation(request)
        require(request.user, operation, "import")
        with save_upload(data["file"]) as path:
            report = sites_import(
                operation=operation,
                user=request.user,
                path=path,
                mapping=data.get("mapping") or {},
                defaults=data.get("defaults") or {},
                sheet=data.get("sheet") or None,
                dry_run=data["dry_run"],
                filename=data["file"].name,
            )
        body = report_json(report)
        return Response(body, status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)
