"""The gap matrix API (sites x sectors, see response/gaps.py): a page of plain rows,
cached per data version like the 3W list (response/apis.py)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from sitetrack.core.access import require
from sitetrack.response.access import scope_key
from sitetrack.response.apis import cached_operation, cached_page


def gap_row_dicts(rows) -> list[dict]:
    """GapRows as GapRowSerializer documents them (dataclasses.asdict, without its deep
    copies)."""
    return [
        {
            "code": r.code,
            "name": r.name,
            "admin1_pcode": r.admin1_pcode,
            "admin2_pcode": r.admin2_pcode,
            "population": r.population,
            "assessed": r.assessed,
            "cells": [
                {
                    "sector": c.sector,
                    "severity": c.severity,
                    "gap_count": c.gap_count,
                    "partners": c.partners,
                    "activities": c.activities,
                    "reached": c.reached,
                    "coverage": c.coverage,
                    "status": c.status,
                }
                for c in r.cells
            ],
        }
        for r in rows
    ]


class GapCellSerializer(serializers.Serializer):
    sector = serializers.CharField()
    status = serializers.CharField(help_text="gap, under_covered, covered, over_served, or empty")
    severity = serializers.IntegerField(allow_null=True)
    gap_count = serializers.IntegerField()
    partners = serializers.IntegerField()
    activities = serializers.IntegerField()
    reached = serializers.IntegerField()
    coverage = serializers.FloatField(allow_null=True)


class GapRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    admin1_pcode = serializers.CharField()
    admin2_pcode = serializers.CharField()
    population = serializers.IntegerField(allow_null=True)
    assessed = serializers.BooleanField()
    cells = GapCellSerializer(many=True)


class GapMatrixApi(GenericAPIView):
    serializer_class = GapRowSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("operation", str, description="Operation slug."),
            OpenApiParameter("round", int, description="Weekly round number (default: the latest)."),
            OpenApiParameter("status", str, description="Only sites with a cell of this status."),
        ],
        responses=GapRowSerializer(many=True),
        summary="Gap matrix (sites × sectors)",
        description="Need from each site's latest validated assessment against the partners with an "
        "ongoing activity in the sector and the people they reached in the round's month.",
    )
    def get(self, request: Request) -> Response:
        from sitetrack.assessments.models import Round, RoundKind
        from sitetrack.response.gaps import gap_matrix

        operation, version = cached_operation(request)
        require(request.user, operation, "read")
        number = request.query_params.get("round", "")
        status = request.query_params.get("status", "")

        def rows():
            # The round is looked up here: on a cached page, no query at all.
            rounds = (
                Round.objects.filter(operation=operation, kind=RoundKind.WEEKLY)
                .select_related("operation")
                .order_by("-number")
            )
            round = rounds.filter(number=int(number)).first() if number.isdigit() else rounds.first()
            if round is None:
                raise Http404("No such weekly round.")
            matrix = gap_matrix(round, user=request.user)
            if not status:
                return matrix.rows
            return [r for r in matrix.rows if any(c.status == status for c in r.cells)]

        parts = (operation.pk, number, scope_key(request.user, operation), get_language(), status)
        # Plain dicts (the shape GapRowSerializer documents): a page is 100 sites x 10
        # sectors, which DRF's nested serializers take several times longer to render.
        return cached_page(self, "gaps-api", parts, rows, gap_row_dicts, version=version)
