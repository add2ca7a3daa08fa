"""Demo step (returns): the return intention surveys of February and March 2014 — about
35 households interviewed per open demo site each month (stratified by site), with design
weights (the site's households over those interviewed). Add "sitetrack.returns.demo" to
`sitetrack.demo.builders.STEPS`, after the sites and assessments steps.

Written in bulk (`generate`), also used by the benchmark (bench/benchmarks/returns.py):
demo and bench rows need no audit history; every value respects the import's rules.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.db.models import Max

from sitetrack.returns.choices import AGE_BANDS, MULTIPLE, Intention, SamplingMethod, Timing
from sitetrack.returns.models import HouseholdAnswer, HouseholdResponse, Survey

MONTHS = (dt.date(2014, 2, 1), dt.date(2014, 3, 1))
PER_SITE = 35
# Intentions (weights) in February; March shifts a little towards return.
INTENTIONS = {
    Intention.RETURN: 38,
    Intention.RELOCATE: 9,
    Intention.INTEGRATE: 14,
    Intention.LEAVE: 3,
    Intention.UNDECIDED: 36,
}
TIMINGS = [Timing.WITHIN_MONTH, Timing.ONE_TO_THREE, Timing.THREE_TO_SIX, Timing.OVER_SIX, Timing.DONT_KNOW]


def _areas(operation) -> tuple[list[tuple[int, int | None]], dict[int, int | None]]:
    """(admin 3 id, its admin 2 id) of the operation's country, and admin 2 of every area."""
    from sitetrack.geo.models import AdminArea

    rows = list(
        AdminArea.objects.filter(path__startswith=operation.country.path, level__in=(2, 3)).values_list(
            "pk", "level", "parent_id"
        )
    )
    admin2 = {pk: (pk if level == 2 else parent) for pk, level, parent in rows}
    return [(pk, parent) for pk, level, parent in rows if level == 3], admin2


def generate(survey: Survey, sites: list, *, per_site: int, rng: random.Random, start_id: int = 0) -> int:
    """Bulk-create `per_site` households at each site (with answers); returns how many."""
    admin3, admin2_of = _areas(survey.operation)
    if not admin3:
        return 0
    home = [a for a in admin3 if a[1] is not None] or admin3
    shift = 6 if survey.month.month >= 3 else 0
    intentions = list(INTENTIONS)
    weights = [
        w + (shift if c == Intention.RETURN else -shift // 2 if c == Intention.UNDECIDED else 0)
        for c, w in INTENTIONS.items()
    ]
    site_households = _site_households(survey, sites)
    households, answers = [], []
    n = start_id
    for site in sites:
        site_admin2 = admin2_of.get(site.admin_area_id)
        population = site_households.get(site.pk) or rng.randint(per_site * 2, per_site * 40)
        weight = round(max(population, per_site) / per_site, 4)
        # Most households of a site come from a few areas.
        origins = rng.sample(home, k=min(len(home), 4))
        for _ in range(per_site):
            n += 1
            size = rng.randint(1, 9)
            bands = dict.fromkeys((f"{s}_{b}" for s in ("f", "m") for b in AGE_BANDS), 0)
            bands[f"{rng.choice('fm')}_18_59"] += 1
            for _person in range(size - 1):
                bands[f"{rng.choice('fm')}_{rng.choice(AGE_BANDS)}"] += 1
            intention = rng.choices(intentions, weights)[0]
            origin, origin_admin2 = rng.choice(origins)
            moving = intention in (Intention.RETURN, Intention.RELOCATE)
            destination = (
                (origin if intention == Intention.RETURN else rng.choice(home)[0]) if moving else None
            )
            households.append(
                HouseholdResponse(
                    survey=survey,
                    response_id=f"demo-{survey.key}-{n:06d}",
                    site=site,
                    site_admin2_id=site_admin2,
                    interview_date=survey.month + dt.timedelta(days=rng.randint(2, 25)),
                    household_size=size,
                    head_sex=rng.choice(["female", "male"]),
                    head_age=rng.randint(18, 75),
                    origin_area_id=origin,
                    origin_admin2_id=origin_admin2,
                    displacement_date=dt.date(2013, 12, 5) + dt.timedelta(days=rng.randint(0, 50)),
                    intention=intention,
                    timing=rng.choice(TIMINGS) if moving else "",
                    destination_area_id=destination,
                    destination_admin2_id=admin2_of.get(destination) if destination else None,
                    visited_origin=rng.random() < 0.3,
                    weight=weight,
                    **bands,
                )
            )
    with transaction.atomic():
        HouseholdResponse.objects.bulk_create(households, batch_size=2000)
        ids = dict(HouseholdResponse.objects.filter(survey=survey).values_list("response_id", "pk"))
        for h in households:
            for question, choices in MULTIPLE.items():
                for code in rng.sample(list(choices.values), k=rng.randint(1, 2)):
                    answers.append(
                        HouseholdAnswer(
                            household_id=ids[h.response_id],
                            survey=survey,
                            weight=h.weight,
                            question=question,
                            code=code,
                        )
                    )
        HouseholdAnswer.objects.bulk_create(answers, batch_size=5000)
    return len(households)


def _site_households(survey: Survey, sites: list) -> dict[int, int]:
    """The households of each site at its latest assessment (for the design weights)."""
    from sitetrack.assessments.models import SiteAssessment

    rows = (
        SiteAssessment.objects.filter(site__in=[s.pk for s in sites])
        .values("site_id")
        .annotate(households=Max("households"))
    )
    return {r["site_id"]: r["households"] for r in rows if r["households"]}


def build(ctx) -> None:
    operation = ctx.operation
    if Survey.objects.filter(operation=operation).exists():
        ctx.log("returns: surveys already present; left as they are")
        return
    from sitetrack.sites.models import Site

    sites = list(Site.objects.open().filter(operation=operation).order_by("code"))
    rng = random.Random(ctx.rng.random())
    total = 0
    for month in MONTHS:
        survey = Survey.objects.create(
            operation=operation,
            month=month,
            sampling_method=SamplingMethod.STRATIFIED,
            sampling_frame="Household lists of the site committees (CCCM cluster), February 2014",
            target_per_site=PER_SITE,
        )
        total += generate(survey, sites, per_site=PER_SITE, rng=rng)
    ctx.log(f"returns: {total} household interviews in {len(MONTHS)} monthly surveys")
