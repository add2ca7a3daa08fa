"""The figures of a Monthly Site Profile: the only place they are computed.

`round_site_profiles(round)` reads every validated assessment of a monthly round with a
fixed number of queries (whatever the number of sites): the assessments with their site,
admin areas and management agency and every derived figure annotated in SQL; the
population of the same sites in the last rounds; the partners present per sector; the
boundaries of their admin areas. `site_profile(site, round)` is the same selector for
one site. Nothing here sums or divides rows in Python: shares, averages and indicator
statuses are SQL annotations; Python only puts the values in dataclasses (picklable, so
the batch can hand them to its rendering processes, which never touch the database).

Service indicators are those of the catalogue with a threshold (core.catalogue), measured
as the weekly report measures them (reports.indicators.annotate_indicators, against the
catalogue version each assessment was collected with). The status adds one rule of the
profile's own, `AMBER_MARGIN`: a missed threshold is amber when the value misses it by
at most that share of the threshold, red beyond.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    CharField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import translation
from django.utils.translation import gettext as _

from sitetrack.assessments.models import (
    AGE_BANDS,
    NEED_FIELDS,
    SHELTER_FIELDS,
    Round,
    RoundKind,
    SiteAssessment,
)
from sitetrack.assessments.severity import is_severe, severe_need_from
from sitetrack.core.catalogue import catalogue_for
from sitetrack.core.sectors import Sector
from sitetrack.geo.models import AdminArea
from sitetrack.reports.indicators import IndicatorColumns, annotate_indicators, threshold_columns
from sitetrack.response.models import Activity, ActivityStatus

if TYPE_CHECKING:
    from sitetrack.sites.models import Site

# Monthly rounds in the population trend (this one and the ones before it).
TREND_ROUNDS = 6
# A missed threshold is amber when the value misses it by at most this share of the
# threshold (e.g. 22 people per latrine against at most 20), red beyond.
AMBER_MARGIN = 0.25
# What the page prints next to each status, so that it reads without colour.
STATUS_SYMBOLS = {"green": "✔", "amber": "▲", "red": "✖", "unknown": "–"}
# Indicators of the catalogue read for committees and feedback channels (yes/no).
PARTICIPATION_CODES = ("site_committee", "complaints_mechanism")

SHELTER_LABELS = {
    "hh_tent": lambda: _("Tents"),
    "hh_makeshift": lambda: _("Makeshift shelters"),
    "hh_collective_building": lambda: _("Collective buildings"),
    "hh_host_family": lambda: _("Host families"),
    "hh_open_air": lambda: _("Open air"),
    "hh_other": lambda: _("Other"),
}
BAND_LABELS = {"0_4": "0–4", "5_11": "5–11", "12_17": "12–17", "18_59": "18–59", "60_plus": "60+"}


def status_words() -> dict[str, str]:
    return {
        "green": _("met"),
        "amber": _("close"),
        "red": _("not met"),
        "unknown": _("not recorded"),
    }


@dataclass(frozen=True)
class AreaName:
    level: int
    pcode: str
    name: str


@dataclass(frozen=True)
class PyramidBand:
    band: str
    label: str
    female: int | None
    male: int | None


@dataclass(frozen=True)
class ShelterRow:
    code: str
    label: str
    households: int | None
    percent: float | None


@dataclass(frozen=True)
class IndicatorStatus:
    code: str
    label: str
    unit: str
    value: float | None
    threshold: float | None
    threshold_text: str
    direction: str
    status: str  # green, amber, red or unknown
    symbol: str
    word: str


@dataclass(frozen=True)
class NeedRow:
    sector: str
    label: str
    severity: int | None
    severe: bool
    priority: int | None  # 1, 2 or 3 when ranked among the site's three priorities


@dataclass(frozen=True)
class PartnerRow:
    sector: str
    label: str
    organisations: tuple[str, ...]


@dataclass(frozen=True)
class TrendPoint:
    round_number: int
    period_end: datetime.date
    individuals: int | None


@dataclass(frozen=True)
class Participation:
    code: str
    label: str
    value: bool | None
    text: str


@dataclass
class SiteProfile:
    """Every figure of one site's profile for one monthly round."""

    language: str
    operation_name: str
    round_number: int
    round_kind: str
    period_start: datetime.date
    period_end: datetime.date
    # identity
    site_id: int
    code: str
    name: str
    other_names: list[str]
    site_type: str
    admin_areas: list[AreaName]
    management_agency: str
    management_type: str
    latitude: float | None
    longitude: float | None
    status: str
    area_m2: int | None
    capacity: int | None
    # population
    individuals: int | None
    households: int | None
    average_household_size: float | None
    arrivals: int | None
    departures: int | None
    pyramid: list[PyramidBand]
    pyramid_total: int | None
    trend: list[TrendPoint]
    trend_rounds: str
    shelter: list[ShelterRow]
    indicators: list[IndicatorStatus]
    needs: list[NeedRow]
    severe_from: int
    partners: list[PartnerRow]
    participation: list[Participation]
    # collection
    visit_date: datetime.date | None
    method: str
    assessment_id: int
    validated_at: datetime.datetime | None
    # map: the site's admin area and the area above it (GeoJSON, WGS84) when known
    area_boundary: dict | None = None
    area_bbox: tuple[float, float, float, float] | None = None
    parent_boundary: dict | None = None
    parent_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --- SQL -------------------------------------------------------------------------------------


def _ratio(numerator, denominator, scale: float = 1.0) -> ExpressionWrapper:
    return ExpressionWrapper(
        Value(scale) * Cast(numerator, FloatField()) / NullIf(Cast(denominator, FloatField()), Value(0.0)),
        output_field=FloatField(),
    )


def _threshold_of(column, catalogues) -> Case:
    """The column's threshold in the catalogue version each assessment was collected with."""
    whens = []
    for version_id in catalogues.versions:
        definition = catalogues.definition(version_id, column.code)
        then = Value(float(definition.threshold)) if definition else Value(None)
        whens.append(When(catalogue_version_id=version_id, then=then))
    current = catalogues.definition(None, column.code)
    default = Value(float(current.threshold)) if current else Value(None)
    return Case(*whens, default=default, output_field=FloatField())


def _status_of(column) -> Case:
    """green when met (the gap rule of core.catalogue: shortfall 0 or less), amber when
    missed by at most AMBER_MARGIN of the threshold, red beyond, unknown without a value."""
    amber_limit = ExpressionWrapper(
        Value(AMBER_MARGIN) * F(f"{column.code}_threshold"), output_field=FloatField()
    )
    return Case(
        When(**{f"{column.gap_key}__isnull": True}, then=Value("unknown")),
        When(**{f"{column.gap_key}__lte": 0}, then=Value("green")),
        When(**{f"{column.gap_key}__lte": amber_limit}, then=Value("amber")),
        default=Value("red"),
        output_field=CharField(),
    )


def profile_queryset(round: Round, columns: IndicatorColumns) -> QuerySet[SiteAssessment]:
    """The validated assessments of the round with every figure of the profile annotated."""
    qs = (
        SiteAssessment.objects.validated()
        .filter(round=round)
        .select_related(
            "site",
            "site__management_agency",
            "site__admin_area",
            "site__admin_area__parent",
            "site__admin_area__parent__parent",
        )
        .defer(
            "site__admin_area__boundary",
            "site__admin_area__parent__boundary",
            "site__admin_area__parent__parent__boundary",
        )
    )
    qs = annotate_indicators(qs, columns)
    if columns:
        qs = qs.annotate(
            **{f"{c.code}_threshold": _threshold_of(c, columns.catalogues) for c in columns}
        ).annotate(**{f"{c.code}_status": _status_of(c) for c in columns})
    bands = [f"{sex}_{band}" for sex in ("f", "m") for band in AGE_BANDS]
    sad_total = sum((Coalesce(F(name), 0) for name in bands[1:]), Coalesce(F(bands[0]), 0))
    any_band = Q()
    for name in bands:
        any_band |= Q(**{f"{name}__isnull": False})
    return qs.annotate(
        average_household_size=_ratio(F("individuals"), F("households")),
        pyramid_total=Case(When(any_band, then=sad_total), default=Value(None), output_field=IntegerField()),
        **{f"{name}_pct": _ratio(F(name), F("households"), 100.0) for name in SHELTER_FIELDS},
        **{f"p_{code}": KeyTransform(code, "indicators") for code in PARTICIPATION_CODES},
    ).order_by("site__code")


def _trend_rounds(round: Round) -> list[Round]:
    return list(
        Round.objects.filter(
            operation_id=round.operation_id, kind=round.kind, number__lte=round.number
        ).order_by("-number")[:TREND_ROUNDS]
    )[::-1]


def _trend_values(round: Round, rounds: list[Round], sites: QuerySet) -> dict[int, dict[int, int | None]]:
    """site id → round number → validated individuals, for the trend rounds."""
    rows = (
        SiteAssessment.objects.validated()
        .filter(round__in=[r.pk for r in rounds], site_id__in=sites)
        .values_list("site_id", "round__number", "individuals")
    )
    values: dict[int, dict[int, int | None]] = {}
    for site_id, number, individuals in rows:
        values.setdefault(site_id, {})[number] = individuals
    return values


def _partners(round: Round, sites: QuerySet) -> dict[int, dict[str, list[str]]]:
    """site id → sector → organisations with an ongoing activity at the site during the
    round (response app, 3W), each organisation once, by name."""
    rows = (
        Activity.objects.for_operation(round.operation)
        .filter(status=ActivityStatus.ONGOING, site_id__in=sites)
        .during(round.period_start, round.period_end)
        .values_list("site_id", "sector", "organisation__acronym", "organisation__name")
        .distinct()
        .order_by("site_id", "sector", "organisation__name")
    )
    partners: dict[int, dict[str, list[str]]] = {}
    for site_id, sector, acronym, name in rows:
        partners.setdefault(site_id, {}).setdefault(sector, []).append(acronym or name)
    return partners


def _boundaries(area_ids: set[int]) -> dict[int, dict[str, Any]]:
    rows = AdminArea.objects.filter(pk__in=area_ids).values(
        "pk", "boundary", "min_lon", "min_lat", "max_lon", "max_lat"
    )
    return {row["pk"]: row for row in rows}


# --- building the dataclasses ------------------------------------------------------------------


def _area_names(area: AdminArea, language: str) -> list[AreaName]:
    """Admin 1 down to the site's area (the parents are select_related: sites sit at
    admin 1 to 3, so the walk stops at admin 1 without a query)."""
    names = []
    while area is not None and area.level > 0:
        names.append(AreaName(area.level, area.pcode, area.name_in(language) or area.name_en))
        area = area.parent if area.parent_id and area.level > 1 else None
    return names[::-1]


def _bbox(row: dict[str, Any] | None) -> tuple[float, float, float, float] | None:
    if not row or None in (row["min_lon"], row["min_lat"], row["max_lon"], row["max_lat"]):
        return None
    return (row["min_lon"], row["min_lat"], row["max_lon"], row["max_lat"])


def _yes_no(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _participation(a: SiteAssessment, ctx: dict[str, Any]) -> list[Participation]:
    items = []
    for code in PARTICIPATION_CODES:
        value = _yes_no(getattr(a, f"p_{code}"))
        definition = ctx["catalogue"].get(code)
        label = definition.label if definition else code
        text = ctx["words"]["unknown"] if value is None else (_("Yes") if value else _("No"))
        items.append(Participation(code, label, value, text))
    return items


def _indicators(a: SiteAssessment, ctx: dict[str, Any]) -> list[IndicatorStatus]:
    items = []
    for c in ctx["columns"]:
        status = getattr(a, f"{c.code}_status", "unknown") or "unknown"
        items.append(
            IndicatorStatus(
                code=c.code,
                label=c.label,
                unit=c.unit,
                value=getattr(a, c.value_key, None),
                threshold=getattr(a, f"{c.code}_threshold", None),
                threshold_text=c.threshold_text,
                direction=c.direction,
                status=status,
                symbol=STATUS_SYMBOLS[status],
                word=ctx["words"][status],
            )
        )
    return items


def _needs(a: SiteAssessment, severe_from: int) -> list[NeedRow]:
    priorities = {a.priority_1: 1, a.priority_2: 2, a.priority_3: 3}
    return [
        NeedRow(
            sector=sector,
            label=str(Sector(sector).label),
            severity=getattr(a, NEED_FIELDS[sector]),
            severe=is_severe(getattr(a, NEED_FIELDS[sector]), severe_from),
            priority=priorities.get(sector),
        )
        for sector in Sector.values
    ]


def _build(a: SiteAssessment, ctx: dict[str, Any]) -> SiteProfile:
    site, language = a.site, ctx["language"]
    severe_from = ctx["severe_from"]
    trend_values = ctx["trend"].get(site.pk, {})
    area = site.admin_area
    parent = area.parent if area.parent_id and area.parent.level > 0 else None
    bounds = ctx["boundaries"]
    return SiteProfile(
        language=language,
        operation_name=ctx["operation_name"],
        round_number=ctx["round"].number,
        round_kind=ctx["round"].kind,
        period_start=ctx["round"].period_start,
        period_end=ctx["round"].period_end,
        site_id=site.pk,
        code=site.code,
        name=site.name_in(language),
        other_names=[
            n
            for n in [site.name, *(site.names or {}).values(), *(site.aliases or [])]
            if n and n != site.name_in(language)
        ][:4],
        site_type=site.get_site_type_display(),
        admin_areas=_area_names(area, language),
        management_agency=str(site.management_agency.name) if site.management_agency_id else "",
        management_type=site.get_management_type_display() if site.management_type else "",
        latitude=site.latitude,
        longitude=site.longitude,
        status=site.get_status_display(),
        area_m2=site.area_m2,
        capacity=site.capacity,
        individuals=a.individuals,
        households=a.households,
        average_household_size=a.average_household_size,
        arrivals=a.arrivals,
        departures=a.departures,
        pyramid=[
            PyramidBand(band, BAND_LABELS[band], getattr(a, f"f_{band}"), getattr(a, f"m_{band}"))
            for band in AGE_BANDS
        ],
        pyramid_total=a.pyramid_total,
        trend=[TrendPoint(r.number, r.period_end, trend_values.get(r.number)) for r in ctx["rounds"]],
        trend_rounds=ctx["trend_rounds"],
        shelter=[
            ShelterRow(name, SHELTER_LABELS[name](), getattr(a, name), getattr(a, f"{name}_pct"))
            for name in SHELTER_FIELDS
        ],
        indicators=_indicators(a, ctx),
        needs=_needs(a, severe_from),
        severe_from=severe_from,
        partners=[
            PartnerRow(sector, str(Sector(sector).label), tuple(orgs))
            for sector, orgs in ctx["partners"].get(site.pk, {}).items()
        ],
        participation=_participation(a, ctx),
        visit_date=a.visit_date,
        method=a.get_method_display() if a.method else "",
        assessment_id=a.pk,
        validated_at=a.validated_at,
        area_boundary=(bounds.get(area.pk) or {}).get("boundary"),
        area_bbox=_bbox(bounds.get(area.pk)),
        parent_boundary=(bounds.get(parent.pk) or {}).get("boundary") if parent else None,
        parent_name=(parent.name_in(language) or parent.name_en) if parent else "",
    )


def _trend_label(rounds: list[Round]) -> str:
    if not rounds:
        return ""
    first, last = rounds[0], rounds[-1]
    if first.pk == last.pk:
        return _("Monthly round #%(number)s only") % {"number": last.number}
    return _("Monthly rounds #%(first)s to #%(last)s (%(count)s rounds)") % {
        "first": first.number,
        "last": last.number,
        "count": len(rounds),
    }


def round_site_profiles(
    round: Round,
    *,
    language: str = "en",
    site: Site | None = None,
    severe_from: int | None = None,
) -> list[SiteProfile]:
    """The profiles of every site with a validated assessment in the round (or of one
    site), in site code order. A fixed number of queries, whatever the number of sites."""
    with translation.override(language):
        columns = threshold_columns(round.operation, language)
        qs = profile_queryset(round, columns)
        if site is not None:
            qs = qs.filter(site=site)
        sites = qs.values("site_id")
        rounds = _trend_rounds(round)
        assessments = list(qs)
        area_ids: set[int] = set()
        for a in assessments:
            area_ids.add(a.site.admin_area_id)
            if a.site.admin_area.parent_id:
                area_ids.add(a.site.admin_area.parent_id)
        ctx = {
            "round": round,
            "language": language,
            "operation_name": round.operation.name,
            "columns": columns,
            "catalogue": catalogue_for(round.operation),
            "words": status_words(),
            "severe_from": severe_need_from(severe_from),
            "rounds": rounds,
            "trend_rounds": _trend_label(rounds),
            "trend": _trend_values(round, rounds, sites) if assessments else {},
            "partners": _partners(round, sites) if assessments else {},
            "boundaries": _boundaries(area_ids) if assessments else {},
        }
        return [_build(a, ctx) for a in assessments]


def site_profile(site: Site, round: Round, *, language: str = "en") -> SiteProfile | None:
    """The profile of one site for one monthly round; None when the site has no validated
    assessment in that round."""
    profiles = round_site_profiles(round, language=language, site=site)
    return profiles[0] if profiles else None


def monthly_rounds(operation) -> QuerySet[Round]:
    return Round.objects.filter(operation=operation, kind=RoundKind.MONTHLY).order_by("-number")


def profile_count(round: Round) -> int:
    """Sites with a validated assessment in the round: the profiles a batch renders."""
    return SiteAssessment.objects.validated().filter(round=round).count()
