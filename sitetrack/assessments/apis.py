"""The rounds and assessments API. Facilitators submit through it like through the form;
rules live in services, reads in selectors, access in core.access."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from sitetrack.assessments import rules, services
from sitetrack.assessments.models import (
    AssessmentStatus,
    Round,
    RoundKind,
    SiteAssessment,
)
from sitetrack.assessments.selectors import annotate_gaps, assessments_for, flows_for, rounds_for
from sitetrack.assessments.services import EDITABLE_FIELDS
from sitetrack.core.access import access_site, require
from sitetrack.core.api import Rows, iso_datetime, request_operation
from sitetrack.core.catalogue import catalogue_for, catalogue_for_version


class RoundSerializer(serializers.ModelSerializer):
    operation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    catalogue_version = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "operation",
            "kind",
            "kind_label",
            "number",
            "period_start",
            "period_end",
            "status",
            "catalogue_version",
            "closed_at",
        ]


class RoundCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RoundKind.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    number = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class RoundListView(GenericAPIView):
    serializer_class = RoundSerializer

    def get_queryset(self):
        return rounds_for(request_operation(self.request))

    @extend_schema(
        parameters=[OpenApiParameter("operation", str), OpenApiParameter("kind", str)],
        responses=RoundSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        operation = request_operation(request)
        require(request.user, operation, "read")
        qs = rounds_for(operation)
        if request.query_params.get("kind"):
            qs = qs.filter(kind=request.query_params["kind"])
        if request.query_params.get("status"):
            qs = qs.filter(status=request.query_params["status"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(RoundSerializer(page, many=True).data)

    @extend_schema(request=RoundCreateSerializer, responses={201: RoundSerializer})
    def post(self, request: Request) -> Response:
        operation = request_operation(request)
        data = RoundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round = services.round_create(operation=operation, user=request.user, **data.validated_data)
        return Response(RoundSerializer(round).data, status=status.HTTP_201_CREATED)


def _round_for(request: Request, pk: int) -> Round:
    operation = request_operation(request)
    require(request.user, operation, "read")
    round = Round.objects.filter(pk=pk, operation=operation).first()
    if round is None:
        raise Http404("No such round.")
    return round


class RoundDetailView(GenericAPIView):
    serializer_class = RoundSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(RoundSerializer(_round_for(request, pk)).data)


class RoundCloseView(GenericAPIView):
    serializer_class = RoundSerializer

    @extend_schema(request=None)
    def post(self, request: Request, pk: int) -> Response:
        round = services.round_close(round=_round_for(request, pk), user=request.user)
        return Response(RoundSerializer(round).data)


# --- assessments --------------------------------------------------------------------------------


class FlowSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["arrival", "departure"])
    area = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text="P-code")
    individuals = serializers.IntegerField(min_value=0)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=40)


class AssessmentSerializer(serializers.ModelSerializer):
    """An assessment with its derived indicators and gaps (computed by the SQL selectors
    against the catalogue version it was collected with) and its flows."""

    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True)
    round = serializers.PrimaryKeyRelatedField(read_only=True)
    catalogue_version = serializers.StringRelatedField(allow_null=True)
    facilitator = serializers.StringRelatedField(allow_null=True)
    validated_by = serializers.StringRelatedField(allow_null=True)
    derived = serializers.SerializerMethodField()
    gaps = serializers.SerializerMethodField()
    flows = serializers.SerializerMethodField()

    class Meta:
        model = SiteAssessment
        exclude = ["was_validated"]

    def _row(self, obj: SiteAssessment) -> dict[str, Any]:
        cache = self.context.setdefault("_derived", {})
        if obj.pk not in cache:
            catalogue = catalogue_for_version(obj.catalogue_version, obj.round.operation)
            row = annotate_gaps(SiteAssessment.objects.filter(pk=obj.pk), catalogue).values()[0]
            cache[obj.pk] = (catalogue, row)
        return cache[obj.pk]

    def get_derived(self, obj: SiteAssessment) -> dict[str, float | None]:
        catalogue, row = self._row(obj)
        return {d.code: row.get(d.derived) for d in catalogue.derived()}

    def get_gaps(self, obj: SiteAssessment) -> dict[str, dict[str, Any]]:
        catalogue, row = self._row(obj)
        return {
            d.code: {
                "threshold": float(d.threshold),
                "direction": d.threshold_direction,
                "gap": row.get(f"{d.code}_gap"),
                "met": row.get(f"{d.code}_met"),
            }
            for d in catalogue.with_thresholds()
        }

    def get_flows(self, obj: SiteAssessment) -> list[dict[str, Any]]:
        return flows_for(obj)


class AssessmentListSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    round = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = SiteAssessment
        fields = [
            "id",
            "round",
            "site",
            "status",
            "households",
            "individuals",
            "arrivals",
            "departures",
            "priority_1",
            "priority_2",
            "priority_3",
            "error_count",
            "warning_count",
            "updated_at",
        ]


# The list's rows straight from values() (core.api.Rows), the same fields as
# AssessmentListSerializer.
ASSESSMENT_ROWS = Rows(
    {
        "id": "id",
        "round": "round_id",
        "site": "site__code",
        **{name: name for name in AssessmentListSerializer.Meta.fields[3:-1]},
        "updated_at": ("updated_at", iso_datetime),
    }
)


class AssessmentWriteSerializer(serializers.Serializer):
    """`site` (code) and `round` (id) to create; then any assessment field by name,
    `indicators` as {code: value}, `flows` as a list. Values are checked by the
    validation rules; findings come back in `issues`."""

    site = serializers.CharField(required=False)
    round = serializers.IntegerField(required=False)
    values = serializers.DictField(required=False, help_text="Assessment fields (alternative to top level).")
    flows = FlowSerializer(many=True, required=False)
    reason = serializers.CharField(
        required=False, help_text="Correction reason (IMO, validated assessments)."
    )


def _data(request: Request) -> dict[str, Any]:
    return request.data.dict() if hasattr(request.data, "dict") else dict(request.data)


def _values_from(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data.get("values") or {})
    values.update({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    unknown = set(data) - EDITABLE_FIELDS - {"site", "round", "values", "flows", "reason", "operation"}
    if unknown:
        raise serializers.ValidationError({name: ["This field cannot be set."] for name in sorted(unknown)})
    return values


def _flows_from(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    if "flows" not in data:
        return None
    flows = FlowSerializer(data=data["flows"], many=True)
    flows.is_valid(raise_exception=True)
    return [dict(f) for f in flows.validated_data]


class AssessmentListView(GenericAPIView):
    serializer_class = AssessmentListSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("operation", str),
            OpenApiParameter("round", int),
            OpenApiParameter("site", str, description="site code"),
            OpenApiParameter("status", str),
        ],
        responses=AssessmentListSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        operation = request_operation(request)
        require(request.user, operation, "read")
        qs = assessments_for(request.user, operation)
        params = request.query_params
        if params.get("round"):
            if not params["round"].isdigit():
                raise serializers.ValidationError({"round": ["Give a round id (a number)."]})
            qs = qs.filter(round_id=int(params["round"]))
        if params.get("site"):
            qs = qs.filter(site__code=params["site"])
        if params.get("status"):
            if params["status"] not in AssessmentStatus.values:
                raise serializers.ValidationError(
                    {"status": [f"Use one of {', '.join(AssessmentStatus.values)}."]}
                )
            qs = qs.filter(status=params["status"])
        # Newest rounds first, then by site: the order of the (round DESC, site) index.
        return ASSESSMENT_ROWS.page(self, qs.order_by("-round_id", "site_id"))

    @extend_schema(request=AssessmentWriteSerializer, responses={201: AssessmentSerializer})
    def post(self, request: Request) -> Response:
        """Create or update the assessment of `site` in `round`."""
        operation = request_operation(request)
        data = _data(request)
        errors = {k: ["This field is required."] for k in ("site", "round") if not data.get(k)}
        if errors:
            raise serializers.ValidationError(errors)
        round = _round_for(request, int(data["round"]))
        site = access_site(request.user, operation, str(data["site"]), action="assess")
        existed = SiteAssessment.objects.filter(round=round, site=site).exists()
        assessment = services.assessment_save(
            site=site, round=round, user=request.user, values=_values_from(data), flows=_flows_from(data)
        )
        return Response(
            AssessmentSerializer(assessment).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


def _assessment_for(request: Request, pk: int) -> SiteAssessment:
    operation = request_operation(request)
    require(request.user, operation, "read")
    assessment = assessments_for(request.user, operation).filter(pk=pk).first()
    if assessment is None:
        raise Http404("No such assessment in your scope.")
    return assessment


class AssessmentDetailView(GenericAPIView):
    serializer_class = AssessmentSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(AssessmentSerializer(_assessment_for(request, pk)).data)

    @extend_schema(request=AssessmentWriteSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        """Change fields; an IMO correcting a validated assessment gives `reason`."""
        assessment = _assessment_for(request, pk)
        data = _data(request)
        values, flows = _values_from(data), _flows_from(data)
        mode = rules.write_mode(assessment.status, reason_given=bool(data.get("reason")))
        if mode == rules.WriteMode.CORRECT:
            assessment = services.assessment_correct(
                assessment=assessment,
                user=request.user,
                values=values,
                flows=flows,
                reason=data.get("reason", ""),
            )
        else:
            assessment = services.assessment_save(
                site=assessment.site, round=assessment.round, user=request.user, values=values, flows=flows
            )
        return Response(AssessmentSerializer(assessment).data)

    put = patch


class ActionSerializer(serializers.Serializer):
    warnings_comment = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)


class AssessmentActionView(GenericAPIView):
    serializer_class = ActionSerializer
    action_name = ""

    @extend_schema(request=ActionSerializer, responses=AssessmentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        assessment = _assessment_for(request, pk)
        data = ActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload = data.validated_data
        if self.action_name == "submit":
            assessment = services.assessment_submit(
                assessment=assessment, user=request.user, warnings_comment=payload.get("warnings_comment")
            )
        elif self.action_name == "validate":
            assessment = services.assessment_validate(
                assessment=assessment, user=request.user, warnings_comment=payload.get("warnings_comment")
            )
        else:
            assessment = services.assessment_return(
                assessment=assessment, user=request.user, reason=payload.get("reason", "")
            )
        return Response(AssessmentSerializer(assessment).data)


class CatalogueView(GenericAPIView):
    """The operation's current indicator catalogue."""

    serializer_class = None

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        operation = request_operation(request)
        require(request.user, operation, "read")
        catalogue = catalogue_for(operation)
        return Response(
            {
                "version": str(catalogue.version),
                "version_id": catalogue.version.pk,
                "indicators": [
                    {
                        "code": d.code,
                        "label_en": d.label_en,
                        "label_fr": d.label_fr,
                        "type": d.type,
                        "unit": d.unit,
                        "sector": d.sector,
                        "choices": list(d.choices),
                        "threshold": None if d.threshold is None else float(d.threshold),
                        "threshold_direction": d.threshold_direction,
                        "threshold_source": d.threshold_source,
                        "hxl": d.hxl,
                        "xlsform_name": d.xlsform_name,
                        "guidance_en": d.guidance_en,
                        "guidance_fr": d.guidance_fr,
                        "derived": d.derived,
                    }
                    for d in catalogue.indicators.values()
                ],
            }
        )
