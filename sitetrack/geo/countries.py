"""Country outlines (admin 0) for GPS checks, from Natural Earth as the npm package
`world-atlas` ships it (TopoJSON, 1:50m), installed by `npm ci` into node_modules. Nothing
is copied into the repository; a deployment without the package still runs, and every
check then says it was skipped.

Countries are named by ISO 3166 codes (alpha-2 as P-codes of admin 0 usually are, or
alpha-3); pycountry turns them into the numeric code world-atlas uses as feature id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

# A 1:50m outline is off by a few kilometres along borders and coasts; a camp on a
# border river must not be refused. 0.1 degree is about 11 km.
TOLERANCE_DEGREES = 0.1


def outlines_path() -> Path:
    default = Path(settings.BASE_DIR) / "node_modules" / "world-atlas" / "countries-50m.json"
    return Path(getattr(settings, "SITETRACK_COUNTRY_OUTLINES", default))


def iso_numeric(code: str) -> str | None:
    """ "CF", "CAF" or "140" → "140"; None for a code pycountry does not know."""
    import pycountry

    code = (code or "").strip().upper()
    if code.isdigit():
        return code.zfill(3)
    key = {2: "alpha_2", 3: "alpha_3"}.get(len(code))
    country = pycountry.countries.get(**{key: code}) if key else None
    return country.numeric if country else None


def iso3(code: str) -> str | None:
    """ "CF" or "CAF" → "CAF"; None when unknown."""
    import pycountry

    code = (code or "").strip().upper()
    key = "numeric" if code.isdigit() else {2: "alpha_2", 3: "alpha_3"}.get(len(code), "")
    if not key:
        return None
    country = pycountry.countries.get(**{key: code}) if code else None
    return country.alpha_3 if country else None


def _decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs are quantized and delta-encoded; turn them into lon/lat points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


@lru_cache(maxsize=1)
def _topology() -> tuple[list[list[tuple[float, float]]], dict[str, dict[str, Any]]]:
    """(decoded arcs, numeric ISO code → TopoJSON geometry); empty when not installed."""
    path = outlines_path()
    if not path.exists():
        return [], {}
    topology = json.loads(path.read_text(encoding="utf-8"))
    geometries = {
        str(g["id"]): g
        for g in topology["objects"]["countries"]["geometries"]
        if g.get("id") and g.get("type") in ("Polygon", "MultiPolygon")
    }
    return _decode_arcs(topology), geometries


@lru_cache(maxsize=64)
def _outline(numeric: str):
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.prepared import prep

    arcs, geometries = _topology()
    geometry = geometries.get(numeric)
    if geometry is None:
        return None
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    shapes = []
    for rings in polygons:
        outer, *holes = [_ring(r, arcs) for r in rings]
        if len(outer) >= 4:
            shapes.append(Polygon(outer, [h for h in holes if len(h) >= 4]))
    if not shapes:
        return None
    shape = (MultiPolygon(shapes) if len(shapes) > 1 else shapes[0]).buffer(0)
    return shape, prep(shape.buffer(TOLERANCE_DEGREES))


def country_outline(code: str):
    """The shapely outline of a country (ISO alpha-2/alpha-3/numeric), or None."""
    numeric = iso_numeric(code)
    found = _outline(numeric) if numeric else None
    return found[0] if found else None


def country_bounds(code: str) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) of the outline, or None."""
    outline = country_outline(code)
    return tuple(outline.bounds) if outline is not None else None  # type: ignore[return-value]


@dataclass(frozen=True)
class PointCheck:
    """How a point relates to its country: "inside", "outside", "swapped" (outside as
    given, inside with latitude and longitude exchanged), or "skipped" (no outline)."""

    verdict: str
    country: str  # ISO alpha-3, or the code as given when unknown
    distance_km: float | None = None


def check_point(code: str, lat: float, lon: float) -> PointCheck:
    """Whether (lat, lon) lies in the country (within about 11 km of its outline)."""
    from shapely.geometry import Point

    name = iso3(code) or code
    numeric = iso_numeric(code)
    found = _outline(numeric) if numeric else None
    if found is None:
        return PointCheck("skipped", name)
    outline, near = found
    if near.contains(Point(lon, lat)):
        return PointCheck("inside", name)
    if -90 <= lon <= 90 and near.contains(Point(lat, lon)):
        return PointCheck("swapped", name)
    return PointCheck("outside", name, round(outline.distance(Point(lon, lat)) * 111))
