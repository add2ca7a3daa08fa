"""API under concurrent load: the site list and the assessment list on gunicorn (4 worker
processes) against `/health/` (one trivial query) on the same server in the same run.

Each case generates the scenario (small: 200 sites x 12 rounds; national: 5,000 sites x
52 rounds = 260,000 assessments), starts gunicorn on a free loopback port against the
case's database, warms every worker up, then sends a fixed number of authenticated GETs
(Token) at 8, 32 and 64 concurrent keep-alive clients. `run` is the endpoint, `baseline_run`
the same load on `/health/`; the ratio says how much each request costs over the floor of
the stack (gunicorn + Django + one query). Percentiles and requests per second go in the
results; any failed request (non-200, reset, timeout) fails the case.
"""

from __future__ import annotations

import math
from pathlib import Path

from bench.benchmarks._common import settle_database
from bench.harness import Case
from bench.loadgen import Gunicorn, LoadResult, load, percentile, warm_up

CLIENTS = (8, 32, 64)
# Requests per concurrency level: at least REQUESTS, and PER_CLIENT per client, so that
# the figures are stable while a run stays bounded; MAX_SECONDS caps a level whatever the
# server does (a truncated level is reported).
REQUESTS = {"small": 16, "national": 64}
PER_CLIENT = {"small": 1, "national": 2}
MAX_SECONDS = {"small": 30, "national": 60}
REPETITIONS = {"small": 1, "national": 2}
CLIENT_TIMEOUT = 30  # seconds for one response before it counts as an error
PAGES = 10  # requests cycle over the first pages (page size 100)


def level_requests(size: str, clients: int) -> int:
    return max(REQUESTS[size], clients * PER_CLIENT[size])


def endpoints(slug: str, sites: int, assessments: int, round_pk: int = 0) -> dict[str, list[str]]:
    def pages(rows: int) -> range:
        return range(1, min(PAGES, max(1, math.ceil(rows / 100))) + 1)

    return {
        "api-sites": [f"/api/sites/?operation={slug}&page={p}" for p in pages(sites)],
        "api-assessments": [f"/api/assessments/?operation={slug}&page={p}" for p in pages(assessments)],
        # The main pages, signed in with a session (the IMO of the scenario).
        "page-sites": [f"/sites/?page={p}" for p in pages(sites)],
        "page-home": ["/"],
        # The round board of the latest round (5,000 sites at national size), its pages.
        "page-board": [
            f"/assessments/rounds/{round_pk}/?page={p}" for p in range(1, min(5, math.ceil(sites / 100)) + 1)
        ],
    }


def browser_headers(user) -> dict[str, str]:
    """The headers of a signed-in browser: its session cookie and the CSRF cookie the
    first page set (a browser sends both on every page; pages are cached per CSRF
    cookie, since their forms carry tokens made from it)."""
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    browser.get("/accounts/tokens/")
    cookies = "; ".join(f"{name}={browser.cookies[name].value}" for name in ("sessionid", "csrftoken"))
    return {"Cookie": cookies, "Accept": "text/html"}


# Cases that are web pages: signed in by a session cookie instead of the API token.
WEB_PAGES = {"page-sites": "site list page", "page-home": "home page", "page-board": "round board"}


class LoadCase:
    """State shared by prepare / run / baseline_run / teardown of one endpoint's case."""

    def __init__(self, name: str, size: str, workdir: Path, extra: dict) -> None:
        self.name = name
        self.size = size
        self.workdir = workdir
        self.extra = extra
        self.server = Gunicorn(workers=4, threads=2, logfile=workdir / f"gunicorn-{name}.log")
        self.paths: list[str] = []
        self.headers: dict[str, str] = {}
        self.pooled: dict[tuple[str, int], list[LoadResult]] = {}

    def prepare(self) -> None:
        from sitetrack.demo.scenario import generate_scenario

        scenario = generate_scenario(size=self.size, operation_slug=f"bench-api-{self.size}")
        from sitetrack.assessments.models import Round

        latest = Round.objects.filter(operation=scenario.operation).order_by("-number").first()
        self.paths = endpoints(
            scenario.operation.slug, scenario.sites, scenario.assessments, latest.pk if latest else 0
        )[self.name]
        # The token a client makes today on its tokens page (accounts.ApiToken): the
        # scenario's older single token is found only after a lookup of the new kind
        # misses, one query more than a current client's request costs.
        from sitetrack.accounts.services import api_token_create

        _, key = api_token_create(user=scenario.imo, name="bench load")
        self.headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
        if self.name in WEB_PAGES:
            from rest_framework.authtoken.models import Token

            self.headers = browser_headers(Token.objects.get(key=scenario.token).user)
        self.extra.update(sites=scenario.sites, assessments=scenario.assessments)
        # A database just filled by COPY plans a page of 260,000 assessments as if the
        # tables were empty, and the bounded count reads 10,000 heap rows instead of an
        # index-only scan.
        settle_database(self.extra)
        # The server must not hold the case's connection open state: close ours first.
        from django.db import connections

        connections.close_all()
        self.server.start()
        # Every worker warmed up (imports, first queries, cold pages) before measuring.
        warm_up(
            self.server.port,
            ((self.paths, 8), (self.paths, 64), (self.paths, 64), (["/health/"], 64)),
            self.headers,
        )

    def _load(self, kind: str, paths: list[str]) -> None:
        errors = []
        for clients in CLIENTS:
            result = load(
                "127.0.0.1",
                self.server.port,
                paths,
                clients=clients,
                requests=level_requests(self.size, clients),
                headers=self.headers,
                max_seconds=MAX_SECONDS[self.size],
                timeout=CLIENT_TIMEOUT,
            )
            self.pooled.setdefault((kind, clients), []).append(result)
            if result.truncated:
                self.extra.setdefault("truncated", []).append(f"{kind} at {clients} clients")
            if result.errors:
                # Stop at the first level that fails: higher concurrency only fails harder,
                # and a failing case must not eat the run's time budget.
                errors.append(f"{result.errors} errors at {clients} clients ({result.first_error})")
                break
        self._summarise()
        if errors:
            raise RuntimeError(f"{kind}: " + "; ".join(errors))

    def run(self) -> None:
        self._load("endpoint", self.paths)

    def baseline_run(self) -> None:
        self._load("health", ["/health/"])

    def _summarise(self) -> None:
        levels = []
        for clients in CLIENTS:
            level: dict = {"clients": clients}
            for kind, prefix in (("endpoint", ""), ("health", "health_")):
                results = self.pooled.get((kind, clients), [])
                if not results:
                    continue
                latencies = [x for r in results for x in r.latencies]
                level[f"{prefix}p50_ms"] = round(percentile(latencies, 50) * 1000, 2)
                level[f"{prefix}p95_ms"] = round(percentile(latencies, 95) * 1000, 2)
                level[f"{prefix}p99_ms"] = round(percentile(latencies, 99) * 1000, 2)
                level[f"{prefix}rps"] = round(sum(r.rps for r in results) / len(results), 1)
                level[f"{prefix}requests"] = sum(r.requests for r in results)
                level[f"{prefix}errors"] = sum(r.errors for r in results)
            level["errors"] = level.get("errors", 0) + level.get("health_errors", 0)
            levels.append(level)
        self.extra["latency"] = levels
        self.extra["server"] = "gunicorn sitetrack.wsgi, 4 workers x 2 threads (gthread), loopback"

    def teardown(self) -> None:
        self.server.stop()


def cases(size: str, workdir: Path) -> list[Case]:
    scale = "5,000 sites x 52 rounds" if size == "national" else "200 sites x 12 rounds"
    out = []
    # The page cases run at national size only: on the small smoke run of CI a loaded
    # runner timed the home page out (30 s) at 32 clients, which says nothing about 200 sites.
    pages = WEB_PAGES.items() if size == "national" else ()
    for name, label in (("api-sites", "site list"), ("api-assessments", "assessment list"), *pages):
        extra: dict = {}
        state = LoadCase(name, size, Path(workdir), extra)
        requests = ", ".join(str(level_requests(size, c)) for c in CLIENTS)
        out.append(
            Case(
                name=name,
                size=f"{label}, {scale}; {requests} GETs at {'/'.join(map(str, CLIENTS))} clients",
                run=state.run,
                baseline="/health/ on the same server, same load",
                baseline_run=state.baseline_run,
                prepare=state.prepare,
                teardown=state.teardown,
                repetitions=REPETITIONS[size],
                extra=extra,
            )
        )
    return out
