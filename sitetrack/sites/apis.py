"""The sites API: list with filters, detail, create, update. Thin: rules live in services,
reads in selectors, access in core.access."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from sitetrack.core.access import access_site, operations_for, require
from sitetrack.core.api import (
    Rows,
    cached_list,
    choice_labels,
    iso_date,
    iso_datetime,
    request_operation,
    translated,
)
from sitetrack.sites.models import LandTenure, ManagementType, Site, SiteStatus, SiteType
from sitetrack.sites.selectors import site_list
from sitetrack.sites.services import site_create, site_update


class SiteSerializer(serializers.ModelSerializer):
    """A site as the API returns it."""

    operation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    admin_area = serializers.SlugRelatedField(slug_field="pcode", read_only=True, help_text="P-code")
    admin_area_name = serializers.CharField(source="admin_area.name", read_only=True)
    site_type_label = serializers.CharField(source="get_site_type_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    management_agency = serializers.SerializerMethodField()

    class Meta:
        model = Site
        fields = [
            "code",
            "name",
            "aliases",
            "operation",
            "site_type",
            "site_type_label",
            "status",
            "status_label",
            "admin_area",
            "admin_area_name",
            "latitude",
            "longitude",
            "management_agency",
            "management_type",
            "land_tenure",
            "area_m2",
            "capacity",
            "opened_on",
            "notes",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_management_agency(self, site: Site) -> str | None:
        org = site.management_agency
        return (org.acronym or org.name) if org else None


# The list's rows straight from values() (core.api.Rows), the same fields as SiteSerializer.
SITE_ROWS = Rows(
    {
        "code": "code",
        "name": "name",
        "aliases": "aliases",
        "operation": "operation__slug",
        "site_type": "site_type",
        "site_type_label": ("site_type", choice_labels(SiteType.choices)),
        "status": "status",
        "status_label": ("status", choice_labels(SiteStatus.choices)),
        "admin_area": "admin_area__pcode",
        "admin_area_name": translated("admin_area__name_en", "admin_area__name_fr"),
        "latitude": "latitude",
        "longitude": "longitude",
        "management_agency": lambda r: r["management_agency__acronym"] or r["management_agency__name"],
        "management_type": "management_type",
        "land_tenure": "land_tenure",
        "area_m2": "area_m2",
        "capacity": "capacity",
        "opened_on": ("opened_on", iso_date),
        "notes": "notes",
        "created_at": ("created_at", iso_datetime),
        "updated_at": ("updated_at", iso_datetime),
    },
    extra=[
        "admin_area__name_en",
        "admin_area__name_fr",
        "management_agency__acronym",
        "management_agency__name",
    ],
)


@extend_schema_field(OpenApiTypes.DOUBLE)
class RawNumberField(serializers.Field):
    """Passes the value through: the service checks it and gives the specific message
    (malformed coordinate, out of range, outside the area)."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


@extend_schema_field(OpenApiTypes.INT)
class RawIntegerField(RawNumberField):
    pass


class SiteWriteSerializer(serializers.Serializer):
    """What a client sends to create (POST) or change (PATCH) a site."""

    operation = serializers.SlugField(
        required=False, help_text="Operation slug (needed if you belong to several)."
    )
    code = serializers.CharField(
        required=False, allow_blank=True, help_text="Generated from the admin P-code when left out."
    )
    name = serializers.CharField(allow_blank=True)
    aliases = serializers.ListField(child=serializers.CharField(), required=False)
    site_type = serializers.ChoiceField(choices=SiteType.choices)
    admin_area = serializers.CharField(help_text="P-code of the lowest admin area known, e.g. CF7111.")
    latitude = RawNumberField(required=False, allow_null=True)
    longitude = RawNumberField(required=False, allow_null=True)
    management_agency = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="Organisation acronym or name."
    )
    management_type = serializers.ChoiceField(
        choices=ManagementType.choices, required=False, allow_blank=True
    )
    land_tenure = serializers.ChoiceField(choices=LandTenure.choices, required=False, allow_blank=True)
    area_m2 = RawIntegerField(required=False, allow_null=True)
    capacity = RawIntegerField(required=False, allow_null=True)
    opened_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


FILTERS = [
    OpenApiParameter("operation", str, description="Operation slug."),
    OpenApiParameter("site_type", str, enum=SiteType.values),
    OpenApiParameter("status", str, enum=SiteStatus.values),
    OpenApiParameter("area", str, description="Admin P-code: sites in this area and everything below it."),
    OpenApiParameter("q", str, description="Search in code, name and aliases."),
]


class SiteListApi(GenericAPIView):
    serializer_class = SiteSerializer

    def get_queryset(self):
        request = self.request
        operation = request_operation(request)
        params = request.query_params
        return site_list(
            user=request.user,
            operation=operation,
            q=params.get("q", ""),
            site_type=params.get("site_type", ""),
            status=params.get("status", ""),
            area=params.get("area", ""),
        )

    @extend_schema(parameters=FILTERS, responses=SiteSerializer(many=True), summary="List sites")
    @cached_list
    def get(self, request: Request) -> Response:
        return SITE_ROWS.page(self, self.get_queryset())

    @extend_schema(request=SiteWriteSerializer, responses={201: SiteSerializer}, summary="Create a site")
    def post(self, request: Request) -> Response:
        operation = request_operation(request)
        require(request.user, operation, "create_site")
        serializer = SiteWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("operation", None)
        site = site_create(operation=operation, user=request.user, **data)
        return Response(SiteSerializer(site).data, status=201)


class SiteDetailApi(GenericAPIView):
    serializer_class = SiteSerializer
    lookup_url_kwarg = "code"

    def get_site(self, request: Request, code: str, action: str) -> Site:
        """The site if the user may `action` it. Its operation is the site's own (codes are
        unique), or the one named by ?operation=; 404 for anything outside the scope."""
        slug = request.query_params.get("operation")
        if slug:
            operation = request_operation(request)
        else:
            operation = operations_for(request.user).filter(sites__code=code).first()
            if operation is None:
                raise Http404("No such site in your scope.")
        return access_site(request.user, operation, code, action=action)

    @extend_schema(responses=SiteSerializer, summary="One site")
    def get(self, request: Request, code: str) -> Response:
        return Response(SiteSerializer(self.get_site(request, code, "read")).data)

    @extend_schema(
        request=SiteWriteSerializer(partial=True), responses=SiteSerializer, summary="Change a site"
    )
    def patch(self, request: Request, code: str) -> Response:
        site = self.get_site(request, code, "edit_site")
        serializer = SiteWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("operation", None)
        site = site_update(site=site, user=request.user, **data)
        site.refresh_from_db()
        return Response(SiteSerializer(site).data)
