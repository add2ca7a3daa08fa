"""Charts for the reports, drawn with matplotlib as PNG at print resolution (an SVG chart
made WeasyPrint three times slower for the same page).

Bars carry hatch patterns as well as shades of grey so that a black-and-white printout
still tells the ranks apart.
"""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sitetrack.reports.selectors import PRIORITY_WEIGHTS, PriorityRank  # noqa: E402


def priority_chart_png(priorities: list[PriorityRank], limit: int = 8) -> bytes:
    """A horizontal stacked bar per sector: weighted score split by priority rank."""
    shown = list(reversed(priorities[:limit]))
    if not shown:
        return b""
    figure = Figure(figsize=(5.2, 0.35 * len(shown) + 1.0), dpi=150)
    ax = figure.add_subplot()
    labels = [p.sector.label for p in shown]
    left = [0] * len(shown)
    parts = [
        (_("1st priority"), [p.first * PRIORITY_WEIGHTS[0] for p in shown], "#222222", ""),
        (_("2nd priority"), [p.second * PRIORITY_WEIGHTS[1] for p in shown], "#888888", "///"),
        (_("3rd priority"), [p.third * PRIORITY_WEIGHTS[2] for p in shown], "#ffffff", "..."),
    ]
    for label, values, colour, hatch in parts:
        ax.barh(
            labels, values, left=left, color=colour, edgecolor="#000000", hatch=hatch, label=label, height=0.6
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel(_("Weighted score (1st = 3, 2nd = 2, 3rd = 1)"), fontsize=8)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    # Above the chart, never over the bars (long bars reach the lower right corner).
    handles, names = ax.get_legend_handles_labels()
    figure.legend(handles, names, fontsize=7, loc="upper center", ncol=3, frameon=False)
    figure.tight_layout(rect=(0, 0, 1, 1 - 0.3 / (0.35 * len(shown) + 1.0)))
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=150)
    return out.getvalue()


def png_data_uri(png: bytes) -> str:
    if not png:
        return ""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def svg_data_uri(svg: str) -> str:
    """An SVG chart as an <img> source: pages and PDFs show it without inline styles in the
    page (the Content-Security-Policy refuses those; an image's own styles are its own)."""
    if not svg:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
