"""The service indicators the weekly report measures against thresholds.

The catalogue (core.catalogue) says which indicators have a threshold; the formulas and
the gap arithmetic live in assessments.selectors (SQL). This module only names the
annotations the report reads, so the report never computes a figure itself.

Each assessment is measured against the catalogue version it was collected with (as the
site page and the API do), not the operation's current catalogue: after a threshold
change, last week's gaps stay what they were. An assessment without a recorded version
uses the current catalogue (as `catalogue_for_version` does).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, ExpressionWrapper, FloatField, Q, QuerySet, Value, When

from sitetrack.assessments.selectors import annotate_derived, gap_expression
from sitetrack.core.catalogue import CatalogueIndex, IndicatorDef, catalogue_for, catalogue_for_version
from sitetrack.core.models import CatalogueVersion, Operation


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


@dataclass
class Catalogues:
    """The current catalogue and every version an assessment of the operation may
    have been collected with (the operation's own and the shipped default)."""

    current: CatalogueIndex
    versions: dict[int, CatalogueIndex] = field(default_factory=dict)
    # (version id, code) → (threshold, direction, threshold text), worked out once: a
    # national report states 17,000 missed thresholds of a dozen indicators.
    _thresholds: dict[tuple[int | None, str], tuple[float, str, str] | None] = field(
        default_factory=dict, repr=False
    )

    def of(self, version_id: int | None) -> CatalogueIndex:
        return self.versions.get(version_id, self.current) if version_id else self.current

    def definition(self, version_id: int | None, code: str) -> IndicatorDef | None:
        definition = self.of(version_id).get(code)
        return definition if definition is not None and definition.has_threshold else None

    def threshold(self, version_id: int | None, code: str) -> tuple[float, str, str] | None:
        """(threshold, direction, its text) of an indicator in a version; None without one."""
        key = (version_id, code)
        try:
            return self._thresholds[key]
        except KeyError:
            pass
        d = self.definition(version_id, code)
        found = (float(d.threshold), d.threshold_direction, d.threshold_text()) if d else None
        self._thresholds[key] = found
        return found


class IndicatorColumns(list):
    """The threshold indicators (of the current catalogue first, then those only older
    versions have), in catalogue order."""

    catalogues: Catalogues | None = None


def catalogues_for(operation: Operation) -> Catalogues:
    current = catalogue_for(operation)
    versions = CatalogueVersion.objects.filter(Q(operation=operation) | Q(operation__isnull=True))
    return Catalogues(current, {v.pk: catalogue_for_version(v) for v in versions})


def threshold_columns(operation: Operation, language: str) -> IndicatorColumns:
    catalogues = catalogues_for(operation)
    french = language.startswith("fr")
    definitions: dict[str, IndicatorDef] = {d.code: d for d in catalogues.current.with_thresholds()}
    for catalogue in catalogues.versions.values():
        for d in catalogue.with_thresholds():
            definitions.setdefault(d.code, d)
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
        for d in definitions.values()
    )
    columns.catalogues = catalogues
    return columns


def value_names(columns: list[IndicatorColumn]) -> list[str]:
    names: list[str] = []
    for col in columns:
        for key in (col.value_key, col.gap_key, col.met_key):
            if key not in names:
                names.append(key)
    return names


def _gap(column: IndicatorColumn, catalogues: Catalogues) -> Case | ExpressionWrapper:
    """The column's gap against the threshold of each assessment's own version. Versions
    that state the current threshold share the default branch (usually all of them): SQL
    then carries the formula once, not once per version, wherever the gap is used."""
    current = catalogues.definition(None, column.code)
    same = catalogues.threshold(None, column.code)
    whens = []
    for version_id in catalogues.versions:
        definition = catalogues.definition(version_id, column.code)
        if (
            definition is not None
            and current is not None
            and (
                catalogues.threshold(version_id, column.code) == same
                and definition.derived == current.derived
            )
        ):
            continue
        then = gap_expression(definition) if definition else Value(None)
        whens.append(When(catalogue_version_id=version_id, then=then))
    default = gap_expression(current) if current else Value(None)
    if not whens:
        return ExpressionWrapper(default, output_field=FloatField()) if current else Value(None, FloatField())
    return Case(*whens, default=default, output_field=FloatField())


def annotate_indicators(qs: QuerySet, columns: IndicatorColumns) -> QuerySet:
    """Derived values (assessments.selectors), and for each threshold indicator its gap
    (`<code>_gap`, positive = missed) and `<code>_met` (None when unknown), in SQL."""
    if not columns:
        return qs
    qs = annotate_derived(qs)
    qs = qs.annotate(**{col.gap_key: _gap(col, columns.catalogues) for col in columns})
    # Met when the shortfall is zero or less (IndicatorDef.meets): the comparison itself,
    # which SQL makes NULL (unknown) when the gap is, with the gap computed once.
    return qs.annotate(
        **{
            col.met_key: ExpressionWrapper(
                Q(**{f"{col.gap_key}__lte": 0}), output_field=BooleanField(null=True)
            )
            for col in columns
        }
    )
