"""The 3W API: activities (list, create, change, a month's figures), organisations and
referrals. Thin: rules live in services, reads in selectors, access in response.access."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from sitetrack.core.access import membership_for, operations_for, require
from sitetrack.core.api import request_operation
from sitetrack.core.models import Operation, Organisation
from sitetrack.core.sectors import Sector
from sitetrack.response import services
from sitetrack.response.access import (
    access_activity,
    access_referral,
    may_update_referral,
    scope_key,
    visible_referrals,
)
from sitetrack.response.models import (
    Activity,
    ActivityReport,
    ActivitySource,
    ActivityStatus,
    OrganisationType,
    Referral,
    ReferralStatus,
)
from sitetrack.response.selectors import activity_list, organisation_aliases, organisation_list
from sitetrack.response.services.activities import ACTIVITY_FIELDS, REACHED_FIELDS, TARGETED_FIELDS
from sitetrack.response.versions import cached, data_version


def _org(org: Organisation | None) -> str | None:
    return (org.acronym or org.name) if org else None


class ActivityReportSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField()

    class Meta:
        model = ActivityReport
        fields = ["month", *REACHED_FIELDS, "quantity", "updated_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_month(self, report: ActivityReport) -> str:
        return report.period.month.strftime("%Y-%m")


class ActivitySerializer(serializers.ModelSerializer):
    """An activity as the API returns it; `reached_total` is the sum of its months (or of
    the month asked with ?month=)."""

    operation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation = serializers.SerializerMethodField()
    funding_organisation = serializers.SerializerMethodField()
    activity_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    site = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    admin_area = serializers.SlugRelatedField(slug_field="pcode", read_only=True, help_text="P-code")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    sector_label = serializers.CharField(source="get_sector_display", read_only=True)
    reached_total = serializers.IntegerField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "operation",
            "organisation",
            "funding_organisation",
            "sector",
            "sector_label",
            "activity_type",
            "site",
            "admin_area",
            "start_date",
            "end_date",
            "status",
            "status_label",
            "unit",
            *TARGETED_FIELDS,
            "reached_total",
            "notes",
            "source",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_organisation(self, activity: Activity) -> str | None:
        return _org(activity.organisation)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_funding_organisation(self, activity: Activity) -> str | None:
        return _org(activity.funding_organisation)


@extend_schema_field(OpenApiTypes.STR)
class RawField(serializers.Field):
    """Passes the value on: the service checks it and gives the specific message."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class ActivityWriteSerializer(serializers.Serializer):
    """What a client sends to create (POST) or change (PATCH) an activity. References are
    codes: organisation acronym or name, activity type code, site code, P-code."""

    operation = serializers.SlugField(
        required=False, help_text="Operation slug (needed if you belong to several)."
    )
    organisation = serializers.CharField(help_text="Implementing organisation: acronym or name.")
    funding_organisation = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False, allow_blank=True)
    activity_type = serializers.CharField(help_text="Code from the sector's list, e.g. wash-latrines.")
    site = serializers.CharField(required=False, allow_blank=True, allow_null=True, help_text="Site code.")
    admin_area = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="P-code, for area-wide work."
    )
    start_date = RawField(required=False, allow_null=True)
    end_date = RawField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ActivityStatus.choices, required=False)
    unit = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


for _field in TARGETED_FIELDS:
    ActivityWriteSerializer._declared_fields[_field] = serializers.IntegerField(
        required=False, allow_null=True, min_value=0
    )


class ActivityReportWriteSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)


for _field in REACHED_FIELDS:
    ActivityReportWriteSerializer._declared_fields[_field] = serializers.IntegerField(
        required=False, allow_null=True, min_value=0
    )


FILTERS = [
    OpenApiParameter("operation", str, description="Operation slug."),
    OpenApiParameter("sector", str, enum=Sector.values),
    OpenApiParameter("status", str, enum=ActivityStatus.values),
    OpenApiParameter("organisation", str, description="Acronym or name."),
    OpenApiParameter("site", str, description="Site code."),
    OpenApiParameter("area", str, description="Admin P-code: activities in this area and below it."),
    OpenApiParameter("month", str, description="YYYY-MM: people reached in that month only."),
]


# The list renders rows read with values() into ActivitySerializer's shape (a page of
# 100 activities through the serializer costs several times the query).
LIST_VALUES = [
    "id",
    "operation__slug",
    "organisation__acronym",
    "organisation__name",
    "funding_organisation__acronym",
    "funding_organisation__name",
    "sector",
    "activity_type__code",
    "site__code",
    "admin_area__pcode",
    "start_date",
    "end_date",
    "status",
    "unit",
    *TARGETED_FIELDS,
    "reached_total",
    "notes",
    "source",
    "created_at",
    "updated_at",
]


def activity_rows(rows) -> list[dict]:
    dates, times = serializers.DateField(), serializers.DateTimeField()
    sectors = {k: str(v) for k, v in Sector.choices}
    statuses = {k: str(v) for k, v in ActivityStatus.choices}
    out = []
    for r in rows:
        item = {
            "id": r["id"],
            "operation": r["operation__slug"],
            "organisation": r["organisation__acronym"] or r["organisation__name"],
            "funding_organisation": r["funding_organisation__acronym"] or r["funding_organisation__name"],
            "sector": r["sector"],
            "sector_label": sectors.get(r["sector"], r["sector"]),
            "activity_type": r["activity_type__code"],
            "site": r["site__code"],
            "admin_area": r["admin_area__pcode"],
            "start_date": dates.to_representation(r["start_date"]) if r["start_date"] else None,
            "end_date": dates.to_representation(r["end_date"]) if r["end_date"] else None,
            "status": r["status"],
            "status_label": statuses.get(r["status"], r["status"]),
            "unit": r["unit"],
        }
        item.update({f: r[f] for f in TARGETED_FIELDS})
        item.update(
            reached_total=r["reached_total"],
            notes=r["notes"],
            source=r["source"],
            created_at=times.to_representation(r["created_at"]),
            updated_at=times.to_representation(r["updated_at"]),
        )
        out.append(item)
    return out


def cached_operation(request: Request) -> tuple[Operation, tuple]:
    """The request's operation (`core.api.request_operation`) and the data version, in one
    query on a warm process: the operation and the user's membership are cached at the
    data version (memberships and operations are watched), and the membership is handed to
    `core.access.membership_for`'s per-user memo so that the role checks need no query."""
    version = data_version()
    slug = request.query_params.get("operation", "")

    def compute():
        operation = request_operation(request)
        return operation, membership_for(request.user, operation)

    operation, membership = cached("operation", (request.user.pk, slug), compute, version=version)
    memo = getattr(request.user, "_membership_cache", None)
    if memo is None:
        memo = request.user._membership_cache = {}
    memo.setdefault(operation.pk, membership)
    return operation, version


def cached_page(
    view: GenericAPIView, kind: str, parts: tuple, source, render, *, version: tuple | None = None
) -> Response:
    """The paginated response of `render(page of source())`, cached at the data version
    with `parts` (what else the rows depend on: scope, language, filters) and the page
    asked. A hit costs one read of the version; links are built from the request."""
    paginator, request = view.paginator, view.request
    params = request.query_params
    key = (*parts, params.get("page") or "1", params.get("page_size") or "")

    def compute():
        page = paginator.paginate_queryset(source(), request, view=view)
        return render(page), paginator.number, paginator.size, paginator.has_next, paginator.count

    data, paginator.number, paginator.size, paginator.has_next, paginator.count = cached(
        kind, key, compute, version=version
    )
    paginator.request = request
    return paginator.get_paginated_response(data)


def _activity_for(request: Request, pk: int, action: str) -> Activity:
    operation = operations_for(request.user).filter(activities__pk=pk).first()
    if operation is None:
        raise Http404("No such activity in your scope.")
    return access_activity(request.user, operation, pk, action=action)


def _write_values(data: dict) -> dict:
    return {k: v for k, v in data.items() if k in ACTIVITY_FIELDS}


class ActivityListApi(GenericAPIView):
    serializer_class = ActivitySerializer

    def get_queryset(self, operation=None):
        params = self.request.query_params
        return activity_list(
            user=self.request.user,
            operation=operation or request_operation(self.request),
            sector=params.get("sector", ""),
            organisation=params.get("organisation", ""),
            status=params.get("status", ""),
            site=params.get("site", ""),
            area=params.get("area", ""),
            month=params.get("month", ""),
        )

    @extend_schema(
        parameters=FILTERS, responses=ActivitySerializer(many=True), summary="List activities (3W)"
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        operation, version = cached_operation(request)
        parts = (
            operation.pk,
            scope_key(request.user, operation),
            get_language(),
            *(params.get(k, "") for k in ("sector", "organisation", "status", "site", "area", "month")),
        )
        return cached_page(
            self,
            "3w-api",
            parts,
            lambda: self.get_queryset(operation).values(*LIST_VALUES),
            activity_rows,
            version=version,
        )

    @extend_schema(
        request=ActivityWriteSerializer,
        responses={201: ActivitySerializer},
        summary="Create an activity",
        description="Partners create activities of their own organisation only.",
    )
    def post(self, request: Request) -> Response:
        operation = request_operation(request)
        require(request.user, operation, "report_activity")
        serializer = ActivityWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = services.activity_create(
            operation=operation,
            user=request.user,
            source=ActivitySource.API,
            **_write_values(serializer.validated_data),
        )
        return Response(ActivitySerializer(activity).data, status=201)


class ActivityDetailApi(GenericAPIView):
    serializer_class = ActivitySerializer

    @extend_schema(responses=ActivitySerializer, summary="One activity")
    def get(self, request: Request, pk: int) -> Response:
        return Response(ActivitySerializer(_activity_for(request, pk, "read")).data)

    @extend_schema(
        request=ActivityWriteSerializer(partial=True),
        responses=ActivitySerializer,
        summary="Change an activity",
    )
    def patch(self, request: Request, pk: int) -> Response:
        activity = _activity_for(request, pk, "report_activity")
        serializer = ActivityWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        activity = services.activity_update(
            activity=activity, user=request.user, **_write_values(serializer.validated_data)
        )
        return Response(ActivitySerializer(activity).data)


class ActivityReportsApi(GenericAPIView):
    serializer_class = ActivityReportSerializer
    pagination_class = None  # the list is one activity's months, answered whole

    @extend_schema(responses=ActivityReportSerializer(many=True), summary="An activity's monthly figures")
    def get(self, request: Request, pk: int) -> Response:
        activity = _activity_for(request, pk, "read")
        reports = activity.reports.select_related("period").order_by("period__month")
        return Response(ActivityReportSerializer(reports, many=True).data)

    @extend_schema(
        request=ActivityReportWriteSerializer,
        responses=ActivityReportSerializer,
        summary="Record a month's figures",
        description="Refused (400, field `period`) once the month is locked or its deadline has passed.",
    )
    def post(self, request: Request, pk: int) -> Response:
        activity = _activity_for(request, pk, "report_activity")
        serializer = ActivityReportWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        month = data.pop("month")
        report = services.activity_report_save(activity=activity, period=month, user=request.user, **data)
        return Response(ActivityReportSerializer(report).data)


class OrganisationSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="kind", read_only=True)
    type_label = serializers.SerializerMethodField()
    aliases = serializers.SerializerMethodField()
    activity_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "acronym", "type", "type_label", "aliases", "activity_count"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_type_label(self, org: Organisation) -> str:
        from sitetrack.response.selectors import organisation_type_label

        return organisation_type_label(org.kind)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_aliases(self, org: Organisation) -> list[str]:
        return organisation_aliases(org)


class OrganisationWriteSerializer(serializers.Serializer):
    operation = serializers.SlugField(required=False)
    name = serializers.CharField()
    acronym = serializers.CharField(required=False, allow_blank=True)
    type = serializers.ChoiceField(choices=OrganisationType.choices, required=False, allow_blank=True)
    aliases = serializers.ListField(child=serializers.CharField(), required=False)


class OrganisationListApi(GenericAPIView):
    serializer_class = OrganisationSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("operation", str, description="Operation slug."),
            OpenApiParameter("q", str, description="Search in names, acronyms and aliases."),
        ],
        responses=OrganisationSerializer(many=True),
        summary="List organisations",
    )
    def get(self, request: Request) -> Response:
        operation = request_operation(request)
        require(request.user, operation, "read")
        qs = organisation_list(operation=operation, q=request.query_params.get("q", ""))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(OrganisationSerializer(page, many=True).data)

    @extend_schema(
        request=OrganisationWriteSerializer,
        responses={201: OrganisationSerializer},
        summary="Create an organisation",
    )
    def post(self, request: Request) -> Response:
        operation = request_operation(request)
        serializer = OrganisationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        org = services.organisation_create(
            operation=operation,
            user=request.user,
            name=data["name"],
            acronym=data.get("acronym", ""),
            kind=data.get("type", ""),
            aliases=data.get("aliases", []),
        )
        return Response(OrganisationSerializer(org).data, status=201)


class OrganisationDetailApi(GenericAPIView):
    serializer_class = OrganisationSerializer

    @extend_schema(
        parameters=[OpenApiParameter("operation", str, description="Operation slug.")],
        responses=OrganisationSerializer,
        summary="One organisation",
    )
    def get(self, request: Request, pk: int) -> Response:
        operation = request_operation(request)
        require(request.user, operation, "read")
        org = organisation_list(operation=operation).filter(pk=pk).first()
        if org is None:
            raise Http404("No such organisation.")
        return Response(OrganisationSerializer(org).data)


class ReferralSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_organisation = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "site",
            "sector",
            "to_organisation",
            "focal_point_name",
            "focal_point_email",
            "title",
            "description",
            "status",
            "status_label",
            "due_date",
            "overdue",
            "declined_reason",
            "created_at",
            "acknowledged_at",
            "closed_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_to_organisation(self, referral: Referral) -> str | None:
        return _org(referral.to_organisation)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, referral: Referral) -> bool:
        return referral.is_overdue(timezone.localdate())


class ReferralStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    comment = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Required to decline.")


class ReferralListApi(GenericAPIView):
    serializer_class = ReferralSerializer

    @extend_schema(
        parameters=[OpenApiParameter("operation", str, description="Operation slug.")],
        responses=ReferralSerializer(many=True),
        summary="List referrals",
    )
    def get(self, request: Request) -> Response:
        operation = request_operation(request)
        qs = visible_referrals(request.user, operation).select_related("site", "to_organisation")
        page = self.paginate_queryset(qs.order_by("due_date", "pk"))
        return self.get_paginated_response(ReferralSerializer(page, many=True).data)


class ReferralStatusApi(GenericAPIView):
    serializer_class = ReferralStatusSerializer

    @extend_schema(
        request=ReferralStatusSerializer, responses=ReferralSerializer, summary="Move a referral along"
    )
    def post(self, request: Request, pk: int) -> Response:
        operation = operations_for(request.user).filter(referrals__pk=pk).first()
        if operation is None:
            raise Http404("No such referral in your scope.")
        referral = access_referral(request.user, operation, pk)
        # Who may move it, before what they sent: a facilitator gets 403, not a 400 on the body.
        if not may_update_referral(request.user, referral):
            raise PermissionDenied(_("Only the IMO or the receiving organisation can change this referral."))
        serializer = ReferralStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_change_status(
            referral=referral, user=request.user, **serializer.validated_data
        )
        return Response(ReferralSerializer(referral).data)
