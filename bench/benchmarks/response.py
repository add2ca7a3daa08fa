"""The 3W table and the gap matrix (their API and their pages) under concurrent load, against `/health/` on the same
server (the spine's page-speed goal: at most 3x). National: 5,000 sites x 52 rounds, 50
organisations and 20,000 activities (small: 200 sites, 10 organisations, 800 activities).

Added by the response app; it reuses the API cases' load machinery (bench/benchmarks/api.py).
"""

from __future__ import annotations

import math
from pathlib import Path

from bench.benchmarks._common import settle_database
from bench.benchmarks.api import CLIENTS, PAGES, REPETITIONS, LoadCase, level_requests
from bench.harness import Case

RESPONSE_DATA = {"small": (10, 800), "national": (50, 20_000)}
GOAL_RATIO = 3.0
CASES = (
    ("response-3w", "3W activity list (API)"),
    ("response-gaps", "gap matrix (API)"),
    ("response-3w-page", "3W page"),
    ("response-gaps-page", "gap matrix page"),
)


class ResponseLoadCase(LoadCase):
    def prepare(self) -> None:
        from sitetrack.demo.scenario import generate_scenario
        from sitetrack.response.demo import build_at_scale

        scenario = generate_scenario(size=self.size, operation_slug=f"bench-response-{self.size}")
        organisations, activities = RESPONSE_DATA[self.size]
        made = build_at_scale(scenario.operation, organisations=organisations, activities=activities)
        slug = scenario.operation.slug
        pages = range(1, min(PAGES, max(1, math.ceil(made["activities"] / 100))) + 1)
        gap_pages = range(1, min(3, math.ceil(scenario.sites / 100)) + 1)
        self.paths = {
            "response-3w": [f"/api/activities/?operation={slug}&page={p}" for p in pages],
            "response-gaps": [
                f"/api/gaps/?operation={slug}&round={made['round']}&page={p}" for p in gap_pages
            ],
            # The pages (50 activities, 100 sites a page), signed in with a session.
            "response-3w-page": [f"/response/?page={p}" for p in pages],
            "response-gaps-page": [f"/response/gaps/?round={made['round']}&page={p}" for p in gap_pages],
        }[self.name]
        # A token of the kind users make on their tokens page (accounts.ApiToken: one
        # lookup), not the scenario's legacy demo token (a missed lookup, then a second).
        from rest_framework.authtoken.models import Token

        from sitetrack.accounts.services import api_token_create

        imo = Token.objects.get(key=scenario.token).user
        _token, key = api_token_create(user=imo, name="bench-response")
        self.headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
        if self.name.endswith("-page"):
            from django.test import Client

            browser = Client()
            browser.force_login(imo)
            self.headers = {
                "Cookie": f"sessionid={browser.cookies['sessionid'].value}",
                "Accept": "text/html",
            }
        self.extra.update(sites=scenario.sites, goal_ratio=GOAL_RATIO, **made)
        from django.db import connections

        settle_database(self.extra)
        connections.close_all()
        self.server.start()
        from bench.loadgen import load

        # Warm every worker on every path (the steady state users meet: each of the 4
        # processes caches a page once per data version). A keep-alive connection stays on
        # the worker that accepted it: 8 warm-up connections left some worker without any
        # one run in three (P = 4 x (3/4)^8), and that worker's first request (URLconf
        # imports, templates, a page computed) was the 1-2 s stall of a measured level.
        # 64 connections (the highest level), three times, reach every worker; 32 requests
        # a path leave a worker cold on a given path with a chance of about (9/10)^80.
        # Three rounds: each opens its connections afresh (another draw of the workers).
        for paths in (self.paths, ["/health/"]) * 3:
            requests = max(128, 32 * len(paths) // 3)
            warm = load(
                "127.0.0.1", self.server.port, paths, clients=64, requests=requests, headers=self.headers
            )
            if warm.errors:
                raise RuntimeError(f"warm-up failed: {warm.first_error}")


def cases(size: str, workdir: Path) -> list[Case]:
    organisations, activities = RESPONSE_DATA[size]
    scale = "5,000 sites x 52 rounds" if size == "national" else "200 sites x 12 rounds"
    out = []
    for name, label in CASES:
        extra: dict = {}
        state = ResponseLoadCase(name, size, Path(workdir), extra)
        requests = ", ".join(str(level_requests(size, c)) for c in CLIENTS)
        out.append(
            Case(
                name=name,
                size=f"{label}, {scale}, {organisations} organisations, {activities:,} activities; "
                f"{requests} GETs at {'/'.join(map(str, CLIENTS))} clients",
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
