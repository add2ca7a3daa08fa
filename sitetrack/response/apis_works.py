"""The site maintenance API: facility inventories and work orders. Thin: rules in
services/works.py, reads in infrastructure.py, access in response.access."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from sitetrack.core.access import require
from sitetrack.core.api import request_operation
from sitetrack.response import services
from sitetrack.response.access import (
    access_facility,
    access_work_order,
    visible_facilities,
    visible_work_orders,
)
from sitetrack.response.models import (
    Facility,
    FacilityCondition,
    FacilityKind,
    WorkOrder,
    WorkOrderKind,
    WorkOrderPriority,
    WorkOrderStatus,
)
from sitetrack.response.services.works import FACILITY_FIELDS, WORK_ORDER_FIELDS


class FacilitySerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # Plain text, not schema enums (their names would collide with other "kind" fields).
    kind = serializers.CharField(read_only=True, help_text=", ".join(FacilityKind.values))
    condition = serializers.CharField(read_only=True, help_text=", ".join(FacilityCondition.values))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Facility
        fields = ["id", "site", *FACILITY_FIELDS[:1], "kind_label", *FACILITY_FIELDS[1:], "updated_at"]


class FacilityWriteSerializer(serializers.Serializer):
    operation = serializers.SlugField(required=False)
    site = serializers.CharField(required=False, help_text="Site code (to create).")
    kind = serializers.CharField(required=False, help_text=", ".join(FacilityKind.values))
    label = serializers.CharField(required=False, allow_blank=True)
    quantity = serializers.IntegerField(required=False, min_value=0)
    condition = serializers.CharField(required=False, help_text=", ".join(FacilityCondition.values))
    usable = serializers.BooleanField(required=False)
    sex_segregated = serializers.BooleanField(required=False, allow_null=True)
    lockable = serializers.BooleanField(required=False, allow_null=True)
    checked_on = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class WorkOrderSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True, help_text=", ".join(WorkOrderKind.values))
    priority = serializers.CharField(read_only=True, help_text=", ".join(WorkOrderPriority.values))
    status = serializers.CharField(read_only=True, help_text=", ".join(WorkOrderStatus.values))
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = WorkOrder
        fields = ["id", "site", *WORK_ORDER_FIELDS, "status_label", "created_at", "updated_at"]

    def get_organisation(self, order: WorkOrder) -> str | None:
        org = order.organisation
        return (org.acronym or org.name) if org else None


class WorkOrderWriteSerializer(serializers.Serializer):
    operation = serializers.SlugField(required=False)
    site = serializers.CharField(required=False, help_text="Site code (to create).")
    kind = serializers.CharField(required=False, help_text=", ".join(WorkOrderKind.values))
    title = serializers.CharField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    priority = serializers.CharField(required=False, help_text=", ".join(WorkOrderPriority.values))
    organisation = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="Acronym or name."
    )
    status = serializers.CharField(required=False, help_text=", ".join(WorkOrderStatus.values))
    facility = serializers.IntegerField(required=False, allow_null=True)
    requested_on = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    completed_on = serializers.DateField(required=False, allow_null=True)
    estimated_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    actual_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )


OPERATION = OpenApiParameter("operation", str, description="Operation slug.")


def _values(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("operation", "site")}


class FacilityListApi(GenericAPIView):
    serializer_class = FacilitySerializer

    @extend_schema(
        parameters=[
            OPERATION,
            OpenApiParameter("site", str),
            OpenApiParameter("kind", str, description=", ".join(FacilityKind.values)),
        ],
        responses=FacilitySerializer(many=True),
        summary="List site facilities",
    )
    def get(self, request: Request) -> Response:
        operation = request_operation(request)
        require(request.user, operation, "read")
        qs = visible_facilities(request.user, operation).select_related("site")
        if site := request.query_params.get("site", "").strip():
            qs = qs.filter(site__code__iexact=site)
        if kind := request.query_params.get("kind", "").strip():
            qs = qs.filter(kind=kind)
        page = self.paginate_queryset(qs.order_by("site__code", "kind", "pk"))
        return self.get_paginated_response(FacilitySerializer(page, many=True).data)

    @extend_schema(
        request=FacilityWriteSerializer, responses={201: FacilitySerializer}, summary="Add a facility"
    )
    def post(self, request: Request) -> Response:
        operation = request_operation(request)
        serializer = FacilityWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        facility = services.facility_create(
            operation=operation, user=request.user, site=data.get("site", ""), **_values(data)
        )
        return Response(FacilitySerializer(facility).data, status=201)


class FacilityDetailApi(GenericAPIView):
    serializer_class = FacilitySerializer

    @extend_schema(parameters=[OPERATION], responses=FacilitySerializer, summary="One facility")
    def get(self, request: Request, pk: int) -> Response:
        operation = request_operation(request)
        return Response(FacilitySerializer(access_facility(request.user, operation, pk)).data)

    @extend_schema(
        parameters=[OPERATION],
        request=FacilityWriteSerializer(partial=True),
        responses=FacilitySerializer,
        summary="Change a facility",
    )
    def patch(self, request: Request, pk: int) -> Response:
        operation = request_operation(request)
        facility = access_facility(request.user, operation, pk, action="change")
        serializer = FacilityWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        facility = services.facility_update(
            facility=facility, user=request.user, **_values(serializer.validated_data)
        )
        return Response(FacilitySerializer(facility).data)


class WorkOrderListApi(GenericAPIView):
    serializer_class = WorkOrderSerializer

    @extend_schema(
        parameters=[
            OPERATION,
            OpenApiParameter("site", str),
            OpenApiParameter("status", str, description=", ".join(WorkOrderStatus.values)),
            OpenApiParameter("organisation", str, description="Acronym or name."),
        ],
        responses=WorkOrderSerializer(many=True),
        summary="List work orders",
        description="Partners see only the work orders their organisation is responsible for.",
    )
    def get(self, request: Request) -> Response:
        operation = request_operation(request)
        require(request.user, operation, "read")
        qs = visible_work_orders(request.user, operation).select_related("site", "organisation")
        params = request.query_params
        if site := params.get("site", "").strip():
            qs = qs.filter(site__code__iexact=site)
        if status := params.get("status", "").strip():
            qs = qs.filter(status=status)
        if org := params.get("organisation", "").strip():
            from django.db.models import Q

            qs = qs.filter(Q(organisation__acronym__iexact=org) | Q(organisation__name__iexact=org))
        page = self.paginate_queryset(qs.order_by("status", "due_date", "pk"))
        return self.get_paginated_response(WorkOrderSerializer(page, many=True).data)

    @extend_schema(
        request=WorkOrderWriteSerializer, responses={201: WorkOrderSerializer}, summary="Request works"
    )
    def post(self, request: Request) -> Response:
        operation = request_operation(request)
        serializer = WorkOrderWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = services.work_order_create(
            operation=operation, user=request.user, site=data.get("site", ""), **_values(data)
        )
        return Response(WorkOrderSerializer(order).data, status=201)


class WorkOrderDetailApi(GenericAPIView):
    serializer_class = WorkOrderSerializer

    @extend_schema(parameters=[OPERATION], responses=WorkOrderSerializer, summary="One work order")
    def get(self, request: Request, pk: int) -> Response:
        operation = request_operation(request)
        return Response(WorkOrderSerializer(access_work_order(request.user, operation, pk)).data)

    @extend_schema(
        parameters=[OPERATION],
        request=WorkOrderWriteSerializer(partial=True),
        responses=WorkOrderSerializer,
        summary="Change a work order",
        description="Partners change only their organisation's work orders (403 otherwise).",
    )
    def patch(self, request: Request, pk: int) -> Response:
        operation = request_operation(request)
        order = access_work_order(request.user, operation, pk, action="change")
        serializer = WorkOrderWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        order = services.work_order_update(
            order=order, user=request.user, **_values(serializer.validated_data)
        )
        return Response(WorkOrderSerializer(order).data)
