"""Monthly Site Profiles: the batch of a monthly round (one A4 PDF per site, the merged
PDF, the ZIP) against the floor — bare WeasyPrint rendering the same, already built HTML
pages on the same number of processes.

Data: the scenario generator (`sitetrack.demo.scenario`), 1,000 sites (national) or 16
(small) x 4 rounds, turned into monthly rounds; each admin area of a site gets a
boundary (a 48-point ring around its sites; the scenario has none) so that the map is
drawn as for a real operation. The case profiles the last round (every site has a trend).

`run` is the CLI's path (`sitetrack report site-profiles`): the selectors (one read, before
forking), then `render_batch` — the charts (matplotlib SVG), the HTML, WeasyPrint, on
`os.cpu_count()` forked processes — the merged PDF and the ZIP. `extra` has the steps'
seconds (`selectors_s`, `render_s`, `zip_s`), `workers` (processes used) and
`cpu_count`. The floor: the same pages' HTML (built in `baseline_setup`, untimed) printed
by `HTML(string=...).write_pdf()` on a pool of the same number of forked processes.
Goal: ratio <= 1.3.

Run on its own (SQLite file in a temporary folder):

    python -m bench.benchmarks.profiles --size small|national
"""

from __future__ import annotations

import math
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

from bench.harness import Case

SITES = {"small": 16, "national": 1000}
ROUNDS = 4
SEED = 15
GOAL_RATIO = 1.3

_PAGES: list[str] = []  # the floor's HTML pages, inherited by its forked processes


def _ring(lon: float, lat: float, radius: float, points: int = 48) -> dict:
    ring = [
        [
            round(lon + radius * math.cos(2 * math.pi * k / points), 6),
            round(lat + 0.8 * radius * math.sin(2 * math.pi * k / points), 6),
        ]
        for k in range(points)
    ]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def add_boundaries(operation) -> int:
    """A boundary around the sites of each admin area of the operation's sites (and their
    parent areas), as a COD-AB import would give; returns the areas updated."""
    from django.db.models import Avg, Max, Min

    from sitetrack.geo.models import AdminArea
    from sitetrack.sites.models import Site

    updated = 0
    for prefix in ("admin_area", "admin_area__parent"):
        rows = (
            Site.objects.filter(operation=operation, latitude__isnull=False)
            .values(prefix)
            .annotate(
                lon=Avg("longitude"),
                lat=Avg("latitude"),
                w=Max("longitude") - Min("longitude"),
                h=Max("latitude") - Min("latitude"),
            )
        )
        for row in rows:
            radius = max(0.02, row["w"], row["h"]) * (0.8 if prefix == "admin_area" else 2.0)
            AdminArea.objects.filter(pk=row[prefix]).update(
                boundary=_ring(row["lon"], row["lat"], radius),
                min_lon=row["lon"] - radius,
                max_lon=row["lon"] + radius,
                min_lat=row["lat"] - radius,
                max_lat=row["lat"] + radius,
            )
            updated += 1
    return updated


def _print_page(index: int) -> int:
    from weasyprint import HTML

    return len(HTML(string=_PAGES[index]).write_pdf())


class ProfilesCase:
    def __init__(self, size: str, workdir: Path, extra: dict) -> None:
        self.size = size
        self.workdir = Path(workdir)
        self.extra = extra
        self.round = None

    def prepare(self) -> None:
        from sitetrack.assessments.models import Round, RoundKind
        from sitetrack.demo.scenario import generate_scenario
        from sitetrack.profiles.batch import worker_count

        scenario = generate_scenario(
            sites=SITES[self.size], rounds=ROUNDS, operation_slug=f"bench-profiles-{self.size}", seed=SEED
        )
        Round.objects.filter(operation=scenario.operation).update(kind=RoundKind.MONTHLY)
        self.round = Round.objects.filter(operation=scenario.operation).order_by("-number").first()
        self.extra.update(
            sites=scenario.sites,
            boundaries=add_boundaries(scenario.operation),
            workers=worker_count(scenario.sites),
            cpu_count=os.cpu_count(),
            goal_ratio=GOAL_RATIO,
        )

    def run(self) -> None:
        from sitetrack.profiles.batch import render_batch
        from sitetrack.profiles.selectors import round_site_profiles

        tick = time.perf_counter()
        profiles = round_site_profiles(self.round, language="en")
        selectors_s = time.perf_counter() - tick
        with tempfile.TemporaryDirectory(prefix="sitetrack-bench-profiles-") as folder:
            path = Path(folder) / "profiles.zip"
            result = render_batch(profiles, path)
            zip_bytes = path.stat().st_size
        if result.failed:
            raise RuntimeError(
                f"{len(result.failed)} profiles failed: {result.failed[0].code}: {result.failed[0].error}"
            )
        self.extra.update(
            selectors_s=round(selectors_s, 3),
            render_s=round(result.render_s, 3),
            zip_s=round(result.zip_s, 3),
            workers=result.workers,
            profiles=len(result.rendered),
            zip_bytes=zip_bytes,
        )

    def baseline_setup(self) -> None:
        from sitetrack.profiles.rendering import render_profile_html
        from sitetrack.profiles.selectors import round_site_profiles

        _PAGES[:] = [render_profile_html(p) for p in round_site_profiles(self.round, language="en")]

    def baseline_run(self) -> None:
        from sitetrack.profiles.batch import worker_count

        workers = worker_count(len(_PAGES))
        if workers <= 1:
            for index in range(len(_PAGES)):
                _print_page(index)
            return
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            list(pool.imap_unordered(_print_page, range(len(_PAGES))))


def cases(size: str, workdir: Path) -> list[Case]:
    extra: dict = {"goal": "the batch within 30% of bare WeasyPrint on the same processes"}
    state = ProfilesCase(size, workdir, extra)
    return [
        Case(
            name=f"site-profiles-{SITES[size]}-sites",
            size=f"{SITES[size]} sites, a monthly round: one A4 PDF per site + merged PDF + ZIP, every core",
            prepare=state.prepare,
            run=state.run,
            baseline="bare WeasyPrint on the same HTML pages, same number of forked processes",
            baseline_setup=state.baseline_setup,
            baseline_run=state.baseline_run,
            repetitions=1 if size == "national" else 2,
            extra=extra,
            # The batch is PDF rendering on every core (a few indexed reads per site): at
            # national size one database says what it costs; its 1,000 pages twice (batch
            # and floor) are 20 minutes of the run. The small run checks both databases.
            databases=("sqlite",) if size == "national" else ("sqlite", "postgresql"),
        )
    ]


def main(argv: list[str] | None = None) -> None:
    from bench.benchmarks._common import standalone_case

    case, ours, _ = standalone_case("profiles", cases, SITES, argv, __doc__.split("\n\n")[0])
    case.baseline_setup()
    started = time.perf_counter()
    case.baseline_run()
    floor = time.perf_counter() - started
    print(f"{case.name}: {ours:.1f}s, floor {floor:.1f}s, ratio {ours / floor:.2f} {case.extra}")


if __name__ == "__main__":
    main()
