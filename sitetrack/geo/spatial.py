"""Point-in-area checks on admin boundaries (shapely), distances between points.

Boundaries are GeoJSON geometries (WGS84, [lon, lat] order) stored on AdminArea. An area
without a boundary is checked against its nearest ancestor that has one; when no boundary
is known at all the answer is None ("cannot tell"), never a guess.
"""

from __future__ import annotations

import math
import random
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shapely.geometry import Point, shape
from shapely.prepared import PreparedGeometry, prep

if TYPE_CHECKING:
    from sitetrack.geo.models import AdminArea

# (pcode, updated_at) -> (geometry, prepared geometry). A boundary re-import bumps
# updated_at, so a stale entry is never used; the cache is small (a country has a few
# hundred areas) and is cleared when it grows past the limit.
_CACHE: dict[tuple[str, datetime | None], tuple[Any, PreparedGeometry]] = {}
_CACHE_LIMIT = 2000

EARTH_RADIUS_M = 6_371_008.8


def _geojson_geometry(boundary: dict) -> dict:
    """Accept a bare geometry, a Feature or a FeatureCollection of one feature."""
    kind = boundary.get("type")
    if kind == "Feature":
        return boundary["geometry"]
    if kind == "FeatureCollection":
        features = boundary.get("features") or []
        if len(features) == 1:
            return features[0]["geometry"]
        return {"type": "GeometryCollection", "geometries": [f["geometry"] for f in features]}
    return boundary


def area_geometry(area: AdminArea) -> tuple[Any, PreparedGeometry] | None:
    """The shapely geometry of this area's own boundary and its prepared form (cached)."""
    if not area.boundary:
        return None
    key = (area.pcode, area.updated_at)
    cached = _CACHE.get(key)
    if cached is None:
        geometry = shape(_geojson_geometry(area.boundary))
        if not geometry.is_valid:
            # Real boundary files have self-intersections; buffer(0) repairs most of them.
            geometry = geometry.buffer(0)
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        cached = (geometry, prep(geometry))
        _CACHE[key] = cached
    return cached


def boundary_area(area: AdminArea) -> AdminArea | None:
    """The area whose boundary applies: the area itself, or its nearest ancestor with one."""
    if area.boundary:
        return area
    from sitetrack.geo.models import AdminArea

    ancestors = [code for code in area.path.strip("/").split("/") if code and code != area.pcode]
    return (
        AdminArea.objects.filter(pcode__in=ancestors, boundary__isnull=False).order_by("-level").first()
        if ancestors
        else None
    )


def point_in_area(area: AdminArea, lat: float, lon: float) -> bool | None:
    """Whether (lat, lon) lies inside the area (boundary included); None when no boundary
    is known for the area or any of its ancestors."""
    holder = boundary_area(area)
    if holder is None:
        return None
    geometry = area_geometry(holder)
    if geometry is None:
        return None
    _, prepared = geometry
    return bool(prepared.covers(Point(float(lon), float(lat))))


def country_extent(country_area: AdminArea) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) from the bbox fields, else from the boundary."""
    box = (country_area.min_lon, country_area.min_lat, country_area.max_lon, country_area.max_lat)
    if all(v is not None for v in box):
        return box  # type: ignore[return-value]
    geometry = area_geometry(country_area)
    if geometry is not None:
        return tuple(geometry[0].bounds)  # type: ignore[return-value]
    return None


def point_in_country_extent(country_area: AdminArea, lat: float, lon: float) -> bool:
    """Whether (lat, lon) falls inside the country's bounding box. A country with no known
    extent accepts every point (the admin-area boundary check still applies)."""
    box = country_extent(country_area)
    if box is None:
        return True
    min_lon, min_lat, max_lon, max_lat = box
    return min_lat <= float(lat) <= max_lat and min_lon <= float(lon) <= max_lon


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def random_point_in_area(
    area: AdminArea, rng: random.Random, *, tries: int = 500
) -> tuple[float, float] | None:
    """A deterministic (for a seeded rng) point inside the area's boundary, as (lat, lon);
    None when the area has no known boundary. Rejection sampling in the bounding box."""
    holder = boundary_area(area)
    geometry = area_geometry(holder) if holder is not None else None
    if geometry is None:
        return None
    geom, prepared = geometry
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    for _ in range(tries):
        lon = rng.uniform(min_lon, max_lon)
        lat = rng.uniform(min_lat, max_lat)
        if prepared.covers(Point(lon, lat)):
            return round(lat, 6), round(lon, 6)
    point = geom.representative_point()
    return round(point.y, 6), round(point.x, 6)


def bbox_polygon(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    """A GeoJSON Polygon for a bounding box (handy in tests and demo data)."""
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [min_lon, min_lat],
                [max_lon, min_lat],
                [max_lon, max_lat],
                [min_lon, max_lat],
                [min_lon, min_lat],
            ]
        ],
    }
