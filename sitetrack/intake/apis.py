"""The intake API: start an import (multipart upload), follow it, read its cleaning log.
Thin: the work is in services, the status in selectors, access in core.access."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from sitetrack.assessments.models import Round
from sitetrack.core.access import access_import_run, require
from sitetrack.core.api import request_operation
from sitetrack.intake.models import CLEANING_LOG_FIELDS, CleaningLogEntry, FieldMapping, ImportRun
from sitetrack.intake.selectors import run_status
from sitetrack.intake.services import FORMS, import_upload


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="KoboToolbox XLSX/CSV/JSON export or ODK Central CSV/zip")
    round = serializers.CharField(help_text="Round id, or KIND:NUMBER (weekly:3)")
    form = serializers.ChoiceField(choices=FORMS, default=FORMS[0])
    mapping = serializers.CharField(
        required=False, allow_blank=True, help_text="Name of a saved field mapping"
    )
    all_or_nothing = serializers.BooleanField(required=False, default=False)
    operation = serializers.CharField(required=False, help_text="Operation slug")


class CleaningLogEntrySerializer(serializers.ModelSerializer):
    issue = serializers.CharField(
        source="message", read_only=True, help_text="What the line says, in the request's language"
    )
    params = serializers.JSONField(read_only=True, help_text="The parameters of the code")

    class Meta:
        model = CleaningLogEntry
        fields = list(CLEANING_LOG_FIELDS)


def _round(operation, text: str) -> Round:
    qs = Round.objects.filter(operation=operation)
    found = None
    if ":" in text:
        kind, number = text.split(":", 1)
        found = qs.filter(kind=kind, number=number).first() if number.isdigit() else None
    elif text.isdigit():
        found = qs.filter(pk=text).first()
    if found is None:
        raise serializers.ValidationError({"round": [f"No round {text!r} in this operation."]})
    return found


def _run(request: Request, pk: int) -> ImportRun:
    return access_import_run(request.user, None, pk)


class ImportListApi(GenericAPIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportCreateSerializer

    @extend_schema(
        summary="Start an import",
        description="Upload an export; the import runs as a task. Answers 202 with the status "
        "URL; poll it until `finished`.",
        responses={202: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        serializer = ImportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        operation = request_operation(request)
        require(request.user, operation, "import")
        mapping = None
        if data.get("mapping"):
            mapping = FieldMapping.objects.filter(operation=operation, name=data["mapping"]).first()
            if mapping is None:
                raise serializers.ValidationError({"mapping": [f"No mapping {data['mapping']!r}."]})
        run = import_upload(
            operation=operation,
            round=_round(operation, data["round"]),
            user=request.user,
            upload=data["file"],
            form=data["form"],
            mapping=mapping,
            all_or_nothing=data["all_or_nothing"],
        )
        body = run_status(run)
        body["url"] = request.build_absolute_uri(f"{run.pk}/")
        body["cleaning_log_url"] = request.build_absolute_uri(f"{run.pk}/cleaning-log/")
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        operation_id="imports_list",
        summary="Recent imports of the operation",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        operation = request_operation(request)
        require(request.user, operation, "import")
        runs = ImportRun.objects.filter(operation=operation).select_related("round", "mapping")
        page = self.paginate_queryset(runs)
        return self.get_paginated_response([run_status(r) for r in page])


class ImportDetailApi(GenericAPIView):
    serializer_class = None

    @extend_schema(summary="Status, progress and summary of an import", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        return Response(run_status(_run(request, pk)))


class ImportCleaningLogApi(GenericAPIView):
    serializer_class = CleaningLogEntrySerializer

    @extend_schema(
        summary="The cleaning log of an import",
        parameters=[
            OpenApiParameter("change_type", str, description="changed, updated, rejected, flagged, held"),
            OpenApiParameter("download", str, description="xlsx: the cleaning log workbook"),
        ],
        responses=CleaningLogEntrySerializer(many=True),
    )
    def get(self, request: Request, pk: int):
        run = _run(request, pk)
        if request.query_params.get("download") == "xlsx":
            import tempfile

            from sitetrack.intake.cleaning_log import write_cleaning_log

            handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115
            write_cleaning_log(run, handle.name)
            handle.seek(0)
            return FileResponse(handle, as_attachment=True, filename=f"cleaning-log-{run.pk}.xlsx")
        qs = run.log.order_by("id")
        if request.query_params.get("change_type"):
            qs = qs.filter(change_type=request.query_params["change_type"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(CleaningLogEntrySerializer(page, many=True).data)
