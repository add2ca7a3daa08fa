"""The profile's three small drawings, as SVG from matplotlib (sharp in print), in the
style of the reports' charts (reports/charts.py): black, greys and hatches so that a
black-and-white printout still reads, small fonts, no frame.

- `pyramid_svg`: the population pyramid, women right, men left, per age band;
- `trend_svg`: the site's population over the last monthly rounds;
- `map_svg`: the site's point in its admin area, inside the area above it, drawn from the
  boundaries stored in the database (shapely; no tiles, nothing fetched).

Text stays text in the SVG (`svg.fonttype: none`): WeasyPrint sets it in the page's font,
and the file is a few kilobytes.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from sitetrack.profiles.selectors import SiteProfile  # noqa: E402
from sitetrack.reports.charts import svg_data_uri  # noqa: E402, F401 (re-exported)
from sitetrack.reports.formatting import number  # noqa: E402

matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["svg.hashsalt"] = "sitetrack-profile"  # the same page gives the same file
FONT = {"family": "DejaVu Sans", "size": 7}

FEMALE, MALE = "#555555", "#bbbbbb"


def _svg(figure: Figure) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def pyramid_svg(profile: SiteProfile) -> str:
    """Horizontal bars per age band: women to the right, men to the left (with hatches)."""
    bands = profile.pyramid
    if not any((b.female or 0) + (b.male or 0) for b in bands):
        return ""
    figure = Figure(figsize=(3.6, 1.35), dpi=100)
    ax = figure.add_subplot()
    labels = [b.label for b in bands]
    women = [b.female or 0 for b in bands]
    men = [-(b.male or 0) for b in bands]
    ax.barh(labels, women, color=FEMALE, edgecolor="#000000", linewidth=0.4, height=0.7, label=_("Women"))
    ax.barh(
        labels, men, color=MALE, edgecolor="#000000", linewidth=0.4, hatch="///", height=0.7, label=_("Men")
    )
    top = max(max(women), -min(men)) or 1
    ax.set_xlim(-top * 1.35, top * 1.35)
    for y, (w, m) in enumerate(zip(women, men, strict=True)):
        ax.text(w + top * 0.03, y, number(w), va="center", ha="left", fontdict=FONT)
        ax.text(m - top * 0.03, y, number(-m), va="center", ha="right", fontdict=FONT)
    ax.axvline(0, color="#000000", linewidth=0.6)
    ax.set_xticks([])
    ax.tick_params(axis="y", labelsize=7, length=0)
    ax.spines[["top", "right", "bottom", "left"]].set_visible(False)
    handles, names = ax.get_legend_handles_labels()
    # Men first (left), women second (right), as the bars.
    figure.legend(handles[::-1], names[::-1], fontsize=7, loc="upper center", ncol=2, frameon=False)
    figure.subplots_adjust(left=0.1, right=0.98, top=0.84, bottom=0.03)
    return _svg(figure)


def trend_svg(profile: SiteProfile) -> str:
    """The site's population in each of the last monthly rounds (a gap where not assessed)."""
    points = profile.trend
    if not any(p.individuals is not None for p in points):
        return ""
    figure = Figure(figsize=(3.6, 1.05), dpi=100)
    ax = figure.add_subplot()
    xs = list(range(len(points)))
    values = [p.individuals for p in points]
    shown = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
    ax.bar(
        [x for x, _v in shown],
        [v for _x, v in shown],
        color="#888888",
        edgecolor="#000000",
        linewidth=0.4,
        width=0.6,
    )
    top = max(v for _x, v in shown) or 1
    for x, v in shown:
        ax.text(x, v + top * 0.03, number(v), ha="center", va="bottom", fontdict=FONT)
    for x, v in zip(xs, values, strict=True):
        if v is None:
            ax.text(x, top * 0.05, _("n/a"), ha="center", va="bottom", fontdict=FONT, color="#555555")
    ax.set_ylim(0, top * 1.25)
    ax.set_xlim(-0.7, len(points) - 0.3)
    ax.set_xticks(xs, [f"#{p.round_number}\n{p.period_end:%m/%Y}" for p in points], fontsize=6.5)
    ax.set_yticks([])
    ax.tick_params(axis="x", length=0)
    ax.spines[["top", "right", "left"]].set_visible(False)
    figure.subplots_adjust(left=0.02, right=0.98, top=0.95, bottom=0.3)
    return _svg(figure)


def _draw(ax, geometry, **style) -> None:
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        x, y = polygon.exterior.xy
        ax.fill(x, y, **style)


def _geometry(geojson: dict | None, tolerance: float):
    if not geojson:
        return None
    try:
        geometry = shape(geojson)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if geometry.is_empty:
        return None
    # Boundaries at print size need little detail: simplify before drawing.
    return geometry.simplify(tolerance, preserve_topology=True)


def map_svg(profile: SiteProfile) -> str:
    """The site's admin area (light grey) in the area above it (outline), the site a black
    dot with a white ring. Empty when neither a boundary nor a point is known."""
    area = profile.area_boundary
    parent = profile.parent_boundary
    point = (
        (profile.longitude, profile.latitude)
        if profile.longitude is not None and profile.latitude is not None
        else None
    )
    if not area and not parent and (point is None or profile.area_bbox is None):
        return ""
    figure = Figure(figsize=(2.0, 2.0), dpi=100)
    ax = figure.add_axes((0.01, 0.01, 0.98, 0.98))
    outer = _geometry(parent, 0.002) or _geometry(area, 0.002)
    inner = _geometry(area, 0.001) if parent else None
    if outer is not None:
        _draw(ax, outer, facecolor="#ffffff", edgecolor="#000000", linewidth=0.8)
    if inner is not None:
        _draw(ax, inner, facecolor="#cccccc", edgecolor="#333333", linewidth=0.6, hatch="...")
    if outer is None and profile.area_bbox is not None:
        x0, y0, x1, y1 = profile.area_bbox
        ax.fill([x0, x1, x1, x0], [y0, y0, y1, y1], facecolor="#eeeeee", edgecolor="#000000", linewidth=0.8)
    if point is not None:
        ax.plot(
            [point[0]], [point[1]], "o", markersize=7, color="#000000", markeredgecolor="#ffffff", mew=1.5
        )
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_axis_off()
    return _svg(figure)
