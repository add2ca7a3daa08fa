"""Charts of the monthly report and the dashboard, drawn with matplotlib as SVG so they
print sharply, in the style of reports/charts.py: greys and hatches that survive a
black-and-white printout, 8 pt labels, no top or right spine.

The map is drawn offline from the admin-area boundaries we hold (simplified with shapely);
without boundaries it still shows the sites on their coordinates.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from django.utils.formats import date_format  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sitetrack.reports.charts import svg_data_uri  # noqa: E402, F401 (re-exported)
from sitetrack.reports.formatting import number  # noqa: E402

# Simplification tolerance of boundaries, in degrees (about 1 km): enough for an A4 map.
SIMPLIFY = 0.01
MAX_MARKER_PT2 = 400.0
# Above this many sites the discs of the map are one embedded image inside the SVG (the
# boundaries, legend and text stay vector): 5,000 vector discs made WeasyPrint take 30 s.
MAP_VECTOR_SITES = 1000
RASTER_DPI = 200


def _svg(figure: Figure, dpi: int = 100) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None}, dpi=dpi)
    return out.getvalue()


def trend_chart_svg(
    labels: Sequence[str], totals: Sequence[int], panel: Sequence[int], panel_sites: int
) -> str:
    """Bars: people in the sites assessed in each period (coverage differs from one period
    to the next); line: the same sites in every period (like with like)."""
    if not labels:
        return ""
    figure = Figure(figsize=(6.4, 2.6), dpi=100)
    ax = figure.add_subplot()
    positions = list(range(len(labels)))
    ax.bar(
        positions,
        totals,
        color="#bbbbbb",
        edgecolor="#000000",
        hatch="//",
        width=0.6,
        label=_("All sites assessed"),
    )
    if panel_sites:
        ax.plot(
            positions,
            panel,
            color="#000000",
            marker="o",
            linewidth=1.5,
            label=_("The same %(n)s sites in every period") % {"n": number(panel_sites)},
        )
    ax.set_xticks(positions, labels, fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _pos: number(v)))
    ax.set_ylabel(_("People"), fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    handles, names = ax.get_legend_handles_labels()
    figure.legend(handles, names, fontsize=7, loc="upper center", ncol=2, frameon=False)
    figure.tight_layout(rect=(0, 0, 1, 0.9))
    return _svg(figure)


def month_labels(months) -> list[str]:
    return [date_format(m, "M Y") for m in months]


def _boundaries(operation) -> list:
    """The operation country's admin1 boundaries (shapely geometries), simplified."""
    from shapely.geometry import shape

    from sitetrack.geo.models import AdminArea

    country = operation.country
    if country is None:
        return []
    shapes = []
    for boundary in AdminArea.objects.filter(
        path__startswith=country.path, level__in=(0, 1), boundary__isnull=False
    ).values_list("boundary", flat=True):
        geometry = boundary.get("geometry", boundary) if isinstance(boundary, dict) else boundary
        try:
            shapes.append(shape(geometry).simplify(SIMPLIFY, preserve_topology=True))
        except (KeyError, ValueError, TypeError, AttributeError):
            continue  # a boundary shapely cannot read is left off the map, not the report
    return shapes


def _draw_shape(ax, geometry) -> None:
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.geom_type == "Polygon":
            xs, ys = polygon.exterior.xy
            ax.fill(xs, ys, facecolor="#f2f2f2", edgecolor="#777777", linewidth=0.4)
        elif hasattr(polygon, "geoms"):
            _draw_shape(ax, polygon)


def population_map_svg(operation, sites) -> str:
    """Sites as discs whose area is proportional to their population, over the admin1
    boundaries; a legend gives three reference sizes."""
    located = [s for s in sites if s.latitude is not None and s.longitude is not None]
    if not located:
        return ""
    figure = Figure(figsize=(6.4, 4.6), dpi=100)
    ax = figure.add_subplot()
    for geometry in _boundaries(operation):
        _draw_shape(ax, geometry)
    largest = max((s.individuals for s in located), default=0) or 1
    scale = MAX_MARKER_PT2 / largest
    ax.scatter(
        [s.longitude for s in located],
        [s.latitude for s in located],
        s=[max(4.0, s.individuals * scale) for s in located],
        facecolor="#555555",
        edgecolor="#000000",
        linewidths=0.4,
        alpha=0.65,
        rasterized=len(located) > MAP_VECTOR_SITES,
    )
    references = sorted(
        {_round_nice(largest), _round_nice(largest / 4), _round_nice(largest / 20)}, reverse=True
    )
    handles = [
        ax.scatter([], [], s=max(4.0, r * scale), facecolor="#555555", edgecolor="#000000", alpha=0.65)
        for r in references
        if r
    ]
    ax.legend(
        handles,
        [_("%(people)s people") % {"people": number(r)} for r in references if r],
        fontsize=7,
        loc="lower left",
        frameon=True,
        labelspacing=1.2,
        borderpad=0.8,
    )
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.4)
    figure.tight_layout()
    return _svg(figure, dpi=RASTER_DPI)


def _round_nice(value: float) -> int:
    """1,234 → 1,000; 56,789 → 60,000: reference sizes a reader can take in."""
    if value < 1:
        return 0
    magnitude = 10 ** (len(str(int(value))) - 1)
    return int(round(value / magnitude) * magnitude)
