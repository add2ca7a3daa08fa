"""The Weekly Site Needs Report: every figure of it, computed in the database.

`weekly_report(round, language=...)` returns one `WeeklyReport` that the web page, the
PDF, the XLSX workbook, the HXL CSV and the subscribers' emails all render, so every
format shows the same figures. Figures come from aggregates and annotations (SQL); Python
only arranges the rows it is given into the tables to render.

The number of queries does not depend on the number of sites (see
tests/test_selectors.py): one query per table, whatever the size of the operation.
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from sitetrack.assessments.models import NEED_FIELDS, Round, RoundKind, SiteAssessment
from sitetrack.assessments.selectors import TOTAL_FIELDS, previous_round, total_sums
from sitetrack.assessments.severity import severe_need_from, severe_q
from sitetrack.core.models import Operation
from sitetrack.core.sectors import SECTOR_HXL, Sector
from sitetrack.geo.models import AdminArea
from sitetrack.reports import indicators as ind

# The report's records live in weekly_types.py (no import back from here); re-exported:
# callers import them from the selectors.
from sitetrack.reports.weekly_types import (
    IndicatorGap,
    KeyFigures,
    PriorityRank,
    SectorGapList,
    SectorGapRow,
    SectorInfo,
    SiteRow,
    WeeklyReport,
)
from sitetrack.sites.models import Site, SiteStatus, SiteStatusChange

# Priority ranking: a first priority weighs 3, a second 2, a third 1; the counts per rank
# are shown beside the score.
PRIORITY_WEIGHTS = (3, 2, 1)
# Sites not assessed whose last assessments are looked up by their ids (bound parameters)
# rather than by a subquery.
LAST_KNOWN_IDS = 500


def severe_need_default() -> int:
    """The severity from which a need is severe in the reports (the setting's)."""
    return severe_need_from()


# The severity rule is written once, in assessments/severity.py. Rows carry its result
# (`SiteRow.severe`), so the page, the PDF and the XLSX mark what SQL found and never
# compare severities themselves.
severe_need = severe_q


def sector_infos() -> list[SectorInfo]:
    from django.utils.translation import pgettext

    short = {
        Sector.PROTECTION: pgettext("sector short", "PROT"),
        Sector.WASH: pgettext("sector short", "WASH"),
        Sector.HEALTH: pgettext("sector short", "HEAL"),
        Sector.FOOD_SECURITY: pgettext("sector short", "FOOD"),
        Sector.SHELTER_NFI: pgettext("sector short", "SHEL"),
        Sector.SECURITY: pgettext("sector short", "SECU"),
        Sector.EDUCATION: pgettext("sector short", "EDUC"),
        Sector.NUTRITION: pgettext("sector short", "NUTR"),
        Sector.LIVELIHOODS: pgettext("sector short", "LIVE"),
        Sector.CCCM: pgettext("sector short", "CCCM"),
    }
    return [SectorInfo(s.value, str(s.label), str(short[s]), SECTOR_HXL[s]) for s in Sector]


# --- helpers ------------------------------------------------------------------------


def sites_open_in_round(round: Round) -> QuerySet[Site]:
    """The operation's sites that were open on the first day of the round.

    A site's status on a day is that of its last dated status change on or before that
    day (a site closed on 10 March is not open in the round starting 24 March, nor in
    one starting on 10 March). A site whose changes all come later was open before them;
    a site without any dated change has its current status. A site opened after the
    round ended (`opened_on`) is not in it."""
    start = round.period_start
    changes = SiteStatusChange.objects.filter(site=OuterRef("pk"))
    status_then = Coalesce(
        Subquery(changes.filter(date__lte=start).order_by("-date", "-pk").values("status")[:1]),
        Case(When(Exists(changes), then=Value(SiteStatus.OPEN)), default=F("status")),
        output_field=CharField(),
    )
    return (
        Site.objects.for_operation(round.operation)
        .alias(status_then=status_then)
        .filter(status_then=SiteStatus.OPEN)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=round.period_end))
    )


def round_assessed(round: Round) -> QuerySet[SiteAssessment]:
    """The validated assessments of a round that count: those of the sites open in it."""
    return (
        SiteAssessment.objects.validated()
        .filter(round=round)
        .filter(site_id__in=sites_open_in_round(round).values("pk"))
    )


def weekly_rounds(operation: Operation) -> QuerySet[Round]:
    return Round.objects.filter(operation=operation, kind=RoundKind.WEEKLY).order_by("-number")


def _path_codes(path: str) -> tuple[str, str]:
    """Admin1 and admin2 P-codes from a materialised path "/CF/CF71/CF711/CF7111/"."""
    parts = [p for p in path.split("/") if p]
    return (parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "")


def _admin_names(paths: set[str], language: str) -> dict[str, str]:
    codes = {c for p in paths for c in _path_codes(p) if c}
    names = {}
    for pcode, en, fr in AdminArea.objects.filter(pcode__in=codes).values_list("pcode", "name_en", "name_fr"):
        names[pcode] = fr if language.startswith("fr") and fr else en
    return names


SITE_VALUES = [
    "site__code",
    "site__name",
    "site__admin_area__path",
    "site__management_agency__name",
    "site__management_agency__acronym",
    "individuals",
    "households",
    "arrivals",
    "departures",
    "priority_1",
    "priority_2",
    "priority_3",
    "critical_gap_count",
    "severe_sector_count",
    "catalogue_version_id",
    *NEED_FIELDS.values(),
    *(f"{need}_severe" for need in NEED_FIELDS.values()),
]


def _annotate_flags(qs: QuerySet, columns: list[ind.IndicatorColumn], severe_from: int) -> QuerySet:
    """Add the indicator values, gaps and `met` flags, then count (in SQL) how many
    thresholds each site misses and how many sectors are severe."""
    qs = ind.annotate_indicators(qs, columns)
    # Missed = a shortfall above zero (`met` False; NULL, unknown, is not missed): on the
    # gap itself, which SQL then computes once here instead of twice through `met`.
    missed = [When(Q(**{f"{col.gap_key}__gt": 0}), then=Value(1)) for col in columns]
    critical = sum(
        (Case(w, default=Value(0), output_field=IntegerField()) for w in missed),
        start=Value(0, output_field=IntegerField()),
    )
    qs = qs.annotate(
        **{
            f"{need}_severe": Case(
                When(severe_need(need, severe_from), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
            for need in NEED_FIELDS.values()
        }
    )
    severe = sum(
        (
            Case(When(Q(**{f"{need}_severe": True}), then=Value(1)), default=Value(0))
            for need in NEED_FIELDS.values()
        ),
        start=Value(0, output_field=IntegerField()),
    )
    return qs.annotate(critical_gap_count=critical, severe_sector_count=severe)


def _gap(values: dict, col: ind.IndicatorColumn, columns: ind.IndicatorColumns) -> IndicatorGap:
    """A missed threshold, as the assessment's own catalogue version states it."""
    threshold, direction, text = columns.catalogues.threshold(values.get("catalogue_version_id"), col.code)
    return IndicatorGap(
        code=col.code,
        label=col.label,
        sector=col.sector,
        unit=col.unit,
        value=values.get(col.value_key),
        threshold=threshold,
        direction=direction,
        threshold_text=text,
        gap=values.get(col.gap_key),
    )


# (sector, need field, its "<need>_severe" annotation), in sector order.
_NEEDS = tuple((sector, need, f"{need}_severe") for sector, need in NEED_FIELDS.items())


def _site_row(values: dict, columns: ind.IndicatorColumns, admin_names: dict[str, str]) -> SiteRow:
    adm1, adm2 = _path_codes(values["site__admin_area__path"])
    get = values.get
    severities = {sector: values[need] for sector, need, _ in _NEEDS}
    severe = {sector: bool(get(flag)) for sector, _, flag in _NEEDS}
    gaps = [_gap(values, col, columns) for col in columns if get(col.met_key) is False]
    agency = get("site__management_agency__acronym") or get("site__management_agency__name")
    return SiteRow(
        code=values["site__code"],
        name=values["site__name"],
        admin1_pcode=adm1,
        admin1_name=admin_names.get(adm1, ""),
        admin2_pcode=adm2,
        admin2_name=admin_names.get(adm2, ""),
        individuals=values["individuals"],
        households=values["households"],
        arrivals=values["arrivals"],
        departures=values["departures"],
        previous_individuals=get("previous_individuals"),
        change_individuals=get("change_individuals"),
        severities=severities,
        severe=severe,
        priorities=[p for p in (values["priority_1"], values["priority_2"], values["priority_3"]) if p],
        gaps=gaps,
        critical_gap_count=values["critical_gap_count"] or 0,
        severe_sectors=[s for s, is_severe in severe.items() if is_severe],
        partners=agency or "",
    )


def _sector_q(sector: str, columns: list[ind.IndicatorColumn], severe_from: int) -> Q:
    q = severe_need(NEED_FIELDS[sector], severe_from)
    for col in columns:
        if col.sector == sector:
            q |= Q(**{f"{col.gap_key}__gt": 0})  # missed (see _annotate_flags)
    return q


# --- the report ----------------------------------------------------------------------


def signed_sum(field: str, this: Q, prev: Q) -> Sum:
    """The total of `field` over `this` minus its total over `prev`, in one pass."""
    return Sum(
        Case(
            When(this, then=F(field)),
            When(prev, then=Value(0) - F(field)),
            output_field=IntegerField(),
        ),
        default=0,
    )


def key_figures_for(round: Round, previous: Round | None) -> dict:
    """Totals and coverage of this round and the previous one, and the change between
    them over the sites validated in both rounds (two aggregate queries).

    The open sites of each round are looked up once (in the WHERE clause), not once per
    figure: the first aggregate groups the rows counted by site (a site has one
    assessment per round, so a group of two is a site validated in both rounds) and the
    figures are summed over those groups."""
    open_now = sites_open_in_round(round).values("pk")
    this = Q(round_id=round.pk)
    counted = Q(round_id=round.pk, site_id__in=open_now)
    per_site: dict = {"n": Count("pk"), "this_n": Count("pk", filter=this)}
    per_site |= {f"this_{name}": agg for name, agg in total_sums(this).items()}
    figures_of: dict = {"sites_assessed": Sum("kf_this_n", default=0)}
    figures_of |= {name: Sum(f"kf_this_{name}", default=0) for name in TOTAL_FIELDS}
    open_counts = {"open_sites": Count("pk", filter=Q(pk__in=open_now))}
    if previous is not None:
        open_before = sites_open_in_round(previous).values("pk")
        prev = Q(round_id=previous.pk)
        counted |= Q(round_id=previous.pk, site_id__in=open_before)
        per_site["prev_n"] = Count("pk", filter=prev)
        per_site |= {f"prev_{name}": agg for name, agg in total_sums(prev).items()}
        # Like with like: the sites validated (and open) in both rounds.
        both = Q(kf_n=2)
        figures_of |= {
            "previous_sites_assessed": Sum("kf_prev_n", default=0),
            "previous_individuals": Sum("kf_prev_individuals", default=0),
            "previous_households": Sum("kf_prev_households", default=0),
            "compared_sites": Count("kf_n", filter=both),
            "change_individuals": Sum(
                F("kf_this_individuals") - F("kf_prev_individuals"), filter=both, default=0
            ),
            "change_households": Sum(
                F("kf_this_households") - F("kf_prev_households"), filter=both, default=0
            ),
        }
        open_counts["previous_open_sites"] = Count("pk", filter=Q(pk__in=open_before))
    # Aliases may not shadow the fields they sum: prefix them, then strip the prefix.
    groups = (
        SiteAssessment.objects.validated()
        .filter(counted)
        .values("site_id")
        .annotate(**{f"kf_{name}": agg for name, agg in per_site.items()})
    )
    result = groups.aggregate(**{f"kf_{name}": agg for name, agg in figures_of.items()})
    figures = {name[3:]: value for name, value in result.items()}
    figures |= Site.objects.for_operation(round.operation).aggregate(**open_counts)
    for name in (
        "previous_sites_assessed",
        "previous_open_sites",
        "previous_individuals",
        "previous_households",
        "compared_sites",
        "change_individuals",
        "change_households",
    ):
        figures.setdefault(name, None)
    if not figures["compared_sites"]:
        # Nothing to compare: no change, rather than a total against nothing.
        figures["change_individuals"] = figures["change_households"] = None
    return figures


def priority_ranking(qs: QuerySet, sectors: list[SectorInfo]) -> list[PriorityRank]:
    """How often each sector is named a priority need: counts per rank and a weighted
    score (first = 3, second = 2, third = 1), in one aggregate query."""
    aggregates = {}
    for s in sectors:
        c = s.code
        aggregates[f"{c}__1"] = Count("pk", filter=Q(priority_1=c))
        aggregates[f"{c}__2"] = Count("pk", filter=Q(priority_2=c))
        aggregates[f"{c}__3"] = Count("pk", filter=Q(priority_3=c))
        aggregates[f"{c}__sites"] = Count("pk", filter=Q(priority_1=c) | Q(priority_2=c) | Q(priority_3=c))
        aggregates[f"{c}__score"] = Sum(
            Case(
                When(priority_1=c, then=Value(PRIORITY_WEIGHTS[0])),
                When(priority_2=c, then=Value(PRIORITY_WEIGHTS[1])),
                When(priority_3=c, then=Value(PRIORITY_WEIGHTS[2])),
                default=Value(0),
                output_field=IntegerField(),
            ),
            default=0,
        )
    counts = qs.aggregate(**aggregates)
    ranks = [
        PriorityRank(
            sector=s,
            first=counts[f"{s.code}__1"],
            second=counts[f"{s.code}__2"],
            third=counts[f"{s.code}__3"],
            sites=counts[f"{s.code}__sites"],
            score=counts[f"{s.code}__score"],
        )
        for s in sectors
    ]
    ranks = [r for r in ranks if r.score]
    ranks.sort(key=lambda r: (-r.score, -r.first, r.sector.code))
    return ranks


def weekly_report(round: Round, *, language: str = "en", severe_from: int | None = None) -> WeeklyReport:
    """The whole weekly report of one round, in one language: its parts each come from
    one function below (a query or two each; the count does not grow with the sites)."""
    severe_from = severe_from or severe_need_default()
    operation = round.operation
    with translation.override(language):
        sectors = sector_infos()
        columns = ind.threshold_columns(operation, language)
        previous = previous_round(round)
        figures = key_figures_for(round, previous)
        assessed = round_assessed(round)
        annotated = _annotate_flags(assessed, columns, severe_from)
        site_values = _assessed_values(annotated, previous, columns)
        sector_totals = _sector_totals(annotated, sectors, columns, severe_from)
        missing, last_values, not_assessed_people = _not_assessed(round, assessed, columns, severe_from)
        paths = {v["site__admin_area__path"] for v in site_values} | {m["admin_area__path"] for m in missing}
        names = _admin_names(paths, language)
        site_rows = [_site_row(v, columns, names) for v in site_values]
        not_assessed_rows = [
            _not_assessed_row(m, last_values.get(m["code"]), columns, names) for m in missing
        ]
        return WeeklyReport(
            operation=operation,
            round=round,
            previous_round=previous,
            language=language,
            generated_at=timezone.now(),
            severe_from=severe_from,
            key_figures=_key_figures(figures, sector_totals, len(not_assessed_rows), not_assessed_people),
            sectors=sectors,
            indicators=columns,
            sites=site_rows,
            not_assessed=not_assessed_rows,
            priorities=priority_ranking(assessed, sectors),
            sector_gaps=_sector_gap_lists(sectors, columns, site_rows, sector_totals),
        )


def _assessed_values(annotated: QuerySet, previous: Round | None, columns: list) -> list[dict]:
    """Every validated assessment of the round, with its change since the previous round
    and its gaps against thresholds (one query)."""
    if previous is not None:
        # order_by(): one assessment per site and round, so the model's ordering (four
        # joins and a sort for each of 5,000 rows, twice: PostgreSQL inlines the
        # subquery in the change too) only cost time.
        prev = SiteAssessment.objects.validated().filter(round=previous, site=OuterRef("site")).order_by()
        annotated = annotated.annotate(
            previous_individuals=Subquery(prev.values("individuals")[:1]),
        ).annotate(
            change_individuals=F("individuals") - F("previous_individuals"),
        )
    value_names = SITE_VALUES + ind.value_names(columns)
    if previous is not None:
        value_names += ["previous_individuals", "change_individuals"]
    return list(annotated.order_by("site__code").values(*value_names))


def _sector_totals(annotated: QuerySet, sectors: list[SectorInfo], columns: list, severe_from: int) -> dict:
    """Per sector, the sites and people in need, and the sites with critical gaps (one query)."""
    sector_aggs: dict = {"critical_sites": Count("pk", filter=Q(critical_gap_count__gt=0))}
    for s in sectors:
        q = _sector_q(s.code, columns, severe_from)
        sector_aggs[f"{s.code}__sites"] = Count("pk", filter=q)
        sector_aggs[f"{s.code}__people"] = Sum("individuals", filter=q, default=0)
    return annotated.aggregate(**sector_aggs)


def _not_assessed(
    round: Round, assessed: QuerySet, columns: list, severe_from: int
) -> tuple[list[dict], dict[str, dict], int]:
    """The open sites without a validated assessment this round, their last known
    validated figures (any earlier round of the operation) by site code, and the people
    those figures count."""
    validated = SiteAssessment.objects.validated()
    last_known = (
        validated.filter(site=OuterRef("pk"), round__operation=round.operation)
        .filter(round__period_end__lte=round.period_end)
        .exclude(round=round)
        .order_by("-round__period_end", "-round__number", "-pk")
        .values("pk")[:1]
    )
    missing_sites = (
        sites_open_in_round(round)
        .filter(~Exists(assessed.filter(site=OuterRef("pk"))))
        .annotate(last_assessment=Subquery(last_known))
    )
    missing = list(
        missing_sites.order_by("code").values(
            "pk",
            "code",
            "name",
            "admin_area__path",
            "management_agency__name",
            "management_agency__acronym",
            "last_assessment",
        )
    )
    if not missing:
        # Every open site assessed (the usual national week): nothing to look up. (Left to
        # the database, PostgreSQL's planner hashed every validated assessment of the
        # operation to join it with nothing: a second for an empty list.)
        return missing, {}, 0
    known = [m["last_assessment"] for m in missing if m["last_assessment"]]
    # The ids just read, when few; else the same subquery again.
    last_ids = known if len(known) <= LAST_KNOWN_IDS else missing_sites.values("last_assessment")
    last_qs = _annotate_flags(validated.filter(pk__in=last_ids), columns, severe_from)
    last_values = {
        v["site__code"]: v
        for v in last_qs.values(
            *SITE_VALUES, *ind.value_names(columns), "round__number", "round__kind", "round__period_end"
        )
    }
    people = last_qs.aggregate(total=Sum("individuals", default=0))["total"]
    return missing, last_values, people


def _not_assessed_row(missing: dict, last: dict | None, columns: list, names: dict) -> SiteRow:
    """A site not assessed this round: its last known figures (and their round), else
    its name and place only."""
    if last is not None:
        row = _site_row(last, columns, names)
        row.source_round_number = last["round__number"]
        row.source_round_kind = last["round__kind"]
        row.source_round_end = last["round__period_end"]
    else:
        row = _site_row(
            {
                "site__code": missing["code"],
                "site__name": missing["name"],
                "site__admin_area__path": missing["admin_area__path"],
                "site__management_agency__name": missing["management_agency__name"],
                "site__management_agency__acronym": missing["management_agency__acronym"],
                "individuals": None,
                "households": None,
                "arrivals": None,
                "departures": None,
                "priority_1": "",
                "priority_2": "",
                "priority_3": "",
                "critical_gap_count": 0,
                **{need: None for need in NEED_FIELDS.values()},
            },
            columns,
            names,
        )
    row.assessed = False
    return row


def _sector_gap_lists(
    sectors: list[SectorInfo], columns: list, site_rows: list[SiteRow], sector_totals: dict
) -> list[SectorGapList]:
    """Per sector, the sites that miss one of its thresholds (a row a gap) or whose need
    is severe, arranged from the rows SQL marked."""
    rows: dict[str, list[SectorGapRow]] = {s.code: [] for s in sectors}
    # One pass over the sites, visiting only the sectors each one appears in (a site's
    # rows keep site order within every list, its gaps their catalogue order).
    for site in site_rows:
        missed: dict[str, list[IndicatorGap]] = {}
        for g in site.gaps:
            missed.setdefault(g.sector, []).append(g)
        for code in site.severe_sectors:
            missed.setdefault(code, [])
        for code, gaps in missed.items():
            listed = rows.get(code)
            if listed is None:
                continue
            severity, severe = site.severities[code], site.severe[code]
            if gaps:
                listed.extend(SectorGapRow(site, severity, severe, g) for g in gaps)
            else:
                listed.append(SectorGapRow(site, severity, severe, None))
    sector_gaps = [
        SectorGapList(
            sector=s,
            sites=sector_totals[f"{s.code}__sites"],
            people=sector_totals[f"{s.code}__people"],
            rows=rows[s.code],
            indicators=[c for c in columns if c.sector == s.code],
        )
        for s in sectors
    ]
    return sector_gaps


def _key_figures(
    figures: dict, sector_totals: dict, not_assessed: int, not_assessed_people: int
) -> KeyFigures:
    return KeyFigures(
        sites_assessed=figures["sites_assessed"],
        open_sites=figures["open_sites"],
        individuals=figures["individuals"],
        households=figures["households"],
        arrivals=figures["arrivals"],
        departures=figures["departures"],
        previous_sites_assessed=figures["previous_sites_assessed"],
        previous_open_sites=figures["previous_open_sites"],
        previous_individuals=figures["previous_individuals"],
        previous_households=figures["previous_households"],
        compared_sites=figures["compared_sites"],
        change_individuals=figures["change_individuals"],
        change_households=figures["change_households"],
        sites_not_assessed=not_assessed,
        individuals_not_assessed_last_known=not_assessed_people,
        sites_with_critical_gaps=sector_totals["critical_sites"],
    )
