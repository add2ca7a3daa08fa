"""The admin areas API: /api/admin-areas/ (list, detail, create, update) and its GeoJSON."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sitetrack.core.api import cached_list
from sitetrack.geo.models import AdminArea
from sitetrack.geo.selectors import (
    admin_area_get,
    admin_area_list,
    admin_areas_geojson,
)
from sitetrack.geo.services import admin_area_create, admin_area_update


class AdminAreaSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="Name in the request's language.")
    names = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text='Names by language (ISO 639-1), as the COD tables give them: {"ar": "عدن", "en": "Aden"}.',
    )
    parent = serializers.SlugRelatedField(slug_field="pcode", read_only=True, allow_null=True)
    country = serializers.CharField(source="country_pcode", read_only=True)
    bbox = serializers.SerializerMethodField(help_text="[min lon, min lat, max lon, max lat] or null.")
    has_boundary = serializers.SerializerMethodField()

    class Meta:
        model = AdminArea
        fields = [
            "pcode",
            "level",
            "name",
            "name_en",
            "name_fr",
            "names",
            "parent",
            "country",
            "population",
            "population_year",
            "bbox",
            "has_boundary",
            "source",
            "updated_at",
        ]

    def get_bbox(self, area: AdminArea) -> list[float] | None:
        box = [area.min_lon, area.min_lat, area.max_lon, area.max_lat]
        return None if None in box else box

    def get_has_boundary(self, area: AdminArea) -> bool:
        return area.boundary is not None


class AdminAreaDetailSerializer(AdminAreaSerializer):
    boundary = serializers.JSONField(read_only=True, help_text="GeoJSON Polygon or MultiPolygon (WGS84).")

    class Meta(AdminAreaSerializer.Meta):
        fields = [*AdminAreaSerializer.Meta.fields, "boundary"]


class AdminAreaUpdateSerializer(serializers.Serializer):
    name_en = serializers.CharField(max_length=200)
    name_fr = serializers.CharField(max_length=200, required=False, allow_blank=True)
    population = serializers.IntegerField(
        min_value=0, max_value=2_147_483_647, required=False, allow_null=True
    )
    population_year = serializers.IntegerField(
        min_value=1900, max_value=2100, required=False, allow_null=True
    )
    boundary = serializers.JSONField(
        required=False, allow_null=True, help_text="GeoJSON Polygon or MultiPolygon (WGS84)."
    )
    source = serializers.CharField(max_length=250, required=False, allow_blank=True)
    names = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=200),
        required=False,
        help_text='Names by language (ISO 639-1) to set, {"ar": "عدن"}; an empty name removes one.',
    )


class AdminAreaCreateSerializer(AdminAreaUpdateSerializer):
    pcode = serializers.CharField(max_length=20)
    parent = serializers.SlugRelatedField(
        slug_field="pcode",
        queryset=AdminArea.objects.all(),
        required=False,
        allow_null=True,
        help_text="P-code of the parent area; empty for a country (superusers only).",
    )


FeatureCollection = inline_serializer(
    name="AdminAreaFeatureCollection",
    fields={
        "type": serializers.CharField(default="FeatureCollection"),
        "features": inline_serializer(
            name="AdminAreaFeature",
            many=True,
            fields={
                "type": serializers.CharField(default="Feature"),
                "id": serializers.CharField(),
                "geometry": serializers.JSONField(),
                "properties": inline_serializer(
                    name="AdminAreaFeatureProperties",
                    fields={
                        "pcode": serializers.CharField(),
                        "name": serializers.CharField(),
                        "level": serializers.IntegerField(),
                        "parent": serializers.CharField(allow_null=True),
                        "population": serializers.IntegerField(allow_null=True),
                    },
                ),
            },
        ),
    },
)

FILTERS = [
    OpenApiParameter("level", OpenApiTypes.INT, description="Admin level (0 = country)."),
    OpenApiParameter("parent", OpenApiTypes.STR, description="P-code of the direct parent."),
    OpenApiParameter("within", OpenApiTypes.STR, description="P-code of an ancestor: every area below it."),
    OpenApiParameter("country", OpenApiTypes.STR, description="P-code of the country (admin 0)."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Search in names; P-code prefix."),
]


@extend_schema_view(
    list=extend_schema(parameters=FILTERS, summary="List admin areas"),
    retrieve=extend_schema(summary="One admin area, with its boundary"),
    create=extend_schema(
        request=AdminAreaCreateSerializer,
        responses={201: AdminAreaDetailSerializer},
        summary="Create an admin area (superusers; administrators and IMOs of an operation in its country)",
    ),
    update=extend_schema(request=AdminAreaUpdateSerializer, responses=AdminAreaDetailSerializer),
    partial_update=extend_schema(request=AdminAreaUpdateSerializer, responses=AdminAreaDetailSerializer),
)
class AdminAreaViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_field = "pcode"
    lookup_value_regex = r"[^/]+"
    serializer_class = AdminAreaSerializer
    queryset = AdminArea.objects.none()  # for the schema; requests use the selectors

    def get_serializer_class(self):
        return AdminAreaDetailSerializer if self.action == "retrieve" else AdminAreaSerializer

    def get_queryset(self):
        params = self.request.query_params
        return admin_area_list(
            level=params.get("level"),
            parent=params.get("parent"),
            within=params.get("within"),
            country=params.get("country"),
            q=params.get("q"),
        )

    def get_object(self) -> AdminArea:
        return admin_area_get(pcode=self.kwargs["pcode"])

    @cached_list
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = AdminAreaCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.setdefault("parent", None)
        area = admin_area_create(user=request.user, **data)
        return Response(AdminAreaDetailSerializer(area).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        area = self.get_object()
        serializer = AdminAreaUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        area = admin_area_update(user=request.user, area=area, **serializer.validated_data)
        return Response(AdminAreaDetailSerializer(area).data)

    @extend_schema(
        parameters=[
            *FILTERS,
            OpenApiParameter(
                "simplify",
                OpenApiTypes.FLOAT,
                description="Simplification tolerance in degrees (e.g. 0.001).",
            ),
        ],
        responses=FeatureCollection,
        summary="Boundaries as a GeoJSON FeatureCollection",
    )
    @action(detail=False, methods=["get"], url_path="geojson", pagination_class=None)
    def geojson(self, request: Request) -> Response:
        simplify = request.query_params.get("simplify")
        try:
            tolerance = float(simplify) if simplify else None
        except ValueError:
            raise serializers.ValidationError({"simplify": [_("Expected a number of degrees.")]}) from None
        if tolerance is not None and not 0 <= tolerance <= 1:
            raise serializers.ValidationError({"simplify": [_("Expected a number of degrees from 0 to 1.")]})
        return Response(admin_areas_geojson(self.get_queryset(), simplify=tolerance))
