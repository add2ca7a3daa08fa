"""The benchmark contract: each module in bench/benchmarks/ exposes

    def cases(size: str, workdir: pathlib.Path) -> list[Case]

`size` is "small" (CI smoke run) or "national". The runner (bench/run.py) calls `cases()`
in a fresh process already configured for one database (Django set up, migrated, empty),
once for SQLite and once for PostgreSQL; it runs each case several repetitions, measures
the wall time of `run` (and of `baseline_run`, same data, same run) and peak RSS, and
writes bench/results/latest.json and latest.md. A product adds its benchmark with one
module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Case:
    name: str  # e.g. "intake-100k"; unique within a run
    size: str  # human description of the scale, e.g. "100000 submissions x 120 columns"
    run: Callable[[], None]  # the measured operation
    baseline: str | None = None  # what it is compared with, e.g. "calamine read + bulk insert"
    baseline_run: Callable[[], None] | None = None
    setup: Callable[[], None] | None = None  # before each repetition of run (not timed)
    baseline_setup: Callable[[], None] | None = None  # before each repetition of baseline_run
    databases: tuple[str, ...] = ("sqlite", "postgresql")  # where the case makes sense
    repetitions: int = 3
    # Extra figures a case reports (e.g. latency percentiles); filled by run() if it likes.
    extra: dict = field(default_factory=dict)
