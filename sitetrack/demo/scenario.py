"""Synthetic operations at benchmark scale, on the real CAR P-code structure.

`small` is 200 sites x 12 weekly rounds (CI smoke runs); `national` is 5,000 sites x 52
weekly rounds = 260,000 validated site assessments. Larger countries are made by cloning
the CAR admin tree under generated prefixes (CF11 -> CFR0111, CF1111 -> CFR011111), so the
real quirks (adm3 codes that do not start with their parent's code) are replicated too
and 5,000 sites spread over thousands of admin3 areas.

Everything is deterministic for a given seed: the same command writes the same rows.
Assessments are written with plain multi-row INSERTs in large batches (no model
instances, no audit history rows): a generator is not a user edit, and the national
size must load in a minute or two on a small machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.contrib.auth.models import User
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from sitetrack.assessments.models import AssessmentStatus, Round, RoundKind, RoundStatus, SiteAssessment
from sitetrack.core import versions
from sitetrack.core.catalogue import catalogue_ensure_default
from sitetrack.core.models import Membership, Operation, Organisation, Role
from sitetrack.core.sectors import Sector
from sitetrack.geo.models import AdminArea
from sitetrack.sites.models import LandTenure, ManagementType, Site, SiteType

COD_DIR = Path(__file__).resolve().parent.parent / "geo" / "data" / "cod"
ADM3_FILE = "download-caf-admpop-adm3-2015-v2.csv"
SCENARIO_SEED = 6
SCENARIO_PASSWORD = "sitetrack-bench"
FIRST_MONDAY = dt.date(2024, 1, 1)
# About this many sites per admin3 area before the admin tree is cloned again.
SITES_PER_REPLICA = 300
INSERT_BATCH = 5000


@dataclass(frozen=True)
class ScenarioSize:
    sites: int
    rounds: int


SIZES = {"small": ScenarioSize(sites=200, rounds=12), "national": ScenarioSize(sites=5000, rounds=52)}


@dataclass
class Scenario:
    operation: Operation
    sites: int
    rounds: int
    assessments: int
    admin3_areas: int
    imo: User
    token: str  # API token of the scenario's IMO
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def scenario_size(
    size: str, *, scale: float = 1.0, sites: int | None = None, rounds: int | None = None
) -> ScenarioSize:
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    base = SIZES[size]
    return ScenarioSize(
        sites=sites if sites is not None else max(1, round(base.sites * scale)),
        rounds=rounds if rounds is not None else base.rounds,
    )


def generate_scenario(
    *,
    size: str = "small",
    scale: float = 1.0,
    sites: int | None = None,
    rounds: int | None = None,
    operation_slug: str | None = None,
    seed: int = SCENARIO_SEED,
    log: Callable[[str], None] = lambda message: None,
) -> Scenario:
    """Create one synthetic operation (it must not exist yet) with its sites, weekly rounds
    and validated assessments; admin areas already present are reused."""
    dims = scenario_size(size, scale=scale, sites=sites, rounds=rounds)
    slug = operation_slug or f"bench-{size}"
    started = time.perf_counter()
    timings: dict[str, float] = {}
    rng = np.random.default_rng(seed)
    with transaction.atomic():
        tick = time.perf_counter()
        catalogue = catalogue_ensure_default()
        replicas = max(1, math.ceil(dims.sites / SITES_PER_REPLICA))
        country, admin3 = ensure_admin_areas(replicas=replicas)
        timings["admin_areas"] = time.perf_counter() - tick
        log(f"admin areas: {len(admin3)} admin3 areas ({replicas} copies of the CAR tree)")

        tick = time.perf_counter()
        operation, imo, token = _operation(slug, country, size)
        site_rows = _sites(operation, admin3, dims.sites, rng)
        timings["sites"] = time.perf_counter() - tick
        log(f"sites: {len(site_rows)}")

        tick = time.perf_counter()
        round_rows = _rounds(operation, dims.rounds, catalogue.pk)
        count = _assessments(site_rows, round_rows, imo, rng, log)
        timings["assessments"] = time.perf_counter() - tick
        log(f"assessments: {count} in {timings['assessments']:.1f}s")
    return Scenario(
        operation=operation,
        sites=len(site_rows),
        rounds=len(round_rows),
        assessments=count,
        admin3_areas=len(admin3),
        imo=imo,
        token=token,
        seconds=time.perf_counter() - started,
        timings=timings,
    )


# --- admin areas -----------------------------------------------------------------------


def _read_adm3() -> list[dict[str, str]]:
    # The COD tables are Latin-1 (see data/cod/SOURCE.md).
    with open(COD_DIR / ADM3_FILE, encoding="latin-1", newline="") as handle:
        return list(csv.DictReader(handle))


def ensure_admin_areas(*, replicas: int) -> tuple[AdminArea, list[AdminArea]]:
    """The CAR tree (admin 0-3) from the COD adm3 table, plus `replicas - 1` clones of it
    under generated codes; returns the country and every admin3 area in the tree."""
    rows = _read_adm3()
    wanted: dict[str, tuple[int, str, str | None, int | None]] = {}  # pcode -> level, name, parent, pop
    pops: dict[str, int] = {}
    for row in rows:
        total = int(row["T_TL"].replace(",", ""))
        for code in (row["Adm1_pcode"], row["Adm2_pcode"]):
            pops[code] = pops.get(code, 0) + total
    for replica in range(replicas):
        prefix = "CF" if replica == 0 else f"CFR{replica:02d}"
        suffix = "" if replica == 0 else f" ({replica + 1})"

        def clone(code: str, prefix: str = prefix) -> str:
            return prefix + code[2:]

        for row in rows:
            a1, a2, a3 = row["Adm1_pcode"], row["Adm2_pcode"], row["Adm3_pcode"]
            wanted.setdefault(clone(a1), (1, row["Adm1_name"] + suffix, "CF", pops[a1]))
            wanted.setdefault(clone(a2), (2, row["Adm2_name"] + suffix, clone(a1), pops[a2]))
            total = int(row["T_TL"].replace(",", ""))
            wanted.setdefault(clone(a3), (3, row["Adm3_name"] + suffix, clone(a2), total))

    country = AdminArea.objects.filter(pcode="CF").first()
    if country is None:
        country = AdminArea(
            pcode="CF",
            level=0,
            name_en="Central African Republic",
            name_fr="République centrafricaine",
            min_lon=14.4,
            min_lat=2.2,
            max_lon=27.5,
            max_lat=11.1,
            source="OCHA COD-PS CAF 2015",
        )
        country.save()
    by_code = {a.pcode: a for a in AdminArea.objects.filter(pcode__in=list(wanted))}
    for level in (1, 2, 3):
        new = []
        for code, (lvl, name, parent_code, pop) in wanted.items():
            if lvl != level or code in by_code:
                continue
            parent = country if parent_code == "CF" else by_code[parent_code]
            new.append(
                AdminArea(
                    pcode=code,
                    level=level,
                    name_en=name,
                    parent=parent,
                    path=f"{parent.path}{code}/",
                    population=pop,
                    population_year=2015,
                    source="OCHA COD-PS CAF 2015" if code[2] != "R" else "SiteTrack benchmark clone",
                )
            )
        AdminArea.objects.bulk_create(new, batch_size=1000)
        by_code.update({a.pcode: a for a in AdminArea.objects.filter(pcode__in=[a.pcode for a in new])})
    admin3 = sorted((a for a in by_code.values() if a.level == 3), key=lambda a: a.pcode)
    return country, admin3


# --- operation, sites, rounds ------------------------------------------------------------


def _operation(slug: str, country: AdminArea, size: str) -> tuple[Operation, User, str]:
    if Operation.objects.filter(slug=slug).exists():
        raise ValueError(f"operation {slug!r} exists already; choose another --operation-slug")
    operation = Operation.objects.create(
        slug=slug,
        name=f"Benchmark scenario {slug}",
        country=country,
        started_on=FIRST_MONDAY,
    )
    agency, _ = Organisation.objects.get_or_create(
        name="Benchmark Camp Management Agency", defaults={"acronym": "BCMA", "kind": "ingo"}
    )
    users = {}
    for role in (Role.IMO, Role.FACILITATOR, Role.VIEWER):
        username = f"{slug}-{role}"[:150]
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{role}@example.org"}
        )
        if created:
            user.set_password(SCENARIO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.create(user=user, operation=operation, role=role, organisation=agency)
        users[role] = user
    token, _ = Token.objects.get_or_create(user=users[Role.IMO])
    return operation, users[Role.IMO], token.key


SITE_TYPES = [
    (SiteType.SPONTANEOUS_SITE, 0.45),
    (SiteType.COLLECTIVE_CENTRE, 0.25),
    (SiteType.PLANNED_CAMP, 0.15),
    (SiteType.TRANSIT_CENTRE, 0.07),
    (SiteType.RECEPTION_CENTRE, 0.05),
    (SiteType.EVACUATION_CENTRE, 0.03),
]
SITE_WORDS = [
    "Camp",
    "Site",
    "Église",
    "École",
    "Mosquée",
    "Marché",
    "Quartier",
    "Village",
    "Stade",
    "Hôpital",
]


def _sites(operation: Operation, admin3: list[AdminArea], count: int, rng: np.random.Generator) -> list[Site]:
    order = rng.permutation(len(admin3))
    types = rng.choice(len(SITE_TYPES), size=count, p=[p for _, p in SITE_TYPES])
    lats = rng.uniform(2.3, 11.0, size=count)
    lons = rng.uniform(14.5, 27.4, size=count)
    areas = rng.integers(5_000, 600_000, size=count)
    management = list(ManagementType.values)
    tenure = list(LandTenure.values)
    agency = Organisation.objects.get(name="Benchmark Camp Management Agency")
    # Codes like CF7111-S001 (the area's P-code, then a number); numbering goes on after
    # the sites other operations already have in the area (codes are unique overall).
    numbers: dict[str, int] = {}
    for code in Site.objects.filter(admin_area__in=admin3).values_list("code", flat=True):
        prefix, _, number = code.rpartition("-S")
        if number.isdigit():
            numbers[prefix] = max(numbers.get(prefix, 0), int(number))
    sites = []
    for index in range(count):
        area = admin3[int(order[index % len(admin3)])]
        numbers[area.pcode] = numbers.get(area.pcode, 0) + 1
        number = numbers[area.pcode]
        word = SITE_WORDS[(index * 7) % len(SITE_WORDS)]
        sites.append(
            Site(
                operation=operation,
                code=f"{area.pcode}-S{number:03d}",
                name=f"{word} {area.name_en} {number}",
                site_type=SITE_TYPES[int(types[index])][0],
                admin_area=area,
                latitude=round(float(lats[index]), 5),
                longitude=round(float(lons[index]), 5),
                management_agency=agency if index % 3 else None,
                management_type=management[index % len(management)],
                land_tenure=tenure[index % len(tenure)],
                area_m2=int(areas[index]),
                capacity=int(areas[index]) // 30,
                opened_on=FIRST_MONDAY - dt.timedelta(days=int(index % 400)),
            )
        )
    Site.objects.bulk_create(sites, batch_size=1000)
    return list(Site.objects.filter(operation=operation).order_by("pk"))


def _rounds(operation: Operation, count: int, catalogue_id: int) -> list[Round]:
    rounds = []
    for number in range(1, count + 1):
        start = FIRST_MONDAY + dt.timedelta(weeks=number - 1)
        closed = number < count
        rounds.append(
            Round(
                operation=operation,
                kind=RoundKind.WEEKLY,
                number=number,
                period_start=start,
                period_end=start + dt.timedelta(days=6),
                status=RoundStatus.CLOSED if closed else RoundStatus.OPEN,
                catalogue_version_id=catalogue_id,
                closed_at=_at(start + dt.timedelta(days=8), 9) if closed else None,
                published_at=_at(start + dt.timedelta(days=9), 12) if closed else None,
            )
        )
    Round.objects.bulk_create(rounds)
    return list(Round.objects.filter(operation=operation, kind=RoundKind.WEEKLY).order_by("number"))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


# --- assessments -------------------------------------------------------------------------

SECTORS = list(Sector.values)
# Share of each sex-and-age band in a displaced population (CCCM profiles, roughly).
SAD_SHARES = {
    "f_0_4": 0.090,
    "f_5_11": 0.100,
    "f_12_17": 0.070,
    "f_18_59": 0.230,
    "f_60_plus": 0.030,
    "m_0_4": 0.085,
    "m_5_11": 0.095,
    "m_12_17": 0.065,
    "m_18_59": 0.205,
    "m_60_plus": 0.030,
}
SHELTER = ["hh_tent", "hh_makeshift", "hh_collective_building", "hh_host_family", "hh_open_air", "hh_other"]
VULNERABLE_RATES = {
    "pregnant_lactating": 0.04,
    "disabilities": 0.03,
    "uasc": 0.005,
    "older_alone": 0.01,
    "chronic_illness": 0.02,
}
WATER_SOURCES = ["piped", "borehole", "protected_well", "water_trucking", "unprotected_well", "surface_water"]
INCIDENT_TYPES = ["armed_attack", "theft", "violence", "fire", "tension", "other"]
YES_NO_INDICATORS = [
    "latrines_lighting",
    "latrines_lockable",
    "health_facility_on_site",
    "food_distribution_2w",
    "nutrition_screening",
    "school_access",
    "market_access",
    "site_committee",
    "complaints_mechanism",
    "waste_disposal",
]


def _split(totals: np.ndarray, shares: np.ndarray, rest: int) -> np.ndarray:
    """Integer parts of `totals` by `shares` (last axis) that sum exactly to `totals`:
    floors everywhere, the remainder in column `rest`."""
    parts = np.floor(totals[..., None] * shares).astype(np.int64)
    parts[..., rest] += totals - parts.sum(axis=-1)
    return parts


def _assessments(
    sites: list[Site], rounds: list[Round], imo: User, rng: np.random.Generator, log: Callable[[str], None]
) -> int:
    n, r = len(sites), len(rounds)
    if n == 0 or r == 0:
        return 0
    # Population: a lognormal site size, then weekly arrivals and departures.
    individuals = np.zeros((n, r), dtype=np.int64)
    arrivals = np.zeros((n, r), dtype=np.int64)
    departures = np.zeros((n, r), dtype=np.int64)
    current = np.clip(rng.lognormal(mean=math.log(1200), sigma=1.0, size=n), 30, 80_000).astype(np.int64)
    arrival_rate = rng.uniform(0.0, 0.04, size=n)
    departure_rate = rng.uniform(0.0, 0.035, size=n)
    for week in range(r):
        came = rng.poisson(current * arrival_rate)
        left = np.minimum(rng.poisson(current * departure_rate), np.maximum(current - 20, 0))
        if week:
            current = current + came - left
            arrivals[:, week], departures[:, week] = came, left
        else:
            arrivals[:, week], departures[:, week] = came, 0
        individuals[:, week] = current

    base = np.array(list(SAD_SHARES.values()))
    sad_shares = rng.dirichlet(base * 400, size=n)[:, None, :]
    sad = _split(individuals, sad_shares, rest=3)  # remainder to women 18-59
    hh_size = rng.uniform(4.0, 6.5, size=n)[:, None]
    households = np.maximum(1, np.rint(individuals / hh_size)).astype(np.int64)
    shelter_shares = rng.dirichlet(np.array([3.0, 4.0, 2.0, 1.0, 0.5, 0.5]), size=n)[:, None, :]
    shelter = _split(households, shelter_shares, rest=1)
    vulnerable = {
        name: rng.binomial(individuals, rate * rng.uniform(0.6, 1.4, size=n)[:, None])
        for name, rate in VULNERABLE_RATES.items()
    }

    # Needs: a site profile per sector, drifting by at most one step each week.
    severity = np.clip(
        rng.integers(1, 6, size=(n, 1, len(SECTORS))) + rng.integers(-1, 2, size=(n, r, len(SECTORS))), 1, 5
    )
    ranking = np.argsort(-(severity + rng.uniform(0, 0.5, size=severity.shape)), axis=-1)[..., :3]

    # Service indicators: per-site levels with weekly noise.
    lpd = rng.uniform(4.0, 25.0, size=n)[:, None] * rng.uniform(0.85, 1.15, size=(n, r))
    water = np.rint(individuals * lpd)
    water_points = np.rint(individuals / rng.uniform(150, 800, size=n)[:, None]).astype(np.int64)
    latrines = np.rint(
        individuals / rng.uniform(15, 150, size=n)[:, None] * rng.uniform(0.9, 1.1, size=(n, r))
    )
    latrines = latrines.astype(np.int64)
    female = np.rint(latrines * rng.uniform(0.4, 0.7, size=n)[:, None]).astype(np.int64)
    covered = np.round(individuals * rng.uniform(1.5, 5.0, size=n)[:, None], 1)
    incidents = rng.poisson(rng.uniform(0.0, 0.6, size=n)[:, None], size=(n, r))
    yes_prob = rng.uniform(0.1, 0.95, size=(n, len(YES_NO_INDICATORS)))
    yes_no = rng.random((n, r, len(YES_NO_INDICATORS))) < yes_prob[:, None, :]
    source = rng.integers(0, len(WATER_SOURCES), size=n)
    incident_kind = rng.integers(0, len(INCIDENT_TYPES), size=(n, r))
    visit_offset = rng.integers(0, 5, size=(n, r))
    methods = ["key_informant", "observation", "focus_group"]

    fields = [f for f in SiteAssessment._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    table = connection.ops.quote_name(SiteAssessment._meta.db_table)
    sql_columns = ", ".join(connection.ops.quote_name(c) for c in columns)
    band_names = list(SAD_SHARES)
    count = 0
    with connection.cursor() as cursor:
        for week, round_ in enumerate(rounds):
            rows = []
            for i, site in enumerate(sites):
                visit = round_.period_start + dt.timedelta(days=int(visit_offset[i, week]))
                submitted = _at(visit, 16)
                validated = submitted + dt.timedelta(hours=20)
                ind = int(individuals[i, week])
                sev = severity[i, week]
                inc = int(incidents[i, week])
                indicators = {
                    "water_litres_per_day": float(water[i, week]),
                    "water_points": int(water_points[i, week]),
                    "main_water_source": WATER_SOURCES[int(source[i])],
                    "latrines_functional": int(latrines[i, week]),
                    "latrines_female": int(female[i, week]),
                    "latrines_male": int(latrines[i, week] - female[i, week]),
                    "handwashing_stations": int(latrines[i, week] * 3 // 10),
                    "security_incidents": inc,
                    "security_incident_types": [INCIDENT_TYPES[int(incident_kind[i, week])]] if inc else [],
                    "covered_area_m2": float(covered[i, week]),
                }
                for k, name in enumerate(YES_NO_INDICATORS):
                    indicators[name] = bool(yes_no[i, week, k])
                values = dict(defaults)
                values.update(
                    round_id=round_.pk,
                    site_id=site.pk,
                    catalogue_version_id=round_.catalogue_version_id,
                    status=AssessmentStatus.VALIDATED,
                    was_validated=True,
                    households=int(households[i, week]),
                    individuals=ind,
                    arrivals=int(arrivals[i, week]),
                    departures=int(departures[i, week]),
                    indicators=indicators,
                    facilitator_id=None,
                    visit_date=visit,
                    method=methods[(i + week) % 3],
                    issues=[],
                    error_count=0,
                    warning_count=0,
                    submitted_at=submitted,
                    validated_at=validated,
                    validated_by_id=imo.pk,
                    created_at=submitted,
                    updated_at=validated,
                )
                for b, band in enumerate(band_names):
                    values[band] = int(sad[i, week, b])
                for s, name in enumerate(SHELTER):
                    values[name] = int(shelter[i, week, s])
                for name, counts in vulnerable.items():
                    values[name] = int(counts[i, week])
                for s, sector in enumerate(SECTORS):
                    values[f"need_{sector}"] = int(sev[s])
                for p in range(3):
                    values[f"priority_{p + 1}"] = SECTORS[int(ranking[i, week, p])]
                rows.append(
                    tuple(
                        json.dumps(values[f.attname]) if f.attname in json_fields else values[f.attname]
                        for f in fields
                    )
                )
            for start in range(0, len(rows), INSERT_BATCH):
                _insert(cursor, table, sql_columns, len(columns), rows[start : start + INSERT_BATCH])
            count += len(rows)
            if (week + 1) % 10 == 0:
                log(f"  round {week + 1}/{r}: {count} assessments")
    return count


def _insert(cursor, table: str, sql_columns: str, width: int, rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        # COPY is the fast path on PostgreSQL (psycopg 3 converts the values itself).
        with cursor.cursor.copy(f"COPY {table} ({sql_columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # COPY is not a statement Django runs: say that the data changed (core.versions).
        versions.bump()
        return
    # Multi-row VALUES: one statement per few hundred rows is several times faster than
    # executemany. SQLite allows 32,766 parameters per statement.
    per_statement = max(1, 32_000 // width)
    placeholder = "(" + ", ".join(["%s"] * width) + ")"
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        params = [value for row in chunk for value in row]
        cursor.execute(
            f"INSERT INTO {table} ({sql_columns}) VALUES {', '.join([placeholder] * len(chunk))}", params
        )


# --- KoboToolbox export ------------------------------------------------------------------


def write_kobo_export(
    path: Path,
    *,
    operation: Operation,
    submissions: int,
    seed: int = SCENARIO_SEED,
    visit_date: dt.date | None = None,
) -> Path:
    """A KoboToolbox XLSX export of `submissions` new weekly-needs submissions for the
    operation's sites, written by the intake app's export generator."""
    try:
        from sitetrack.demo.fake_export import write_kobo_xlsx
    except ImportError as error:  # the intake app ships the generator
        raise ValueError("the intake app's KoboToolbox export generator is not installed") from error
    path = Path(path)
    if visit_date is None:  # the week after the operation's last round
        last = Round.objects.filter(operation=operation, kind=RoundKind.WEEKLY).order_by("-number").first()
        visit_date = (last.period_end + dt.timedelta(days=2)) if last else FIRST_MONDAY
    path.parent.mkdir(parents=True, exist_ok=True)
    sites = list(
        Site.objects.filter(operation=operation)
        .order_by("code")
        .values_list("code", "admin_area__parent__parent__pcode", "admin_area__parent__pcode")
    )
    write_kobo_xlsx(path, submissions=submissions, sites=sites, seed=seed, visit_date=visit_date)
    return path
