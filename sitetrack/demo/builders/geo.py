"""Demo step 1: the real CAR admin tables, and demo boundaries for Bangui and Ombella M'Poko.

The COD population tables in sitetrack/geo/data/cod are imported with the real importer
(their quirks are reported, not fixed). The repository ships no COD-AB boundary files, so
boundaries for the two demo prefectures are generated: Voronoi cells around approximate
centroids of each unit (docs/geo.md lists them with their sources), clipped to a rough
outline; each prefecture is the union of its units. They are marked as approximations in
`source`, and must never be mistaken for official boundaries.
"""

from __future__ import annotations

from pathlib import Path

import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping
from shapely.ops import unary_union

import sitetrack.geo
from sitetrack.demo.context import DemoContext
from sitetrack.geo.models import AdminArea
from sitetrack.geo.services import COUNTRIES, admin_areas_import

COD_DIR = Path(sitetrack.geo.__file__).resolve().parent / "data" / "cod"
# adm3 before adm2: the adm3 table has Bangui's eight arrondissements (CF711-CF718) while
# the adm2 table collapses them into two "Bangui" rows coded CF711. The importer keeps the
# first name it sees, so this order names CF711 "1er Arrondissement"; the conflict is
# reported either way.
COD_FILES = [
    COD_DIR / "download-caf-admpop-adm1-2015-v2.csv",
    COD_DIR / "download-caf-admpop-adm3-2015-v2.csv",
    COD_DIR / "download-caf-admpop-adm2-2015-v2.csv",
]
DEMO_SOURCE = "demo approximation — not an official boundary"
PRECISION = 1e-5  # about one metre

# (lon, lat). A rough outline of the city of Bangui: the Ubangi river to the south and
# east, M'Poko airport inside to the west.
BANGUI_OUTLINE = [
    (18.505, 4.350),
    (18.530, 4.338),
    (18.560, 4.340),
    (18.585, 4.350),
    (18.605, 4.355),
    (18.630, 4.362),
    (18.640, 4.380),
    (18.625, 4.400),
    (18.600, 4.420),
    (18.585, 4.445),
    (18.560, 4.450),
    (18.540, 4.435),
    (18.515, 4.415),
    (18.500, 4.390),
    (18.498, 4.368),
]
# Approximate centroids of the arrondissements (admin2 CF711-CF718; each has one admin3
# unit, CF7111-CF7181, with the same extent). Sources in docs/geo.md.
BANGUI_SEEDS = {
    "CF711": (18.587, 4.362),  # 1er: centre, presidency, PK0
    "CF712": (18.562, 4.352),  # 2e: riverside between the 3e and the 1er
    "CF713": (18.544, 4.375),  # 3e: PK5, east of the airport
    "CF714": (18.575, 4.400),  # 4e: north of the 1er (Boy-Rabe)
    "CF715": (18.556, 4.392),  # 5e: north of the 3e, north-west of the 1er
    "CF716": (18.528, 4.355),  # 6e: south of the 3e
    "CF717": (18.612, 4.373),  # 7e: east of the 1er (Ouango)
    "CF718": (18.565, 4.428),  # 8e: the north of the city
}
# A rough outline of Ombella M'Poko prefecture (CF11), which surrounds Bangui to the west
# and north; Bangui is cut out of it.
OMBELLA_OUTLINE = [
    (18.62, 4.36),
    (18.58, 4.20),
    (18.50, 4.02),
    (18.25, 4.05),
    (18.05, 4.35),
    (17.75, 4.60),
    (17.35, 4.80),
    (16.95, 5.00),
    (16.80, 5.40),
    (17.00, 5.85),
    (17.55, 5.95),
    (18.10, 6.05),
    (18.55, 5.85),
    (18.95, 5.50),
    (19.15, 5.10),
    (19.00, 4.75),
    (18.75, 4.50),
    (18.65, 4.40),
]
# Sub-prefectures (admin2) at their chief towns.
OMBELLA_SEEDS = {
    "CF111": (18.417, 4.257),  # Bimbo
    "CF112": (18.700, 4.967),  # Damara
    "CF113": (18.250, 5.567),  # Bogangolo
    "CF114": (18.117, 4.800),  # Boali
    "CF115": (17.650, 5.267),  # Bossembélé
    "CF116": (17.083, 5.317),  # Yaloké
}
# Admin3 units of the sub-prefectures that have more than one; the others take their
# sub-prefecture's shape. La Mbi and Guézéli-Dawili are placed by guess inside their
# sub-prefecture (no public coordinates found): see docs/geo.md.
OMBELLA_ADMIN3_SEEDS = {
    "CF1151": (17.650, 5.267),  # Bossembélé
    "CF1152": (17.450, 5.050),  # La Mbi (guess)
    "CF1161": (17.083, 5.317),  # Yaloké
    "CF1162": (17.200, 5.600),  # Guézéli-Dawili (guess)
}


def voronoi_cells(seeds: dict[str, tuple[float, float]], outline) -> dict[str, object]:
    """One cell per seed, clipped to the outline, snapped to a ~1 m grid."""
    points = {code: Point(*xy) for code, xy in seeds.items()}
    for code, point in points.items():
        if not outline.contains(point):
            raise ValueError(f"demo seed {code} {point.wkt} lies outside its outline")
    cells = shapely.voronoi_polygons(MultiPoint(list(points.values())), extend_to=outline)
    result = {}
    for code, point in points.items():
        cell = next(c for c in cells.geoms if c.contains(point))
        result[code] = _clean(cell.intersection(outline))
    return result


def _clean(geometry):
    geometry = shapely.set_precision(geometry, PRECISION)
    if geometry.geom_type == "GeometryCollection":
        geometry = unary_union([g for g in geometry.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    return geometry


def _as_geojson(geometry) -> dict:
    def plain(value):
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    shape = mapping(geometry)
    return {"type": shape["type"], "coordinates": plain(shape["coordinates"])}


def demo_boundaries() -> dict[str, object]:
    """P-code → shapely geometry for every unit of Bangui and Ombella M'Poko."""
    bangui_outline = Polygon(BANGUI_OUTLINE)
    ombella_outline = Polygon(OMBELLA_OUTLINE).difference(bangui_outline)
    shapes: dict[str, object] = {}
    for code, cell in voronoi_cells(BANGUI_SEEDS, bangui_outline).items():
        shapes[code] = cell
        shapes[f"{code}1"] = cell  # CF7111 has the extent of CF711, and so on
    ombella = voronoi_cells(OMBELLA_SEEDS, ombella_outline)
    shapes.update(ombella)
    for code, cell in ombella.items():
        children = {c: xy for c, xy in OMBELLA_ADMIN3_SEEDS.items() if c.startswith(code)}
        if children:
            shapes.update(voronoi_cells(children, cell))
        else:
            shapes[f"{code}1"] = cell
    shapes["CF71"] = _clean(unary_union([shapes[c] for c in BANGUI_SEEDS]))
    shapes["CF11"] = _clean(unary_union([shapes[c] for c in OMBELLA_SEEDS]))
    return shapes


def build(ctx: DemoContext) -> None:
    report = admin_areas_import(paths=COD_FILES)
    ctx.log(
        f"admin areas: {report.created} created, {report.updated} updated, {report.unchanged} unchanged; "
        f"{len(report.findings)} findings in the real tables (run `sitetrack import-admin-areas` to read them)"
    )
    areas = {a.pcode: a for a in AdminArea.objects.filter(path__startswith="/CF/")}

    country = areas["CF"]
    extent = COUNTRIES["CF"]["extent"]
    if (
        country.boundary is None
        and (country.min_lon, country.min_lat, country.max_lon, country.max_lat) != extent
    ):
        country.min_lon, country.min_lat, country.max_lon, country.max_lat = extent
        country.save()

    changed = 0
    for code, geometry in demo_boundaries().items():
        area = areas.get(code)
        if area is None:
            continue
        boundary = _as_geojson(geometry)
        bbox = tuple(round(v, 6) for v in geometry.bounds)
        if (area.boundary, area.source, (area.min_lon, area.min_lat, area.max_lon, area.max_lat)) != (
            boundary,
            DEMO_SOURCE,
            bbox,
        ):
            area.boundary, area.source = boundary, DEMO_SOURCE
            area.min_lon, area.min_lat, area.max_lon, area.max_lat = bbox
            area.save()
            changed += 1

    # The adm2 table has no row for the 2e-8e arrondissements; each has exactly one admin3
    # unit, whose population the demo copies (CF711's, from the adm2 table, matches CF7111's).
    for code in BANGUI_SEEDS:
        area, child = areas[code], areas.get(f"{code}1")
        if area.population is None and child is not None and child.population is not None:
            area.population, area.population_year = child.population, child.population_year
            area.save()
    ctx.log(f"demo boundaries: {changed} set (Bangui and Ombella M'Poko, approximations)")
    ctx.extra["country"] = country
    ctx.extra["geo_report"] = report
