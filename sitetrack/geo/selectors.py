"""Reads for admin areas: filtered lists, GeoJSON of boundaries, who may edit an area."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from sitetrack.core.access import can, operations_for
from sitetrack.geo.models import AdminArea


def admin_area_get(*, pcode: str) -> AdminArea:
    area = AdminArea.objects.select_related("parent").filter(pcode=pcode).first()
    if area is None:
        raise Http404(_("No admin area with the P-code %(code)s.") % {"code": pcode})
    return area


def _area_or_error(field: str, pcode: str) -> AdminArea:
    area = AdminArea.objects.filter(pcode=pcode).first()
    if area is None:
        raise ValidationError({field: [_("No admin area with the P-code %(code)s.") % {"code": pcode}]})
    return area


def admin_area_list(
    *,
    level: str | int | None = None,
    parent: str | None = None,
    within: str | None = None,
    country: str | None = None,
    q: str | None = None,
) -> QuerySet[AdminArea]:
    """Admin areas filtered by level, direct parent, ancestor (`within`: every area below
    it, by the materialised path, not the code prefix), country, and a search on names
    and P-codes. Unknown P-codes and non-numeric levels are ValidationErrors."""
    qs = AdminArea.objects.select_related("parent")
    if level not in (None, ""):
        try:
            qs = qs.filter(level=int(level))
        except (TypeError, ValueError):
            raise ValidationError({"level": [_("Expected a whole number from 0 to 5.")]}) from None
    if parent:
        qs = qs.filter(parent=_area_or_error("parent", parent))
    if within:
        area = _area_or_error("within", within)
        qs = qs.filter(path__startswith=area.path).exclude(pk=area.pk)
    if country:
        qs = qs.filter(path__startswith=f"/{_area_or_error('country', country).pcode}/")
    if q:
        q = q.strip()
        qs = qs.filter(Q(name_en__icontains=q) | Q(name_fr__icontains=q) | Q(pcode__istartswith=q))
    return qs.order_by("pcode")


def admin_areas_geojson(qs: QuerySet[AdminArea], *, simplify: float | None = None) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the areas in `qs` that have a boundary."""
    features = []
    for area in qs.filter(boundary__isnull=False).select_related("parent"):
        geometry = area.boundary
        if simplify:
            from shapely.geometry import mapping, shape

            geometry = mapping(shape(geometry).simplify(simplify, preserve_topology=True))
        features.append(
            {
                "type": "Feature",
                "id": area.pcode,
                "geometry": geometry,
                "properties": {
                    "pcode": area.pcode,
                    "name": area.name,
                    "level": area.level,
                    "parent": area.parent.pcode if area.parent_id else None,
                    "population": area.population,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def admin_area_editable_by(user: AbstractBaseUser, country_pcode: str) -> bool:
    """Superusers, and administrators or IMOs of an operation in that country."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(can(user, op, "import") for op in operations_for(user).filter(country__pcode=country_pcode))
