"""The report's charts, drawn with matplotlib as SVG in the weekly report's style: shades
of grey with black edges and the value printed at the end of each bar, so a black-and-
white printout reads the same (no hatches: a hatched SVG bar made WeasyPrint draw each
chart in a second). Suppressed cells are not drawn: a bar is only ever the length of a
published figure, and a suppressed one shows only its mark."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"  # text as text: a tenth of the size, and selectable

from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.figure import Figure as Canvas  # noqa: E402

from sitetrack.reports.charts import svg_data_uri  # noqa: E402
from sitetrack.returns.report import Figure  # noqa: E402

SHADES = ["#222222", "#666666", "#aaaaaa", "#ffffff", "#dddddd", "#888888"]


def bars_svg(items: list[tuple[str, Figure]], *, xlabel: str) -> str:
    """Horizontal bars of weighted shares (%), one per (label, figure); a suppressed figure
    gets no bar, only its mark ("<5")."""
    if not items:
        return ""
    shown = list(reversed(items))
    height = 0.34 * len(shown) + 0.9
    figure = Canvas(figsize=(5.6, height))
    ax = figure.add_subplot()
    labels = [label for label, _f in shown]
    values = [0 if f.suppressed or f.share is None else f.share * 100 for _l, f in shown]
    for i, value in enumerate(values):
        ax.barh(
            i,
            value,
            color=SHADES[i % len(SHADES)],
            edgecolor="#000000",
            linewidth=0.6,
            height=0.6,
        )
    ax.set_yticks(range(len(labels)), labels)
    for i, (_label, f) in enumerate(shown):
        text = f.mark if f.suppressed else f.percent
        ax.text(values[i] + 1, i, text, va="center", fontsize=7)
    ax.set_xlim(0, max([*values, 10]) * 1.18)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg")
    return out.getvalue()



def report_charts(report) -> dict[str, str]:
    """Data URIs of the report's charts: intentions, timing, conditions, obstacles."""
    share = _("Weighted share of households (%)")
    total = report.tables[0].total
    intentions = [(label, f) for (_c, label), f in zip(report.tables[0].columns, total.cells, strict=True)]
    timing = [
        (label, f) for (_c, label), f in zip(report.timing.columns, report.timing.rows[0].cells, strict=True)
    ]
    charts = {"intentions": bars_svg(intentions, xlabel=share), "timing": bars_svg(timing, xlabel=share)}
    for ranked in report.answers[:2]:
        charts[ranked.slug] = bars_svg([(label, f) for _c, label, f in ranked.rows], xlabel=share)
    return {k: svg_data_uri(v) for k, v in charts.items()}
