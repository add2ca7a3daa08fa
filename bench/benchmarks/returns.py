"""Monthly Return Intention report at 20,000 household interviews (returns app).

`returns-analysis-20k`: every figure of the report — intention shares with their 95%
intervals by site, site type, origin and destination, timing, conditions and obstacles,
the origin–destination matrix, the comparison with last month — computed in SQL
(`returns.selectors`) and suppressed (`returns.disclosure`). Goal: under 2 s.

`returns-pdf-20k`: the same report rendered as PDF (WeasyPrint, SVG charts). Goal: under
20 s.

The interviews are generated once in `prepare` (untimed, `returns.demo.generate`, bulk
inserts): 20,000 this month and 20,000 last month over the scenario's sites (at most 500
sites: a survey samples sites, 40 households or more each). Each case puts `goal_s` and
`within_goal` in its figures.

Run on its own: python -m bench.run --size small --modules returns
"""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

from bench.harness import Case

INTERVIEWS = 20_000
SITES = {"small": 200, "national": 500}
GOALS = {"returns-analysis-20k": 2.0, "returns-pdf-20k": 20.0}


class ReturnsCase:
    def __init__(self, name: str, size: str, workdir: Path, extra: dict) -> None:
        self.name, self.size, self.workdir, self.extra = name, size, Path(workdir), extra
        self.survey = None
        self.slowest = 0.0

    def prepare(self) -> None:
        from sitetrack.demo.scenario import generate_scenario
        from sitetrack.returns.choices import SamplingMethod
        from sitetrack.returns.demo import generate
        from sitetrack.returns.models import Survey
        from sitetrack.sites.models import Site

        scenario = generate_scenario(
            sites=SITES[self.size], rounds=1, operation_slug=f"bench-returns-{self.size}"
        )
        sites = list(Site.objects.filter(operation=scenario.operation).order_by("code")[: SITES[self.size]])
        per_site = INTERVIEWS // len(sites)
        rng = random.Random(16)
        for month in (dt.date(2014, 2, 1), dt.date(2014, 3, 1)):
            survey = Survey.objects.create(
                operation=scenario.operation, month=month, sampling_method=SamplingMethod.STRATIFIED
            )
            made = generate(survey, sites, per_site=per_site, rng=rng)
        self.survey = survey
        self.extra.update(sites=len(sites), interviews=made, per_site=per_site, goal_s=GOALS[self.name])

    def run(self) -> None:
        from sitetrack.returns.report import returns_report

        tick = time.perf_counter()
        report = returns_report(self.survey, language="en")
        analysis = time.perf_counter() - tick
        self.extra["analysis_s"] = round(analysis, 3)
        if self.name == "returns-pdf-20k":
            from sitetrack.returns.renderers.pdf import render_pdf

            pdf = render_pdf(report)
            self.extra["pdf_bytes"] = len(pdf)
            (self.workdir / "return-intentions-20k.pdf").write_bytes(pdf)
        elapsed = time.perf_counter() - tick
        self.slowest = max(self.slowest, elapsed)
        self.extra["slowest_s"] = round(self.slowest, 3)
        self.extra["within_goal"] = self.slowest <= GOALS[self.name]
        self.extra["suppressed_site_cells"] = sum(
            1 for row in report.table("site").rows for f in row.cells if f.suppressed
        )


def cases(size: str, workdir: Path) -> list[Case]:
    out = []
    for name, label in (
        ("returns-analysis-20k", "figures of the report in SQL, suppressed"),
        ("returns-pdf-20k", "the report as PDF"),
    ):
        extra: dict = {}
        state = ReturnsCase(name, size, workdir, extra)
        out.append(
            Case(
                name=name,
                size=f"{INTERVIEWS:,} household interviews (and as many last month) at {SITES[size]} sites: {label}; "
                f"goal < {GOALS[name]:g} s",
                prepare=state.prepare,
                run=state.run,
                repetitions=3 if name == "returns-analysis-20k" else 1,
                extra=extra,
            )
        )
    return out
