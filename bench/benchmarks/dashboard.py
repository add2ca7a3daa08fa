"""The coordinator's dashboard (the home page of a viewer) under concurrent load, against
`/health/` on the same server under the same load (goal: at most 3x, both databases), and
the Monthly DTM report of the scenario's last month with its PDF (goal: under 30 s at
national size). National: 5,000 sites x 52 weekly rounds with 50 organisations and 20,000
activities (the map's worst gaps read them); small: 200 sites x 12 rounds, 10 and 800.

Added by the monthly app; it reuses the API cases' load machinery (bench/benchmarks/api.py)
as bench/benchmarks/response.py does. The dashboard is cached per round and data version
in each gunicorn worker under a version read from the database at every request (one query,
monthly/cache.py): the warm-up fills every worker's cache, so the load measures the
page as coordinators get it between two changes of the data.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.benchmarks.api import CLIENTS, REPETITIONS, LoadCase, level_requests
from bench.harness import Case

RESPONSE_DATA = {"small": (10, 800), "national": (50, 20_000)}
GOAL_RATIO = 3.0
MONTHLY_GOAL_S = 30.0
SCALE = {"small": "200 sites x 12 rounds", "national": "5,000 sites x 52 rounds"}


def _scenario(size: str, slug: str):
    from sitetrack.demo.scenario import generate_scenario
    from sitetrack.response.demo import build_at_scale

    scenario = generate_scenario(size=size, operation_slug=slug)
    organisations, activities = RESPONSE_DATA[size]
    made = build_at_scale(scenario.operation, organisations=organisations, activities=activities)
    return scenario, made


def _analyze() -> bool:
    # A database just filled by COPY has no planner statistics (see api.py).
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return True
    return False


class DashboardLoadCase(LoadCase):
    def prepare(self) -> None:
        from django.contrib.auth.models import User
        from django.db import connections
        from django.test import Client

        from bench.loadgen import warm_up
        from sitetrack.core.models import Membership, Role

        scenario, made = _scenario(self.size, f"bench-dashboard-{self.size}")
        coordinator = User.objects.create_user(f"coordinator-{self.size}", password="bench-coordinator")
        Membership.objects.create(user=coordinator, operation=scenario.operation, role=Role.VIEWER)
        browser = Client()
        browser.force_login(coordinator)
        self.headers = {"Cookie": f"sessionid={browser.cookies['sessionid'].value}", "Accept": "text/html"}
        self.paths = ["/"]
        self.extra.update(
            sites=scenario.sites,
            assessments=scenario.assessments,
            goal_ratio=GOAL_RATIO,
            analyzed=_analyze(),
            **made,
        )
        connections.close_all()
        self.server.start()
        # Every worker computes its dashboard once (a cold miss costs seconds at national
        # size), then serves it from its own cache. The load opens new connections at each
        # level, which the kernel may hand to a worker the warm-up never reached: warm with
        # many short-lived connections too, so that every worker has its copy.
        levels = ((self.paths, 8), (self.paths, 32), (self.paths, 64), (self.paths, 64), (["/health/"], 8))
        warm_up(self.server.port, levels, self.headers)


class MonthlyReportCase:
    """The monthly report of the scenario's last month: selectors, then the PDF."""

    def __init__(self, size: str, extra: dict) -> None:
        self.size = size
        self.extra = extra
        self.operation = None
        self.month = None

    def prepare(self) -> None:
        from sitetrack.monthly.selectors import months_with_data

        scenario, made = _scenario(self.size, f"bench-monthly-{self.size}")
        self.operation = scenario.operation
        self.month = months_with_data(self.operation)[0]
        self.extra.update(
            sites=scenario.sites,
            assessments=scenario.assessments,
            month=self.month.strftime("%Y-%m"),
            goal_s=MONTHLY_GOAL_S,
            analyzed=_analyze(),
            **made,
        )

    def run(self) -> None:
        from pypdf import PdfReader

        from sitetrack.monthly.renderers import render_html_document
        from sitetrack.monthly.selectors import monthly_report

        started = time.perf_counter()
        report = monthly_report(self.operation, self.month, language="en")
        selected = time.perf_counter()
        html = render_html_document(report)
        built = time.perf_counter()
        from weasyprint import HTML

        pdf = HTML(string=html).write_pdf()
        done = time.perf_counter()
        import io

        self.extra.update(
            total_s=round(done - started, 3),
            within_goal=done - started < MONTHLY_GOAL_S,
            selectors_s=round(selected - started, 3),
            html_s=round(built - selected, 3),
            weasyprint_s=round(done - built, 3),
            pdf_bytes=len(pdf),
            pdf_pages=len(PdfReader(io.BytesIO(pdf)).pages),
            round=report.round.number,
            sites_assessed=report.key.sites_assessed,
        )


def cases(size: str, workdir: Path) -> list[Case]:
    organisations, activities = RESPONSE_DATA[size]
    extra: dict = {}
    state = DashboardLoadCase("dashboard", size, Path(workdir), extra)
    requests = ", ".join(str(level_requests(size, c)) for c in CLIENTS)
    monthly_extra: dict = {}
    monthly = MonthlyReportCase(size, monthly_extra)
    return [
        Case(
            name="dashboard",
            size=f"coordinator home page, {SCALE[size]}, {organisations} organisations, {activities:,} "
            f"activities; {requests} GETs at {'/'.join(map(str, CLIENTS))} clients",
            run=state.run,
            baseline="/health/ on the same server, same load",
            baseline_run=state.baseline_run,
            prepare=state.prepare,
            teardown=state.teardown,
            repetitions=REPETITIONS[size],
            extra=extra,
        ),
        Case(
            name="monthly-report",
            size=f"Monthly DTM report with its PDF, {SCALE[size]}, last month",
            run=monthly.run,
            prepare=monthly.prepare,
            repetitions=REPETITIONS[size],
            extra=monthly_extra,
        ),
    ]
