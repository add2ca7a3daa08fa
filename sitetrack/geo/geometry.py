"""Boundaries: GeoJSON Polygon / MultiPolygon cleaned for storage, and country extents."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Country names and extents used when a table has no Adm0 columns. Extents are the
# country's bounding box in WGS84 (lon/lat), rounded outwards; see docs/geo.md.
COUNTRIES: dict[str, dict[str, Any]] = {
    "CF": {
        "name_en": "Central African Republic",
        "name_fr": "République centrafricaine",
        "extent": (14.4, 2.2, 27.5, 11.1),  # min lon, min lat, max lon, max lat
    },
}

BBox = tuple[float, float, float, float]


def resolve_country(code: str) -> tuple[str, str] | None:
    """(alpha-2 code, English name) of a country given by ISO 3166 alpha-3 or alpha-2
    ("SOM" or "SO"); None when unknown. Admin-0 P-codes are the alpha-2 code."""
    code = (code or "").strip().upper()
    try:
        import pycountry
    except ImportError:  # pycountry comes with geo.countries; without it, alpha-2 only
        pycountry = None
    if pycountry is not None:
        found = (
            pycountry.countries.get(alpha_3=code) if len(code) == 3 else pycountry.countries.get(alpha_2=code)
        )
        if found is not None:
            known = COUNTRIES.get(found.alpha_2, {})
            return found.alpha_2, known.get("name_en") or getattr(found, "common_name", None) or found.name
    if len(code) == 2 and code.isalpha():
        return code, COUNTRIES.get(code, {}).get("name_en", code)
    return None


def country_extent(pcode: str) -> BBox | None:
    """The bounding box of a country (admin 0 P-code) when known."""
    return COUNTRIES.get(pcode, {}).get("extent")


def boundary_clean(geometry: Any) -> tuple[dict, BBox]:
    """A GeoJSON Polygon / MultiPolygon in WGS84, and its bounding box; ValidationError otherwise."""
    from shapely.geometry import mapping, shape

    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise ValidationError(
            {"boundary": [_("Expected a GeoJSON Polygon or MultiPolygon, got %(kind)s.") % {"kind": kind}]}
        )
    try:
        shp = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise ValidationError({"boundary": [_("Malformed coordinates: %(error)s") % {"error": exc}]}) from exc
    if shp.is_empty:
        raise ValidationError({"boundary": [_("The geometry is empty.")]})
    min_lon, min_lat, max_lon, max_lat = shp.bounds
    if min_lon < -180 or max_lon > 180 or min_lat < -90 or max_lat > 90:
        raise ValidationError(
            {"boundary": [_("Coordinates must be longitude, latitude in degrees (WGS84).")]}
        )
    if not shp.is_valid:
        from shapely.validation import explain_validity

        raise ValidationError({"boundary": [_("Invalid geometry: %(why)s") % {"why": explain_validity(shp)}]})
    return _plain(mapping(shp)), (min_lon, min_lat, max_lon, max_lat)


def _plain(value: Any) -> Any:
    """Tuples to lists, so a stored boundary compares equal to the same boundary re-read."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
