"""The rounds and assessments API. Facilitators submit through it like through the form;
rules live in services, reads in selectors, access in core.access."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from sitetrack.assessments import rules, services
from sitetrack.assessments.findings import issues_for_reader
from sitetrack.assessments.models import (
    AssessmentStatus,
    Round,
    RoundKind,
    SiteAssessment,
)
from sitetrack.assessments.selectors import annotate_gaps, assessments_for, flows_for, rounds_for
from sitetrack.assessments.services import EDITABLE_FIELDS
from sitetrack.assessments.validation import MAX_COUNT
from sitetrack.core.access import access_assessment, access_round, access_site, require
from sitetrack.core.api import Rows, cached_list, iso_datetime, request_operation
from sitetrack.core.api_input import InputSafeMixin, json_object
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
    number = serializers.IntegerField(min_value=1, max_value=100_000, required=False, allow_null=True)


class RoundListView(InputSafeMixin, GenericAPIView):
    serializer_class = RoundSerializer

    def get_queryset(self):
        return rounds_for(request_operation(self.request))

    @extend_schema(
        parameters=[OpenApiParameter("operation", str), OpenApiParameter("kind", str)],
        responses=RoundSerializer(many=True),
    )
    @cached_list
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


def _round_for(request: Request, pk: object) -> Round:
    return access_round(request.user, request_operation(request), pk)


class RoundDetailView(InputSafeMixin, GenericAPIView):
    serializer_class = RoundSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(RoundSerializer(_round_for(request, pk)).data)


class RoundCloseView(InputSafeMixin, GenericAPIView):
    serializer_class = RoundSerializer

    @extend_schema(request=None)
    def post(self, request: Request, pk: int) -> Response:
        round = services.round_close(round=_round_for(request, pk), user=request.user)
        return Response(RoundSerializer(round).data)


# --- assessments --------------------------------------------------------------------------------


class FlowSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["arrival", "departure"])
    area = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=20, help_text="P-code"
    )
    individuals = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)
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
    issues = serializers.SerializerMethodField(
        help_text="Validation findings: rule, severity, field, code, params, and the message in "
        "the language of the request (Accept-Language)."
    )

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

    def get_issues(self, obj: SiteAssessment) -> list[dict[str, Any]]:
        return issues_for_reader(obj.issues)


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


def _values_from(data: dict[str, Any]) -> dict[str, Any]:
    given = data.get("values")
    if given is not None and not isinstance(given, dict):
        raise serializers.ValidationError({"values": [_("Give the fields as an object {name: value}.")]})
    values = dict(given or {})
    values.update({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    unknown = set(data) - EDITABLE_FIELDS - {"site", "round", "values", "flows", "reason", "operation"}
    if unknown:
        raise serializers.ValidationError({name: ["This field cannot be set."] for name in sorted(unknown)})
    return values


def _reason_from(data: dict[str, Any]) -> str:
    reason = data.get("reason") or ""
    if not isinstance(reason, str):
        raise serializers.ValidationError({"reason": [_("Give the reason as text.")]})
    return reason


def _round_id(value: Any) -> int:
    """A round id from a body: a whole number (not a float, a bool or text)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise serializers.ValidationError({"round": [_("Give a round id (a whole number).")]})
    number = int(value)
    if not 0 < number < 2**31:
        raise serializers.ValidationError({"round": [_("Give a round id (a whole number).")]})
    return number


def _etag(assessment: SiteAssessment) -> str:
    return f'"{rules.version_of(assessment)}"'


def _expected_version(request: Request) -> str | None:
    """The version named by If-Match (an ETag from a GET); None when absent or `*`."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    return header.removeprefix("W/").strip('"')


def _conflict(error: services.EditConflict) -> Response:
    return Response(
        {name: [str(m) for m in messages] for name, messages in error.message_dict.items()},
        status=status.HTTP_412_PRECONDITION_FAILED,
    )


def _with_etag(response: Response, assessment: SiteAssessment) -> Response:
    response["ETag"] = _etag(assessment)
    return response


def _flows_from(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    if "flows" not in data or data["flows"] is None:
        return None
    flows = FlowSerializer(data=data["flows"], many=True)
    if not flows.is_valid():
        raise serializers.ValidationError({"flows": flows.errors})
    return [dict(f) for f in flows.validated_data]


class AssessmentListView(InputSafeMixin, GenericAPIView):
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
    @cached_list
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
        """Create or update the assessment of `site` in `round`: 201 when created, 200 when
        it existed (simultaneous creates for one site and round make one assessment)."""
        operation = request_operation(request)
        data = json_object(request)
        errors = {k: ["This field is required."] for k in ("site", "round") if data.get(k) in (None, "")}
        if errors:
            raise serializers.ValidationError(errors)
        if not isinstance(data["site"], str):
            raise serializers.ValidationError({"site": [_("Give the site code as text.")]})
        round = _round_for(request, _round_id(data["round"]))
        site = access_site(request.user, operation, data["site"], action="assess")
        try:
            saved, created = services.assessment_upsert(
                site=site,
                round=round,
                user=request.user,
                values=_values_from(data),
                flows=_flows_from(data),
                expected_version=_expected_version(request),
            )
        except services.EditConflict as error:
            return _conflict(error)
        response = Response(
            AssessmentSerializer(saved).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
        return _with_etag(response, saved)


def _assessment_for(request: Request, pk: object) -> SiteAssessment:
    return access_assessment(request.user, request_operation(request), pk)


class AssessmentDetailView(InputSafeMixin, GenericAPIView):
    serializer_class = AssessmentSerializer

    def get(self, request: Request, pk: int) -> Response:
        assessment = _assessment_for(request, pk)
        return _with_etag(Response(AssessmentSerializer(assessment).data), assessment)

    @extend_schema(request=AssessmentWriteSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        """Change fields; an IMO correcting a validated assessment gives `reason`. Send the
        ETag of your GET as If-Match: a change made since is refused with 412."""
        assessment = _assessment_for(request, pk)
        data = json_object(request)
        values, flows, reason = _values_from(data), _flows_from(data), _reason_from(data)
        expected = _expected_version(request)
        try:
            if rules.write_mode(assessment.status, reason_given=bool(reason)) == rules.WriteMode.CORRECT:
                assessment = services.assessment_correct(
                    assessment=assessment,
                    user=request.user,
                    values=values,
                    flows=flows,
                    reason=reason,
                    expected_version=expected,
                )
            else:
                assessment = services.assessment_save(
                    site=assessment.site,
                    round=assessment.round,
                    user=request.user,
                    values=values,
                    flows=flows,
                    expected_version=expected,
                )
        except services.EditConflict as error:
            return _conflict(error)
        return _with_etag(Response(AssessmentSerializer(assessment).data), assessment)

    put = patch


class ActionSerializer(serializers.Serializer):
    warnings_comment = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)


class AssessmentActionView(InputSafeMixin, GenericAPIView):
    serializer_class = ActionSerializer
    action_name = ""

    @extend_schema(request=ActionSerializer, responses=AssessmentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        assessment = _assessment_for(request, pk)
        expected = _expected_version(request)
        if expected and expected != rules.version_of(assessment):
            return _conflict(services.EditConflict({"version": [services.CONFLICT_MESSAGE()]}))
        data = ActionSerializer(data=json_object(request))
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
        return _with_etag(Response(AssessmentSerializer(assessment).data), assessment)


class CatalogueView(InputSafeMixin, GenericAPIView):
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
