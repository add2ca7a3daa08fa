"""Reads and aggregates for rounds and assessments: the only place a figure is computed.

Everything is SQL (ORM annotations and aggregates) and runs on SQLite and PostgreSQL:
indicator values are read from the JSON field with KeyTextTransform and cast to float;
every division is guarded with NullIf so a zero denominator gives NULL, never an error.
Only validated figures feed figures (`SiteAssessment.objects.validated()`); the round
board shows every state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf

from sitetrack.assessments.models import (
    NEED_FIELDS,
    SAD_FIELDS,
    AssessmentStatus,
    PopulationFlow,
    Round,
    RoundStatus,
    SiteAssessment,
)
from sitetrack.assessments.validation import COUNT_FIELDS, PRIORITY_FIELDS
from sitetrack.core.access import scoped, visible_sites
from sitetrack.core.catalogue import DERIVED_FORMULAS, CatalogueIndex, IndicatorDef, catalogue_for
from sitetrack.core.models import ThresholdDirection
from sitetrack.sites.models import SiteStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sitetrack.core.models import Operation
    from sitetrack.sites.models import Site


# --- derived indicators ------------------------------------------------------------------


def indicator_number(code: str, prefix: str = "") -> Cast:
    """A numeric indicator value from the JSON field, as a float (NULL when absent)."""
    return Cast(KeyTextTransform(code, f"{prefix}indicators"), FloatField())


def _div(numerator, denominator) -> ExpressionWrapper:
    return ExpressionWrapper(
        Cast(numerator, FloatField()) / NullIf(Cast(denominator, FloatField()), Value(0.0)),
        output_field=FloatField(),
    )


def _functional(code: str, prefix: str = ""):
    """Hook (response app, issue 14): a facility count indicator (latrines_functional,
    water_points) as the site's functional facilities counted in its inventory when
    checked after the round, else the assessment's figure."""
    from sitetrack.response.infrastructure import functional_indicator

    return functional_indicator(code, prefix, indicator_number(code, prefix))


def derived_expressions(prefix: str = "") -> dict[str, Any]:
    """SQL for each derived formula (same formulas as validation.derive)."""
    people = F(f"{prefix}individuals")
    expressions = {
        "litres_per_person_day": _div(indicator_number("water_litres_per_day", prefix), people),
        "people_per_latrine": _div(people, _functional("latrines_functional", prefix)),
        "people_per_water_point": _div(people, _functional("water_points", prefix)),
        "covered_m2_per_person": _div(indicator_number("covered_area_m2", prefix), people),
        "site_area_per_person": _div(F(f"{prefix}site__area_m2"), people),
        "female_male_latrine_ratio": _div(
            indicator_number("latrines_female", prefix), indicator_number("latrines_male", prefix)
        ),
    }
    assert set(expressions) == set(DERIVED_FORMULAS)
    return expressions


def annotate_derived(qs: QuerySet[SiteAssessment]) -> QuerySet[SiteAssessment]:
    """Adds litres_per_person_day, people_per_latrine, people_per_water_point,
    covered_m2_per_person, site_area_per_person and female_male_latrine_ratio."""
    existing = set(qs.query.annotations)
    return qs.annotate(**{k: v for k, v in derived_expressions().items() if k not in existing})


def gap_expression(definition: IndicatorDef) -> ExpressionWrapper:
    threshold = Value(float(definition.threshold))
    value = F(definition.derived)
    if definition.threshold_direction == ThresholdDirection.AT_LEAST:
        return ExpressionWrapper(threshold - value, output_field=FloatField())
    return ExpressionWrapper(value - threshold, output_field=FloatField())


def annotate_gaps(qs: QuerySet[SiteAssessment], catalogue: CatalogueIndex) -> QuerySet[SiteAssessment]:
    """Adds `<code>_gap` (shortfall in the indicator's unit: positive = gap, 0 or negative =
    met, NULL = unknown) and `<code>_met` for every derived indicator with a threshold."""
    qs = annotate_derived(qs)
    annotations: dict[str, Any] = {}
    for definition in catalogue.with_thresholds():
        gap = gap_expression(definition)
        annotations[f"{definition.code}_gap"] = gap
        annotations[f"{definition.code}_met"] = Case(
            When(**{f"{definition.derived}__isnull": True}, then=Value(None)),
            When(Q(**{f"{definition.derived}__isnull": False}) & _met_q(definition), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(null=True),
        )
    return qs.annotate(**annotations)


def annotate_own_gaps(qs: QuerySet[SiteAssessment], operation: Operation) -> QuerySet[SiteAssessment]:
    """`annotate_gaps`, each row against the catalogue version its assessment was collected
    with (the operation's current one when none is recorded): the site page, the API and
    the weekly report then agree after a threshold changes. Adds `<code>_gap` and
    `<code>_met` for every derived indicator with a threshold in any of those versions."""
    from sitetrack.core.catalogue import catalogue_for_version

    qs = annotate_derived(qs)
    version_ids = sorted(
        {v for v in qs.order_by().values_list("catalogue_version_id", flat=True).distinct() if v}
    )
    current = catalogue_for(operation)
    catalogues = {vid: catalogue_for_version(vid, operation) for vid in version_ids}
    codes: dict[str, None] = {}
    for catalogue in (current, *catalogues.values()):
        codes.update(dict.fromkeys(d.code for d in catalogue.with_thresholds()))
    annotations: dict[str, Any] = {}
    for code in codes:
        gap_whens, met_whens = [], []
        for vid, catalogue in catalogues.items():
            definition = catalogue.indicators.get(code)
            if definition is not None and definition.has_threshold:
                gap_whens.append(When(catalogue_version_id=vid, then=gap_expression(definition)))
                met_whens.append(When(Q(catalogue_version_id=vid) & _met_q(definition), then=Value(True)))
                met_whens.append(When(catalogue_version_id=vid, then=Value(False)))
            else:
                met_whens.append(When(catalogue_version_id=vid, then=Value(None)))
        fallback = current.indicators.get(code)
        own = fallback if fallback is not None and fallback.has_threshold else None
        annotations[f"{code}_gap"] = Case(
            *gap_whens,
            When(catalogue_version_id__isnull=False, then=Value(None)),
            default=gap_expression(own) if own else Value(None),
            output_field=FloatField(),
        )
        derived = (
            own or next(c.indicators[code] for c in catalogues.values() if code in c.indicators)
        ).derived
        annotations[f"{code}_met"] = Case(
            When(**{f"{derived}__isnull": True}, then=Value(None)),
            *met_whens,
            *([When(_met_q(own), then=Value(True))] if own else []),
            default=Value(False) if own else Value(None),
            output_field=BooleanField(null=True),
        )
    return qs.annotate(**annotations)


def _met_q(definition: IndicatorDef) -> Q:
    threshold = float(definition.threshold)
    if definition.threshold_direction == ThresholdDirection.AT_LEAST:
        return Q(**{f"{definition.derived}__gte": threshold})
    return Q(**{f"{definition.derived}__lte": threshold})


# --- rounds ----------------------------------------------------------------------------------


def rounds_for(operation: Operation) -> QuerySet[Round]:
    return (
        Round.objects.filter(operation=operation)
        .annotate(
            assessed=Count("assessments"),
            validated=Count("assessments", filter=Q(assessments__was_validated=True)),
        )
        .order_by("-period_start", "kind", "-number")
    )


def previous_round(round: Round) -> Round | None:
    """The round of the same kind just before this one."""
    return (
        Round.objects.filter(operation_id=round.operation_id, kind=round.kind, number__lt=round.number)
        .order_by("-number")
        .first()
    )


def assessment_values(assessment: SiteAssessment) -> dict[str, Any]:
    """The dict shape validation works on, from a stored assessment."""
    values: dict[str, Any] = {name: getattr(assessment, name) for name in COUNT_FIELDS}
    values.update({name: getattr(assessment, name) for name in NEED_FIELDS.values()})
    values.update({name: getattr(assessment, name) for name in PRIORITY_FIELDS})
    values["indicators"] = dict(assessment.indicators or {})
    values["site_area_m2"] = assessment.site.area_m2 if assessment.site_id else None
    return values


def previous_values(site: Site, round: Round) -> dict[str, Any] | None:
    """The site's figures in the previous round of the same kind (validated if possible)."""
    before = previous_round(round)
    if before is None:
        return None
    assessment = (
        SiteAssessment.objects.filter(round=before, site=site)
        .exclude(status=AssessmentStatus.DRAFT)
        .select_related("site")
        .first()
    )
    return assessment_values(assessment) if assessment else None


def round_population(round: Round, by: str = "site") -> list[dict[str, Any]]:
    """Validated population of a round grouped by site, admin1, admin2 or site type, with
    arrivals, departures and the change since the previous round of the same kind."""
    current = _population_groups(round, by)
    before = previous_round(round)
    previous = {row["key"]: row for row in _population_groups(before, by)} if before else {}
    rows = []
    for row in current:
        prev = previous.get(row["key"])
        prev_people = prev["individuals"] if prev else None
        row["previous_individuals"] = prev_people
        row["change"] = None if prev_people is None else row["individuals"] - prev_people
        row["change_pct"] = (
            None if not prev_people else round_to(100 * (row["individuals"] - prev_people) / prev_people, 1)
        )
        rows.append(row)
    return rows


def round_to(value: float, digits: int) -> float:
    return float(f"{value:.{digits}f}")


def _admin_key(level: int) -> tuple[Case, Case]:
    """P-code and name of the site's ancestor at admin `level` (sites sit at admin 1–3)."""
    code_whens, name_whens = [], []
    for site_level in (1, 2, 3):
        up = site_level - level
        if up < 0:
            continue
        path = "site__admin_area__" + "parent__" * up
        code_whens.append(When(site__admin_area__level=site_level, then=F(f"{path}pcode")))
        name_whens.append(When(site__admin_area__level=site_level, then=F(f"{path}name_en")))
    return (
        Case(*code_whens, default=Value(""), output_field=CharField()),
        Case(*name_whens, default=Value(""), output_field=CharField()),
    )


def _population_groups(round: Round, by: str) -> list[dict[str, Any]]:
    qs = validated_in(round)
    if by == "site":
        qs = qs.annotate(key=F("site__code"), label=F("site__name"))
    elif by in ("admin1", "admin2"):
        code, name = _admin_key(int(by[-1]))
        qs = qs.annotate(key=code, label=name)
    elif by == "site_type":
        qs = qs.annotate(key=F("site__site_type"), label=F("site__site_type"))
    else:
        raise ValueError(f"round_population: unknown grouping {by!r}")
    rows = (
        qs.values("key", "label")
        .annotate(
            sites=Count("site", distinct=True),
            households=Coalesce(Sum("households"), 0),
            individuals=Coalesce(Sum("individuals"), 0),
            arrivals=Coalesce(Sum("arrivals"), 0),
            departures=Coalesce(Sum("departures"), 0),
            **{name: Coalesce(Sum(name), 0) for name in SAD_FIELDS},
        )
        .order_by("key")
    )
    return list(rows)


def validated_in(round: Round, user: AbstractBaseUser | None = None) -> QuerySet[SiteAssessment]:
    """The validated assessments of a round — what every figure counts — limited to the
    user's scope when a user is given (a facilitator: their areas)."""
    qs = SiteAssessment.objects.validated().filter(round=round)
    return scoped(qs, user, round.operation, "site__") if user is not None else qs


TOTAL_FIELDS = ("households", "individuals", "arrivals", "departures")


def total_sums(over: Q | None = None) -> dict[str, Sum]:
    """The sums of the totals (TOTAL_FIELDS), each over the assessments matching `over`:
    the one way they are summed (the board, the API and the weekly report's key figures,
    which sums this round's and the previous round's in one query)."""
    return {name: Sum(name, filter=over, default=0) for name in TOTAL_FIELDS}


def validated_totals(qs: QuerySet[SiteAssessment]) -> dict[str, int]:
    """Sites, households, individuals, arrivals and departures of validated assessments."""
    return qs.aggregate(sites=Count("site", distinct=True), **total_sums())


def round_totals(round: Round, user: AbstractBaseUser | None = None) -> dict[str, int]:
    """Validated totals of one round, for the user's scope when a user is given."""
    return validated_totals(validated_in(round, user))


BOARD_STATES = ("missing", *AssessmentStatus.values)


def round_board(round: Round, user: AbstractBaseUser) -> dict[str, Any]:
    """Every site in the user's scope with its state in the round: missing, draft,
    submitted, returned, validated or locked, plus counts per state.

    The round's assessment comes by one LEFT JOIN on the (round, site) unique key (a
    FilteredRelation), not five correlated subqueries per site and a DISTINCT over the
    join to every round's assessments (at national size, 5,000 sites x 52 rounds, the
    board took 13 s). `sites` stays a queryset: filter it by `state`, slice it."""
    this = FilteredRelation("assessments", condition=Q(assessments__round=round))
    sites = (
        visible_sites(user, round.operation)
        .alias(this=this)
        .filter(Q(status=SiteStatus.OPEN) | Q(this__id__isnull=False))
        .select_related("admin_area")
        .annotate(
            assessment_id=F("this__id"),
            state=Coalesce(F("this__status"), Value("missing"), output_field=CharField()),
            error_count=F("this__error_count"),
            warning_count=F("this__warning_count"),
            individuals=F("this__individuals"),
        )
        .order_by("admin_area__pcode", "code")
    )
    counts = dict.fromkeys(BOARD_STATES, 0)
    for row in sites.order_by().values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return {"round": round, "sites": sites, "counts": counts, "total": sum(counts.values())}


def assessments_for(user: AbstractBaseUser, operation: Operation) -> QuerySet[SiteAssessment]:
    """Every assessment the user may read in the operation."""
    # Filtering on the operation's round ids (not a join to Round) lets the database walk
    # the (round DESC, site) index in order: a page of 260,000 assessments in milliseconds.
    qs = SiteAssessment.objects.filter(
        round_id__in=Round.objects.filter(operation=operation).values("id")
    ).select_related("site", "round", "catalogue_version")
    return scoped(qs, user, operation, "site__")


# --- site page ------------------------------------------------------------------------------


@dataclass
class RecentRounds:
    """The last rounds of one site, side by side (oldest left)."""

    site: Any
    columns: list[SiteAssessment] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)


def site_recent_assessments(site: Site, limit: int = 4, *, kind: str | None = None) -> RecentRounds:
    """The site's last `limit` assessments (any status, shown with it) with derived
    indicators and gaps against the catalogue each was collected with."""
    qs = SiteAssessment.objects.filter(site=site).select_related("round", "site", "catalogue_version")
    if kind:
        qs = qs.filter(round__kind=kind)
    catalogue = catalogue_for(site.operation)
    latest = list(
        annotate_own_gaps(qs, site.operation).order_by("-round__period_end", "-round__number")[:limit]
    )
    columns = list(reversed(latest))
    rows: list[dict[str, Any]] = []

    def add(
        label: str, getter, *, unit: str = "", kind: str = "count", indicator: IndicatorDef | None = None
    ):
        rows.append(
            {
                "label": label,
                "unit": unit,
                "kind": kind,
                "indicator": indicator,
                "cells": [getter(a) for a in columns],
            }
        )

    from django.utils.translation import gettext as _

    add(_("Households"), lambda a: {"value": a.households})
    add(_("Individuals"), lambda a: {"value": a.individuals})
    add(_("Arrivals"), lambda a: {"value": a.arrivals})
    add(_("Departures"), lambda a: {"value": a.departures})
    for definition in catalogue.derived():

        def cell(a, d=definition):
            # Gaps against the catalogue version each assessment was collected with.
            return {
                "value": getattr(a, d.derived, None),
                "gap": getattr(a, f"{d.code}_gap", None),
                "met": getattr(a, f"{d.code}_met", None),
            }

        add(definition.label, cell, unit=definition.unit, kind="derived", indicator=definition)
    add(_("First priority"), lambda a: {"value": a.get_priority_1_display()}, kind="text")
    add(_("Second priority"), lambda a: {"value": a.get_priority_2_display()}, kind="text")
    add(_("Third priority"), lambda a: {"value": a.get_priority_3_display()}, kind="text")
    return RecentRounds(site=site, columns=columns, rows=rows)


def open_rounds(operation: Operation) -> QuerySet[Round]:
    return Round.objects.filter(operation=operation, status=RoundStatus.OPEN).order_by("-period_start")


def flows_for(assessment: SiteAssessment) -> list[dict[str, Any]]:
    return [
        {
            "direction": f.direction,
            "area": f.area.pcode if f.area_id else None,
            "individuals": f.individuals,
            "reason": f.reason,
        }
        for f in PopulationFlow.objects.filter(assessment=assessment).select_related("area").order_by("pk")
    ]
