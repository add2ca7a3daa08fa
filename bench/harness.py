"""The benchmark contract: each module in bench/benchmarks/ exposes

    def cases(size: str, workdir: pathlib.Path) -> list[Case]

`size` is "small" (CI smoke run) or "national". The runner (bench/run.py) calls `cases()`
in a fresh process already configured for one database (Django set up, migrated, empty),
once for SQLite and once for PostgreSQL; it runs each case several repetitions, measures
the wall time of `run` (and of `baseline_run`, same data, same run, in turn with `run`:
ours, baseline, ours, baseline...) and peak RSS, and
writes bench/results/latest.json and latest.md. A product adds its benchmark with one
module.

Each case runs in its own child process on its own fresh database, so `cases()` is called
once per case: keep it cheap (build closures) and put data generation in `prepare`, which
runs once, untimed, before the repetitions. `workdir` (bench/data/<size>/) is shared by
every case and both databases and kept between runs: write generated files there under
names that say what they contain and reuse them when present.
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
    # Or: the baseline is another case's `run` on the same database in the same results
    # (e.g. a first import, for a re-import), taken from its row instead of measured again.
    baseline_case: str | None = None
    setup: Callable[[], None] | None = None  # before each repetition of run (not timed)
    baseline_setup: Callable[[], None] | None = None  # before each repetition of baseline_run
    databases: tuple[str, ...] = ("sqlite", "postgresql")  # where the case makes sense
    repetitions: int = 3
    # Extra figures a case reports (e.g. latency percentiles); filled by run() if it likes.
    extra: dict = field(default_factory=dict)
    # Once before the first repetition (not timed): generate data, start a server.
    prepare: Callable[[], None] | None = None
    # Once after the last repetition, even after a failure: stop what prepare started.
    teardown: Callable[[], None] | None = None
