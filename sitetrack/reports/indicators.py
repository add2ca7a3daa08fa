"""The service indicators the weekly report measures against thresholds.

The catalogue (core.catalogue) says which indicators have a threshold; the formulas and
the gap arithmetic live in assessments.selectors (SQL). This module only names the
annotations the report reads, so the report never computes a figure itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from sitetrack.assessments.selectors import annotate_gaps
from sitetrack.core.catalogue import CatalogueIndex, catalogue_for
from sitetrack.core.models import Operation


@dataclass(frozen=True)
class IndicatorColumn:
    code: str
    label: str
    sector: str
    unit: str
    threshold: float
    direction: str  # "min" (at least) or "max" (at most)
    threshold_text: str
    hxl: str
    value_key: str  # annotation holding the value (the derived formula's name)
    gap_key: str
    met_key: str


class IndicatorColumns(list):
    """The threshold indicators of one catalogue, in catalogue order."""

    catalogue: CatalogueIndex | None = None


def threshold_columns(operation: Operation, language: str) -> IndicatorColumns:
    catalogue = catalogue_for(operation)
    french = language.startswith("fr")
    columns = IndicatorColumns(
        IndicatorColumn(
            code=d.code,
            label=(d.label_fr if french and d.label_fr else d.label_en),
            sector=d.sector,
            unit=d.unit,
            threshold=float(d.threshold),
            direction=d.threshold_direction,
            threshold_text=d.threshold_text(),
            hxl=d.hxl,
            value_key=d.derived or d.code,
            gap_key=f"{d.code}_gap",
            met_key=f"{d.code}_met",
        )
        for d in catalogue.with_thresholds()
    )
    columns.catalogue = catalogue
    return columns


def value_names(columns: list[IndicatorColumn]) -> list[str]:
    names: list[str] = []
    for col in columns:
        for key in (col.value_key, col.gap_key, col.met_key):
            if key not in names:
                names.append(key)
    return names


def annotate_indicators(qs: QuerySet, columns: IndicatorColumns) -> QuerySet:
    """Derived values, gaps and met flags, all computed in SQL by assessments.selectors."""
    if not columns:
        return qs
    return annotate_gaps(qs, columns.catalogue)
