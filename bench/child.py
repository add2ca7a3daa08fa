"""One benchmark case in its own process: `python -m bench.child --module M [--case NAME] ...`.

The runner (bench/run.py) has already created and migrated the database and set
DATABASE_URL or SQLITE_PATH in the environment, so Django starts on it. The child lists
the module's cases, runs the one asked for (or the first one meant for this database),
and writes a JSON result file for the runner.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import resource
import statistics
import sys
import time
import traceback
from pathlib import Path


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux. RUSAGE_CHILDREN covers the servers a case started
    # (gunicorn's workers are waited for by its master, which this process waits for).
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def timed_once(function, setup) -> float:
    if setup is not None:
        setup()
    gc.collect()
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def timed(function, setup, repetitions: int) -> list[float]:
    return [timed_once(function, setup) for _ in range(repetitions)]


def timed_pairs(case, repetitions: int) -> tuple[list[float], list[float]]:
    """Ours and the baseline in turn (ours, baseline, ours, baseline...), so that neither
    side gets the warmer process or the quieter minutes of a shared machine: measured
    one after the other, the baseline always ran second, in a process warmed by ours."""
    ours, base = [], []
    for _ in range(repetitions):
        ours.append(timed_once(case.run, case.setup))
        base.append(timed_once(case.baseline_run, case.baseline_setup))
    return ours, base


def portable_traceback() -> str:
    """The current traceback with file paths relative to the project, so a results file
    committed from one machine names no folder of that machine."""
    root = str(Path(__file__).resolve().parent.parent) + "/"
    return traceback.format_exc().replace(root, "")[-4000:]


def summary(times: list[float]) -> dict:
    return {
        "median_s": round(statistics.median(times), 4),
        "min_s": round(min(times), 4),
        "max_s": round(max(times), 4),
        "times_s": [round(t, 4) for t in times],
    }


def run_case(case, database: str, repetitions: int | None) -> dict:
    reps = repetitions or case.repetitions
    row: dict = {
        "name": case.name,
        "size": case.size,
        "database": database,
        "repetitions": reps,
        "baseline": case.baseline,
    }
    if case.baseline_case:
        row["baseline_case"] = case.baseline_case
    try:
        if case.prepare is not None:
            started = time.perf_counter()
            case.prepare()
            row["prepare_s"] = round(time.perf_counter() - started, 2)
        if case.baseline_run is None:
            row.update(summary(timed(case.run, case.setup, reps)))
        else:
            ours, base_times = timed_pairs(case, reps)
            row.update(summary(ours))
            base = summary(base_times)
            row["baseline_median_s"] = base["median_s"]
            row["baseline_min_s"] = base["min_s"]
            row["baseline_max_s"] = base["max_s"]
            row["baseline_times_s"] = base["times_s"]
            if base["median_s"] > 0:
                row["ratio"] = round(row["median_s"] / base["median_s"], 3)
    except Exception as error:  # reported in the results; the other cases go on
        row["error"] = f"{type(error).__name__}: {error}"
        row["traceback"] = portable_traceback()
    finally:
        if case.teardown is not None:
            try:
                case.teardown()
            except Exception as error:
                row.setdefault("error", f"teardown: {type(error).__name__}: {error}")
    for key, value in case.extra.items():
        row.setdefault(key, value)
    row["peak_rss_mb"] = peak_rss_mb()
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.child")
    parser.add_argument("--module", required=True)
    parser.add_argument("--case")
    parser.add_argument("--size", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--workdir", required=True, type=Path)
    parser.add_argument("--result", required=True, type=Path)
    parser.add_argument("--repetitions", type=int)
    parser.add_argument("--list", action="store_true", help="Only list the module's cases.")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitetrack.settings")
    import django

    django.setup()
    out: dict = {"cases": [], "result": None}
    try:
        module = importlib.import_module(f"bench.benchmarks.{args.module}")
        args.workdir.mkdir(parents=True, exist_ok=True)
        cases = module.cases(args.size, args.workdir)
        out["cases"] = [{"name": c.name, "databases": list(c.databases)} for c in cases]
        if args.list:
            chosen = []
        elif args.case:
            chosen = [c for c in cases if c.name == args.case]
        else:
            chosen = [c for c in cases if args.database in c.databases][:1]
        if chosen:
            out["result"] = run_case(chosen[0], args.database, args.repetitions)
    except Exception as error:
        out["error"] = f"{type(error).__name__}: {error}"
        out["traceback"] = portable_traceback()
    args.result.write_text(json.dumps(out, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
