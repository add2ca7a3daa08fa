"""Weekly Site Needs Report: the report of one weekly round rendered as HTML, XLSX and PDF.

The data comes from the scenario generator (`sitetrack generate-scenario`): 200 sites
(small) or 5,000 sites (national), four weekly rounds of validated assessments; the case
reports on the last round, so every site has a previous round to compare with. `run`
computes the report once (selectors, SQL) and renders the three formats; each step's
seconds go in `extra`. No baseline here: the pandas comparison lives with the harness.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.harness import Case

SITES = {"small": 200, "national": 5000}
ROUNDS = 4


class WeeklyReportCase:
    def __init__(self, size: str, workdir: Path, extra: dict) -> None:
        self.size = size
        self.workdir = workdir
        self.extra = extra
        self.round = None

    def setup(self) -> None:
        if self.round is not None:
            return
        from sitetrack.assessments.models import Round
        from sitetrack.core.catalogue import catalogue_for
        from sitetrack.demo.scenario import generate_scenario

        scenario = generate_scenario(
            size=self.size, sites=SITES[self.size], rounds=ROUNDS, operation_slug=f"bench-reports-{self.size}"
        )
        self.round = Round.objects.filter(operation=scenario.operation).order_by("-number").first()
        catalogue_for(scenario.operation)
        self.extra.update(sites=scenario.sites, assessments=scenario.assessments)

    def run(self) -> None:
        from sitetrack.reports.renderers.html import render_document
        from sitetrack.reports.renderers.pdf import render_pdf
        from sitetrack.reports.renderers.xlsx import render_xlsx
        from sitetrack.reports.selectors import weekly_report

        timings = {}
        tick = time.perf_counter()
        report = weekly_report(self.round, language="en")
        timings["selectors_s"] = time.perf_counter() - tick
        for name, render in (("html", render_document), ("xlsx", render_xlsx), ("pdf", render_pdf)):
            tick = time.perf_counter()
            content = render(report)
            timings[f"{name}_s"] = time.perf_counter() - tick
            size = len(content.encode("utf-8") if isinstance(content, str) else content)
            self.extra[f"{name}_bytes"] = size
            (self.workdir / f"weekly-report.{name}").write_bytes(
                content.encode("utf-8") if isinstance(content, str) else content
            )
        self.extra.update({k: round(v, 3) for k, v in timings.items()})
        self.extra["sites_in_table"] = len(report.sites)


def cases(size: str, workdir: Path) -> list[Case]:
    extra: dict = {}
    state = WeeklyReportCase(size, workdir, extra)
    return [
        Case(
            name=f"weekly-report-{SITES[size]}-sites",
            size=f"{SITES[size]} sites, weekly round with previous round; HTML + XLSX + PDF",
            run=state.run,
            setup=state.setup,
            repetitions=3 if size == "small" else 1,
            extra=extra,
        )
    ]
