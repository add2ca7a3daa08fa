"""`GET /api/returns/<YYYY-MM>/?operation=SLUG`: the report's published tables as JSON,
suppressed exactly like the PDF, XLSX and HXL files (suppressed cells: `"n": null`,
`"mark": "<5"`)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from sitetrack.core.access import access_return_survey
from sitetrack.core.api import request_operation
from sitetrack.returns.report import Figure, returns_report


def _figure(f: Figure) -> dict:
    if f.suppressed:
        return {"n": None, "mark": f.mark}
    return {"n": f.n, "share": f.share, "ci_low": f.low, "ci_high": f.high}


def _table(t) -> dict:
    rows = [*t.rows, *([t.total] if t.total else [])]
    return {
        "table": t.slug,
        "columns": [c for c, _l in t.columns],
        "rows": [
            {
                "code": r.code or "*",
                "label": r.label,
                "total": _figure(r.total),
                "cells": [_figure(f) for f in r.cells],
            }
            for r in rows
        ],
    }


@extend_schema(
    operation_id="return_report",
    summary="The Monthly Return Intention report of a month (suppressed)",
    parameters=[
        OpenApiParameter("month", OpenApiTypes.STR, OpenApiParameter.PATH, description="YYYY-MM"),
        OpenApiParameter("operation", OpenApiTypes.STR, description="Operation slug"),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
def return_report_api(request: Request, month: str) -> Response:
    operation = request_operation(request)
    survey = access_return_survey(request.user, operation, month)
    report = returns_report(
        survey, language=request.LANGUAGE_CODE[:2] if hasattr(request, "LANGUAGE_CODE") else "en"
    )
    return Response(
        {
            "operation": operation.slug,
            "month": survey.key,
            "threshold": report.threshold,
            "households": _figure(report.households),
            "tables": [_table(t) for t in [*report.tables, report.timing, report.od]],
            "answers": {
                r.slug: [{"code": c, "label": label, **_figure(f)} for c, label, f in r.rows]
                for r in report.answers
            },
        }
    )
