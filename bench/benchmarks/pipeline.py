"""Monday morning end to end: this week's KoboToolbox export in, the weekly needs XLSX out.

SiteTrack: `sitetrack import` of the export into the new weekly round (every row checked
against the validation rules, raw submissions and cleaning log kept), the IMO's
validation of the rows without errors, then the Weekly Site Needs Report (selectors) and
its XLSX workbook.

Baselines, each in its own case so both are measured in the same run: the information
manager's pandas notebook (bench/baselines/pandas_notebook.py) on the same export file,
with last week's table it wrote itself, reading with openpyxl (`pipeline-weekly`) and
with pandas' calamine engine (`pipeline-weekly-calamine`). SiteTrack's side is the same
in both; `extra` splits its time into import, validation, report selectors and XLSX.

Goal (issue 11): SiteTrack at least 5x faster than the openpyxl notebook (ratio <= 0.2)
on both databases, and faster than the calamine notebook (ratio < 1).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from bench.benchmarks._common import (
    clear_imports,
    import_export,
    kobo_export,
    next_weekly_round,
    settle_database,
)
from bench.harness import Case

# Sites (one submission each in the export) and rounds of history already in the database.
SIZES = {"small": (200, 4), "national": (5000, 12)}
SEED = 6


class Pipeline:
    def __init__(self, size: str, workdir: Path, extra: dict, engine: str = "openpyxl") -> None:
        self.size = size
        self.engine = engine
        self.sites, self.rounds = SIZES[size]
        self.workdir = workdir
        self.extra = extra
        self.export = workdir / f"pipeline-kobo-{self.sites}-sites-seed{SEED}.xlsx"
        self.last_week = workdir / f"pipeline-last-week-{self.sites}-sites-seed{SEED}.xlsx"
        self.output = workdir / f"pipeline-out-sitetrack-{engine}-{os.getpid()}.xlsx"
        self.notebook_output = workdir / f"pipeline-out-notebook-{engine}-{os.getpid()}.xlsx"
        self.operation = None
        self.round = None

    def prepare(self) -> None:
        from sitetrack.assessments.models import Round
        from sitetrack.demo.scenario import generate_scenario

        scenario = generate_scenario(
            sites=self.sites, rounds=self.rounds, operation_slug=f"bench-pipeline-{self.size}", seed=SEED
        )
        self.operation = scenario.operation
        last = Round.objects.filter(operation=self.operation).order_by("-number").first()
        self.round = next_weekly_round(self.operation)
        kobo_export(
            self.export,
            operation=self.operation,
            submissions=self.sites,
            seed=SEED,
            visit_date=self.round.period_start + dt.timedelta(days=1),
        )
        if not self.last_week.exists():
            self._write_last_week(last)
        # Without it, autovacuum processed the 60,000 assessments just written during the
        # measured runs (PostgreSQL: 8.5 s, 14.1 s and 11.1 s in one run).
        settle_database(self.extra)
        self.extra.update(export=self.export.name, sites=self.sites, history_rounds=self.rounds)

    def _write_last_week(self, last) -> None:
        """Last Monday's notebook output (its "Sites" sheet), from the same field data."""
        import pandas as pd

        from sitetrack.assessments.models import SiteAssessment

        rows = SiteAssessment.objects.filter(round=last).values(
            "site__code", "individuals", "households", "arrivals", "departures"
        )
        frame = pd.DataFrame(list(rows)).rename(columns={"site__code": "site_code"})
        tmp = self.last_week.with_suffix(".tmp.xlsx")
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="Sites", index=False)
        tmp.rename(self.last_week)

    def clear(self) -> None:
        clear_imports(self.round)

    def run(self) -> None:
        from django.utils import timezone

        from sitetrack.assessments.models import AssessmentStatus, SiteAssessment
        from sitetrack.reports.renderers.xlsx import render_xlsx
        from sitetrack.reports.selectors import weekly_report

        ticks = [time.perf_counter()]
        import_export(self.export, operation=self.operation, round=self.round)
        ticks.append(time.perf_counter())
        imported = SiteAssessment.objects.filter(round=self.round)
        # The IMO validates every imported row the rules found no error in. (No bulk
        # validation service exists yet: one UPDATE stands for it.)
        validated = imported.filter(error_count=0).update(
            status=AssessmentStatus.VALIDATED, was_validated=True, validated_at=timezone.now()
        )
        ticks.append(time.perf_counter())
        report = weekly_report(self.round)
        ticks.append(time.perf_counter())
        self.output.write_bytes(render_xlsx(report))
        ticks.append(time.perf_counter())
        steps = ("import_s", "validate_s", "report_s", "xlsx_s")
        self.extra.update(
            {name: round(b - a, 3) for name, a, b in zip(steps, ticks[:-1], ticks[1:], strict=True)}
        )
        self.extra.update(imported=imported.count(), validated=validated, report_sites=len(report.sites))
        if validated == 0:
            raise RuntimeError("the import validated no row: nothing to report")

    def baseline_run(self) -> None:
        import contextlib
        import io

        from bench.baselines.pandas_notebook import main as notebook

        with contextlib.redirect_stdout(io.StringIO()):
            sites = notebook(str(self.export), str(self.last_week), str(self.notebook_output), self.engine)
        self.extra["notebook_sites"] = len(sites)

    def teardown(self) -> None:
        for path in (self.output, self.notebook_output):
            path.unlink(missing_ok=True)


VARIANTS = {
    # case name: (read engine, baseline label, goal)
    "pipeline-weekly": (
        "openpyxl",
        "pandas + openpyxl notebook (bench/baselines/pandas_notebook.py)",
        ("SiteTrack >= 5x faster than the notebook", 0.2),
    ),
    "pipeline-weekly-calamine": (
        "calamine",
        "the same notebook reading with pandas' calamine engine",
        ("SiteTrack faster than the calamine notebook", 1.0),
    ),
}


def cases(size: str, workdir: Path) -> list[Case]:
    sites, rounds = SIZES[size]
    out = []
    for name, (engine, label, (goal, ratio)) in VARIANTS.items():
        extra: dict = {"goal": goal, "goal_ratio": ratio, "notebook_engine": engine}
        state = Pipeline(size, Path(workdir), extra, engine)
        out.append(
            Case(
                name=name,
                size=f"{sites} submissions (KoboToolbox XLSX) -> weekly needs XLSX; {rounds} rounds of history",
                prepare=state.prepare,
                setup=state.clear,
                run=state.run,
                baseline=label,
                baseline_run=state.baseline_run,
                teardown=state.teardown,
                repetitions=3,
                extra=extra,
            )
        )
    return out
