"""How cost grows: intake, the weekly report and the API at 1x, 2x, 4x and 8x a base size.

Each (group, factor) is its own case on its own fresh database, so the 8x case pays for
no leftovers of the 1x one. The runner compares every case with its group's 1x case
scaled linearly (baseline = 1x time x factor): a ratio above 1.25 is flagged "worse than
linear" — a defect to look for (a missing index, an N+1 query, Python-side aggregation).

- growth-intake-Kx: `sitetrack import` of a KoboToolbox export with K x base submissions
  (one per site) into an empty weekly round. Units: submissions.
- growth-report-Kx: the Weekly Site Needs Report (selectors + HTML + XLSX) of a round
  with K x base sites, each with a previous round. Units: sites.
- growth-api-Kx: a fixed load (the site list and the assessment list, 8 clients) on
  gunicorn with K x base sites and 4 rounds of assessments. Units: sites. A paginated API
  should cost the same per request whatever the size, so this one should stay far
  below linear.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bench.benchmarks._common import clear_imports, import_export, kobo_export, next_weekly_round
from bench.harness import Case

FACTORS = (1, 2, 4, 8)
BASE = {
    "small": {"intake": 50, "report": 25, "api": 25},
    "national": {"intake": 1000, "report": 500, "api": 500},
}
REPETITIONS = {"small": 1, "national": 2}
API_REQUESTS = 16  # per endpoint and repetition, at 8 clients
SEED = 7


class IntakeGrowth:
    def __init__(self, size: str, n: int, workdir: Path) -> None:
        self.size, self.n, self.workdir = size, n, workdir
        self.path = workdir / f"growth-kobo-{n}-seed{SEED}.xlsx"

    def prepare(self) -> None:
        from sitetrack.demo.scenario import generate_scenario

        scenario = generate_scenario(
            sites=self.n, rounds=1, operation_slug=f"growth-intake-{self.n}", seed=SEED
        )
        self.operation = scenario.operation
        self.round = next_weekly_round(self.operation)
        kobo_export(
            self.path,
            operation=self.operation,
            submissions=self.n,
            seed=SEED,
            visit_date=self.round.period_start + dt.timedelta(days=1),
        )

    def setup(self) -> None:
        clear_imports(self.round)

    def run(self) -> None:
        import_export(self.path, operation=self.operation, round=self.round)


class ReportGrowth:
    def __init__(self, size: str, n: int, workdir: Path) -> None:
        self.size, self.n, self.workdir = size, n, workdir

    def prepare(self) -> None:
        from sitetrack.assessments.models import Round
        from sitetrack.demo.scenario import generate_scenario

        scenario = generate_scenario(
            sites=self.n, rounds=2, operation_slug=f"growth-report-{self.n}", seed=SEED
        )
        self.round = Round.objects.filter(operation=scenario.operation).order_by("-number").first()

    def run(self) -> None:
        from sitetrack.reports.renderers.html import render_document
        from sitetrack.reports.renderers.xlsx import render_xlsx
        from sitetrack.reports.selectors import weekly_report

        report = weekly_report(self.round)
        render_document(report)
        render_xlsx(report)


class ApiGrowth:
    def __init__(self, size: str, n: int, workdir: Path, extra: dict) -> None:
        from bench.loadgen import Gunicorn

        self.size, self.n, self.workdir, self.extra = size, n, workdir, extra
        self.server = Gunicorn(workers=4, threads=2, logfile=workdir / f"gunicorn-growth-{n}.log")
        self.latencies: list[float] = []

    def prepare(self) -> None:
        from django.db import connections

        from bench.loadgen import load
        from sitetrack.demo.scenario import generate_scenario

        scenario = generate_scenario(sites=self.n, rounds=4, operation_slug=f"growth-api-{self.n}", seed=SEED)
        slug = scenario.operation.slug
        self.paths = [f"/api/sites/?operation={slug}", f"/api/assessments/?operation={slug}"]
        self.headers = {"Authorization": f"Token {scenario.token}"}
        connections.close_all()
        self.server.start()
        warm = load("127.0.0.1", self.server.port, self.paths, clients=8, requests=16, headers=self.headers)
        if warm.errors:
            raise RuntimeError(f"warm-up failed: {warm.first_error}")

    def run(self) -> None:
        from bench.loadgen import load, percentile

        result = load(
            "127.0.0.1",
            self.server.port,
            self.paths,
            clients=8,
            requests=API_REQUESTS * len(self.paths),
            headers=self.headers,
            max_seconds=120,
        )
        if result.errors:
            raise RuntimeError(f"{result.errors} failed requests ({result.first_error})")
        self.latencies += result.latencies
        self.extra["p50_ms"] = round(percentile(self.latencies, 50) * 1000, 2)
        self.extra["p95_ms"] = round(percentile(self.latencies, 95) * 1000, 2)

    def teardown(self) -> None:
        self.server.stop()


# What grows, the class that prepares and runs it, the unit, and how a case describes its scale.
KINDS = [
    ("intake", "submission", lambda n: f"import of {n} submissions"),
    ("report", "site", lambda n: f"weekly report (HTML + XLSX) of {n} sites"),
    ("api", "site", lambda n: f"{2 * API_REQUESTS} API GETs at 8 clients, {n} sites x 4 rounds"),
]


def _state(kind: str, size: str, n: int, workdir: Path, extra: dict):
    if kind == "intake":
        return IntakeGrowth(size, n, workdir)
    if kind == "report":
        return ReportGrowth(size, n, workdir)
    return ApiGrowth(size, n, workdir, extra)


def cases(size: str, workdir: Path) -> list[Case]:
    workdir = Path(workdir)
    out = []
    for kind, unit, describe in KINDS:
        for factor in FACTORS:
            n = BASE[size][kind] * factor
            extra = {"growth": kind, "factor": factor, "units": n, "unit": unit}
            state = _state(kind, size, n, workdir, extra)
            out.append(
                Case(
                    name=f"growth-{kind}-{factor}x",
                    size=describe(n),
                    prepare=state.prepare,
                    setup=getattr(state, "setup", None),
                    run=state.run,
                    teardown=getattr(state, "teardown", None),
                    repetitions=REPETITIONS[size],
                    extra=extra,
                )
            )
    return out
