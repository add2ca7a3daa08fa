"""Demo step 4: twelve weekly site-needs rounds (6 January – 30 March 2014) and three
monthly site-profile rounds (January, February, March 2014) for every demo site.

Dynamics follow what the CCCM cluster reported for Bangui in early 2014: sites fill up
after the December 2013 violence (M'Poko airport peaking around 100,000 people in
January), then people leave gradually; first needs shift from shelter and food to WASH
and health while service indicators move towards the Sphere thresholds.

Deterministic: one number is drawn from ctx.rng to seed a local generator, so later
steps see the same ctx.rng whatever happens here. Safe to run twice: when the
operation already has rounds with assessments, the step leaves them as they are.
Assessments are bulk-created (with their history) and carry the findings of
assessments.validation.validate(), exactly as the services would store them.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from sitetrack.assessments.models import (
    SAD_FIELDS,
    SHELTER_FIELDS,
    AssessmentStatus,
    FlowDirection,
    PopulationFlow,
    Round,
    RoundKind,
    RoundStatus,
    SiteAssessment,
    VisitMethod,
)
from sitetrack.assessments.validation import summarise, validate, validation_rules_for
from sitetrack.core.catalogue import catalogue_ensure_default, catalogue_for
from sitetrack.core.sectors import Sector
from sitetrack.demo.context import DemoContext

WEEKS = 12
FIRST_MONDAY = datetime.date(2014, 1, 6)
MONTHS = [
    (1, datetime.date(2014, 1, 1), datetime.date(2014, 1, 31)),
    (2, datetime.date(2014, 2, 1), datetime.date(2014, 2, 28)),
    (3, datetime.date(2014, 3, 1), datetime.date(2014, 3, 31)),
]
# The weekly round whose figures a monthly profile repeats (mid-month).
MONTH_WEEK = {1: 2, 2: 7, 3: 11}
MPOKO_PEAK = 100_000

# Share of each sex-and-age band in displaced populations (CCCM site profiles of the period
# show about 52% women and girls and about half of the people under 18).
SADD_SHARES = {
    "f_0_4": 0.095,
    "f_5_11": 0.105,
    "f_12_17": 0.075,
    "f_18_59": 0.215,
    "f_60_plus": 0.03,
    "m_0_4": 0.09,
    "m_5_11": 0.10,
    "m_12_17": 0.07,
    "m_18_59": 0.19,
    "m_60_plus": 0.03,
}
ARRIVAL_REASONS = ["violence", "fear_of_attack", "house_destroyed", "looting"]
DEPARTURE_REASONS = ["return", "relocation", "other_site", "host_family"]
RETURN_REASONS = [
    "Sex and age figures do not match the headcount; recount with the committee.",
    "Latrine count doubled since last week: check whether block C is counted twice.",
    "Arrivals look too high for a site that lost people; confirm with the registration desk.",
]


def _population_factor(week: int) -> float:
    """Share of a site's peak population in week 1..12: filling up to week 3 (mid/late
    January), then leaving gradually (about 45% fewer by the end of March)."""
    if week <= 3:
        return (0.78, 0.95, 1.0)[week - 1]
    return 1.0 - 0.05 * (week - 3)


def _progress(week: int) -> float:
    """0 at the start of January, 1 at the end of March: how far services have caught up."""
    return (week - 1) / (WEEKS - 1)


def build(ctx: DemoContext) -> None:
    rng = random.Random(ctx.rng.random())
    operation = ctx.operation
    sites = list(ctx.sites)
    for site in sites:
        site.admin_area  # noqa: B018 (fetched once, used for the facilitator below)
    if operation is None or not sites:
        ctx.log("assessments: no operation or sites on the context; skipped")
        return
    if SiteAssessment.objects.filter(round__operation=operation).exists():
        ctx.log("assessments: rounds already present; left as they are")
        return
    catalogue_ensure_default()
    catalogue = catalogue_for(operation)
    rules = validation_rules_for(operation)
    now = timezone.now()

    weekly = [
        _round(operation, RoundKind.WEEKLY, n, FIRST_MONDAY + datetime.timedelta(days=7 * (n - 1)), catalogue)
        for n in range(1, WEEKS + 1)
    ]
    monthly = [_round(operation, RoundKind.MONTHLY, n, start, catalogue, end=end) for n, start, end in MONTHS]

    imo = ctx.users.get("imo")
    # Fatou covers Bangui, Jean-Pierre Ombella M'Poko (see the operation step).
    bangui, ombella = (
        ctx.users.get("facilitator"),
        ctx.users.get("facilitator2") or ctx.users.get("facilitator"),
    )
    areas = _origin_areas(operation)
    profiles = {site.pk: _site_profile(site, rng) for site in sorted(sites, key=lambda s: s.code)}

    objects: list[SiteAssessment] = []
    flows_by_key: dict[tuple[int, int], list[dict[str, Any]]] = {}
    last = weekly[-1]
    for kind_rounds, kind in ((weekly, RoundKind.WEEKLY), (monthly, RoundKind.MONTHLY)):
        previous: dict[int, dict[str, Any]] = {}
        for round in kind_rounds:
            week = round.number if kind == RoundKind.WEEKLY else MONTH_WEEK[round.number]
            for site in sorted(sites, key=lambda s: s.code):
                profile = profiles[site.pk]
                state = _final_state(round, last, rng)
                if state == "missing":
                    continue
                values, flows = _values(site, profile, week, previous.get(site.pk), kind, rng, areas)
                if state == "draft" and rng.random() < 0.4:
                    values["f_18_59"] += rng.randint(15, 60)  # a typing slip the form will flag
                findings = validate(values, previous=previous.get(site.pk), catalogue=catalogue, rules=rules)
                issues, errors, warnings = summarise(findings)
                if errors and state not in ("draft",):
                    # Cleaned before submission, as a facilitator would.
                    values["f_18_59"] = values["individuals"] - sum(
                        values[n] for n in SAD_FIELDS if n != "f_18_59"
                    )
                    findings = validate(
                        values, previous=previous.get(site.pk), catalogue=catalogue, rules=rules
                    )
                    issues, errors, warnings = summarise(findings)
                previous[site.pk] = values
                objects.append(
                    _assessment(
                        site,
                        round,
                        values,
                        issues,
                        errors,
                        warnings,
                        state,
                        profile,
                        imo,
                        catalogue,
                        rng,
                        now,
                    )
                )
                objects[-1].facilitator = bangui if "/CF71/" in site.admin_area.path else ombella
                flows_by_key[(round.pk, site.pk)] = flows

    created = bulk_create_with_history(
        objects,
        SiteAssessment,
        batch_size=500,
        default_user=imo,
        default_change_reason="Demo data",
        default_date=now,
    )
    by_key = {(a.round_id, a.site_id): a for a in created}
    if any(a.pk is None for a in created):
        by_key = {
            (a.round_id, a.site_id): a for a in SiteAssessment.objects.filter(round__operation=operation)
        }
    PopulationFlow.objects.bulk_create(
        [
            PopulationFlow(assessment=by_key[key], **flow)
            for key, flows in flows_by_key.items()
            if key in by_key
            for flow in flows
        ],
        batch_size=1000,
    )
    ctx.extra["rounds"] = {"weekly": weekly, "monthly": monthly}
    ctx.log(
        f"assessments: {len(weekly)} weekly and {len(monthly)} monthly rounds, {len(created)} assessments"
    )


def _round(operation, kind, number, start, catalogue, end=None) -> Round:
    end = end or start + datetime.timedelta(days=6)
    is_last_weekly = kind == RoundKind.WEEKLY and number == WEEKS
    is_last_monthly = kind == RoundKind.MONTHLY and number == len(MONTHS)
    closed = not (is_last_weekly or is_last_monthly)
    round, _ = Round.objects.update_or_create(
        operation=operation,
        kind=kind,
        number=number,
        defaults={
            "period_start": start,
            "period_end": end,
            "status": RoundStatus.CLOSED if closed else RoundStatus.OPEN,
            "catalogue_version": catalogue.version,
            "closed_at": datetime.datetime.combine(
                end + datetime.timedelta(days=3), datetime.time(17), tzinfo=datetime.UTC
            )
            if closed
            else None,
        },
    )
    return round


def _origin_areas(operation) -> list:
    from sitetrack.geo.models import AdminArea

    country = operation.country
    qs = AdminArea.objects.filter(path__startswith=country.path, level=2).filter(pcode__regex=r"^CF(71|11)")
    areas = list(qs.order_by("pcode")[:20])
    return areas or list(
        AdminArea.objects.filter(path__startswith=country.path, level__gte=1).order_by("pcode")[:10]
    )


def _is_mpoko(site) -> bool:
    name = site.name.lower()
    return "poko" in name and ("aéroport" in name or "airport" in name or "aeroport" in name)


def _site_profile(site, rng: random.Random) -> dict[str, Any]:
    if _is_mpoko(site):
        peak = MPOKO_PEAK
    elif site.capacity:
        peak = int(site.capacity * rng.uniform(0.6, 1.1))
    else:
        # Log-uniform between 1,500 and 20,000: many small sites, a few large ones.
        peak = int(1500 * (20000 / 1500) ** rng.random())
    return {
        "peak": peak,
        "household_size": rng.uniform(4.4, 5.6),
        "water_start": rng.uniform(4, 9),  # l/p/d in early January
        "water_end": rng.uniform(12, 21),
        "latrine_start": rng.uniform(70, 140),  # people per latrine
        "latrine_end": rng.uniform(16, 45),
        "ratio_start": rng.uniform(0.8, 1.3),
        "ratio_end": rng.uniform(1.8, 3.2),
        "cover_start": rng.uniform(1.0, 2.0),
        "cover_end": rng.uniform(2.4, 3.8),
        "noise": [rng.uniform(0.96, 1.04) for _ in range(WEEKS + 1)],
        "method": rng.choice([VisitMethod.KEY_INFORMANT, VisitMethod.KEY_INFORMANT, VisitMethod.OBSERVATION]),
    }


def _final_state(round: Round, last: Round, rng: random.Random) -> str:
    """Closed rounds: validated then locked. The open monthly round: validated. The last
    weekly round is still being filled: every state on the board."""
    if round.status == RoundStatus.CLOSED:
        return "locked"
    if round.pk != last.pk:
        return "validated"
    draw = rng.random()
    for state, upto in (("validated", 0.40), ("submitted", 0.60), ("returned", 0.70), ("draft", 0.85)):
        if draw < upto:
            return state
    return "missing"


def _lerp(start: float, end: float, t: float) -> float:
    return start + (end - start) * t


def _values(
    site, profile, week, previous, kind, rng: random.Random, areas
) -> tuple[dict[str, Any], list[dict]]:
    individuals = max(50, int(profile["peak"] * _population_factor(week) * profile["noise"][week]))
    households = max(10, round(individuals / profile["household_size"]))
    values: dict[str, Any] = {"individuals": individuals, "households": households}

    # Sex and age: shares with a little noise; the remainder goes to women 18–59 so the
    # bands add up to the total, as a careful facilitator's sheet does.
    bands = {name: int(individuals * share * rng.uniform(0.93, 1.07)) for name, share in SADD_SHARES.items()}
    bands["f_18_59"] = individuals - sum(v for k, v in bands.items() if k != "f_18_59")
    values.update(bands)

    # Flows since the previous round of this kind, consistent with the change.
    before = previous["individuals"] if previous else None
    churn = int((before or individuals) * rng.uniform(0.005, 0.02))
    if before is None:
        arrivals, departures = int(individuals * rng.uniform(0.15, 0.3)), churn
    else:
        change = individuals - before
        arrivals, departures = max(change, 0) + churn, max(-change, 0) + churn
    values["arrivals"], values["departures"] = arrivals, departures
    flows = _split_flows(FlowDirection.ARRIVAL, arrivals, ARRIVAL_REASONS, areas, rng) + _split_flows(
        FlowDirection.DEPARTURE, departures, DEPARTURE_REASONS, areas, rng
    )

    t = _progress(week)
    # Needs: shelter and food first early on, WASH and health later (severity 1–5).
    severities = {
        Sector.SHELTER_NFI: _lerp(4.8, 3.2, t),
        Sector.FOOD_SECURITY: _lerp(4.6, 3.0, t),
        Sector.WASH: _lerp(3.4, 4.6, t),
        Sector.HEALTH: _lerp(3.0, 4.4, t),
        Sector.PROTECTION: _lerp(4.0, 3.4, t),
        Sector.SECURITY: _lerp(4.2, 3.0, t),
        Sector.NUTRITION: _lerp(2.6, 3.2, t),
        Sector.EDUCATION: _lerp(2.0, 2.8, t),
        Sector.LIVELIHOODS: _lerp(2.2, 3.0, t),
        Sector.CCCM: _lerp(3.2, 2.6, t),
    }
    scored = {s: v + rng.uniform(-0.6, 0.6) for s, v in severities.items()}
    for sector, score in scored.items():
        values[f"need_{sector}"] = min(5, max(1, round(score)))
    ranking = sorted(scored, key=lambda s: -scored[s])
    values["priority_1"], values["priority_2"], values["priority_3"] = (str(s) for s in ranking[:3])

    lpd = _lerp(profile["water_start"], profile["water_end"], t) * rng.uniform(0.9, 1.1)
    per_latrine = _lerp(profile["latrine_start"], profile["latrine_end"], t) * rng.uniform(0.9, 1.1)
    latrines = max(1, round(individuals / per_latrine))
    ratio = _lerp(profile["ratio_start"], profile["ratio_end"], t)
    female = round(latrines * ratio / (1 + ratio))
    cover = _lerp(profile["cover_start"], profile["cover_end"], t) * rng.uniform(0.95, 1.05)
    indicators: dict[str, Any] = {
        "water_litres_per_day": round(lpd * individuals, -2),
        "water_points": max(1, round(individuals / _lerp(600, 260, t) * rng.uniform(0.9, 1.1))),
        "main_water_source": rng.choice(["water_trucking", "water_trucking", "borehole", "piped"]),
        "latrines_functional": latrines,
        "latrines_female": female,
        "latrines_male": latrines - female,
        "handwashing_stations": max(0, round(latrines * _lerp(0.1, 0.5, t))),
        "covered_area_m2": round(cover * individuals, -1),
        "latrines_lighting": rng.random() < _lerp(0.1, 0.6, t),
        "latrines_lockable": rng.random() < _lerp(0.2, 0.7, t),
        "security_incidents": rng.randint(0, 6 if t < 0.5 else 3),
        "health_facility_on_site": rng.random() < _lerp(0.4, 0.8, t),
        "food_distribution_2w": rng.random() < _lerp(0.5, 0.8, t),
        "nutrition_screening": rng.random() < _lerp(0.2, 0.7, t),
        "school_access": rng.random() < _lerp(0.1, 0.5, t),
        "market_access": rng.random() < _lerp(0.4, 0.8, t),
        "site_committee": rng.random() < _lerp(0.3, 0.9, t),
        "complaints_mechanism": rng.random() < _lerp(0.1, 0.7, t),
        "waste_disposal": rng.random() < _lerp(0.2, 0.6, t),
    }
    if indicators["security_incidents"]:
        indicators["security_incident_types"] = sorted(
            rng.sample(["armed_attack", "theft", "violence", "fire", "tension"], k=rng.randint(1, 2))
        )
    values["indicators"] = indicators

    if kind == RoundKind.MONTHLY:
        # The monthly profile adds vulnerable groups and shelter types.
        values.update(
            pregnant_lactating=int(individuals * rng.uniform(0.03, 0.06)),
            disabilities=int(individuals * rng.uniform(0.01, 0.03)),
            uasc=int(individuals * rng.uniform(0.002, 0.01)),
            older_alone=int(individuals * rng.uniform(0.003, 0.01)),
            chronic_illness=int(individuals * rng.uniform(0.01, 0.03)),
        )
        shares = [_lerp(0.1, 0.35, t), _lerp(0.6, 0.45, t), 0.1, 0.03, _lerp(0.1, 0.02, t)]
        counts = [int(households * s) for s in shares]
        counts.append(max(0, households - sum(counts)))
        values.update(dict(zip(SHELTER_FIELDS, counts, strict=True)))
    values["site_area_m2"] = site.area_m2
    values["flows"] = [{**f, "area": f["area"].pcode if f["area"] else None} for f in flows]
    return values, flows


def _split_flows(direction, total, reasons, areas, rng: random.Random) -> list[dict[str, Any]]:
    if total <= 0:
        return []
    parts = 1 if total < 200 or not areas else 2
    first = total if parts == 1 else int(total * rng.uniform(0.5, 0.8))
    chunks = [first] if parts == 1 else [first, total - first]
    return [
        {
            "direction": direction,
            "area": rng.choice(areas) if areas else None,
            "individuals": chunk,
            "reason": rng.choice(reasons),
        }
        for chunk in chunks
    ]


def _assessment(site, round, values, issues, errors, warnings, state, profile, imo, catalogue, rng, now):
    stored = {k: v for k, v in values.items() if k not in ("indicators", "site_area_m2", "flows")}
    visit = min(round.period_end, round.period_start + datetime.timedelta(days=rng.randint(0, 4)))
    validated = state in ("validated", "locked")
    submitted_at = datetime.datetime.combine(visit, datetime.time(16), tzinfo=datetime.UTC)
    assessment = SiteAssessment(
        round=round,
        site=site,
        catalogue_version=catalogue.version,
        status=AssessmentStatus.LOCKED if state == "locked" else state,
        was_validated=validated,
        indicators=values["indicators"],
        issues=issues,
        error_count=errors,
        warning_count=warnings,
        visit_date=visit,
        method=profile["method"],
        facilitator=None,
        **stored,
    )
    if warnings and state != "draft":
        assessment.warnings_comment = "Checked on site with the committee and the registration list."
    if state != "draft":
        assessment.submitted_at = submitted_at
    if validated:
        assessment.validated_at = submitted_at + datetime.timedelta(days=1)
        assessment.validated_by = imo
    if state == "returned":
        assessment.return_reason = rng.choice(RETURN_REASONS)
    if rng.random() < 0.15:
        assessment.observations = rng.choice(
            [
                "Rain damaged several makeshift shelters.",
                "Water trucking interrupted two days this week.",
                "New arrivals settling near the runway fence.",
                "Committee reports tension at the distribution point.",
            ]
        )
    return assessment
