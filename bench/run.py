"""The benchmark runner: `python -m bench.run --size small|national [--only NAME,...]
[--databases sqlite,postgresql] [--repetitions N]`.

For each database it migrates a template once (a SQLite file under bench/data/, or the
PostgreSQL database sitetrack_bench_tpl), then runs every case of every module in
bench/benchmarks/ in its own child process (bench/child.py) on a fresh copy of it, and
writes bench/results/latest.json and latest.md (and, for the national size, the
"Latest results" section of bench/README.md). A failing case is reported with its error
and makes the exit status non-zero; the other cases still run.

Growth cases put {"growth": group, "factor": k, "units": n} in their `extra`; the runner
compares each with the 1x case of its group (baseline = 1x time scaled linearly) and flags
the ones whose cost per unit grows by more than 25% over a smaller size.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
DATA = BENCH_DIR / "data"
README = BENCH_DIR / "README.md"
MARK_START = "<!-- bench:latest:start -->"
MARK_END = "<!-- bench:latest:end -->"
DEFAULT_PG = "postgres://sitetrack:sitetrack@127.0.0.1:5432/sitetrack"
# Named per runner process, so that two runs on one machine do not drop each other's.
TEMPLATE_DB = f"sitetrack_bench_tpl_{os.getpid()}"
CASE_DB = f"sitetrack_bench_{os.getpid()}"
# Beyond this a case is killed and reported (a hung server must not stall CI).
CASE_TIMEOUT = {"small": 600, "national": 1500}
# Worse than linear: cost per unit more than this many times the cheapest at a smaller size.
GROWTH_TOLERANCE = 1.25


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def discover() -> list[str]:
    return sorted(p.stem for p in (BENCH_DIR / "benchmarks").glob("*.py") if not p.stem.startswith("_"))


# --- databases ---------------------------------------------------------------------------


class Database:
    name: str

    def env(self) -> dict[str, str]:
        raise NotImplementedError

    def prepare_template(self) -> None:
        raise NotImplementedError

    def fresh(self) -> None:
        raise NotImplementedError

    def drop(self) -> None:
        raise NotImplementedError

    def version(self) -> str:
        raise NotImplementedError


def migrate(env: dict[str, str], logfile: Path) -> None:
    with open(logfile, "w") as out:
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
        )


class SQLite(Database):
    name = "sqlite"

    def __init__(self, size: str) -> None:
        self.template = DATA / f"template-{size}-{os.getpid()}.sqlite3"
        self.path = DATA / f"case-{size}-{os.getpid()}.sqlite3"

    @staticmethod
    def _remove(path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def env(self, path: Path | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["SQLITE_PATH"] = str(path or self.path)
        return env

    def prepare_template(self) -> None:
        self._remove(self.template)
        migrate(self.env(self.template), DATA / "logs" / "migrate-sqlite.log")
        # Fold the WAL into the file so that a plain copy is complete.
        with sqlite3.connect(self.template) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode=DELETE")

    def fresh(self) -> None:
        self._remove(self.path)
        shutil.copyfile(self.template, self.path)

    def drop(self) -> None:
        self._remove(self.path)

    def cleanup(self) -> None:
        self.drop()
        self._remove(self.template)

    def version(self) -> str:
        return f"SQLite {sqlite3.sqlite_version}"


class PostgreSQL(Database):
    name = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url

    def _url(self, database: str) -> str:
        parts = urlparse(self.url)
        return urlunparse(parts._replace(path=f"/{database}"))

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def env(self, database: str = CASE_DB) -> dict[str, str]:
        env = dict(os.environ)
        env["DATABASE_URL"] = self._url(database)
        env.pop("SQLITE_PATH", None)
        return env

    def prepare_template(self) -> None:
        self._admin(
            f"DROP DATABASE IF EXISTS {CASE_DB} WITH (FORCE)", f"DROP DATABASE IF EXISTS {TEMPLATE_DB}"
        )
        self._admin(f"CREATE DATABASE {TEMPLATE_DB}")
        migrate(self.env(TEMPLATE_DB), DATA / "logs" / "migrate-postgresql.log")

    def fresh(self) -> None:
        self._admin(
            f"DROP DATABASE IF EXISTS {CASE_DB} WITH (FORCE)",
            f"CREATE DATABASE {CASE_DB} TEMPLATE {TEMPLATE_DB}",
        )

    def drop(self) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {CASE_DB} WITH (FORCE)")

    def cleanup(self) -> None:
        self._admin(
            f"DROP DATABASE IF EXISTS {CASE_DB} WITH (FORCE)", f"DROP DATABASE IF EXISTS {TEMPLATE_DB}"
        )

    def version(self) -> str:
        import psycopg

        with psycopg.connect(self.url) as connection:
            return "PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0]


# --- running cases -----------------------------------------------------------------------


def run_child(
    db: Database,
    module: str,
    case: str | None,
    size: str,
    repetitions: int | None,
    workdir: Path,
    *,
    list_only: bool = False,
) -> dict:
    result_file = DATA / "logs" / f"{module}-{case or 'first'}-{db.name}.json"
    result_file.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "bench.child",
        "--module",
        module,
        "--size",
        size,
        "--database",
        db.name,
        "--workdir",
        str(workdir),
        "--result",
        str(result_file),
    ]
    if case:
        command += ["--case", case]
    if list_only:
        command.append("--list")
    if repetitions:
        command += ["--repetitions", str(repetitions)]
    env = db.env()
    env.setdefault("DJANGO_SETTINGS_MODULE", "sitetrack.settings")
    env["SITETRACK_DATA_DIR"] = str(DATA / f"var-{size}-{db.name}")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["DEBUG"] = "0"
    env.setdefault("SITETRACK_ALLOW_DEMO_KEY", "1")  # loopback benchmark servers on the demo key
    logfile = DATA / "logs" / f"{module}-{case or 'first'}-{db.name}.log"
    with open(logfile, "w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            code = process.wait(timeout=CASE_TIMEOUT[size])
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return {"error": f"timed out after {CASE_TIMEOUT[size]}s (log: {logfile.name})"}
        finally:
            # Whatever the case started (servers) goes with it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
    if not result_file.exists():
        tail = logfile.read_text(errors="replace")[-2000:]
        return {"error": f"child exited with status {code} without a result: {tail}"}
    return json.loads(result_file.read_text())


def run_database(db: Database, modules: list[str], args, workdir: Path) -> list[dict]:
    rows: list[dict] = []
    only = set(args.only.split(",")) if args.only else None
    try:
        log(f"{db.name}: migrating the template database")
        db.prepare_template()
    except Exception as error:
        log(f"{db.name}: cannot prepare the database: {error}")
        return [{"name": "(database)", "size": args.size, "database": db.name, "error": str(error)}]
    try:
        for module in modules:
            # None: the first case meant for this database; its child also lists the others.
            pending: list[str | None] = [None]
            if only:
                out = _listing(db, module, args, workdir)
                if out.get("error"):
                    rows.append(_module_error(module, db, args.size, out))
                names = [c["name"] for c in out.get("cases", []) if db.name in c["databases"]]
                pending = [n for n in names if n in only]
            while pending:
                case = pending.pop(0)
                db.fresh()
                started = time.perf_counter()
                out = run_child(db, module, case, args.size, args.repetitions, workdir)
                db.drop()
                if out.get("error") and not out.get("result"):
                    rows.append(_module_error(module, db, args.size, out, case))
                    log(f"{db.name}: {module}/{case or '?'} FAILED: {out['error'][:300]}")
                    if case is None:
                        break
                    continue
                if case is None:
                    names = [c["name"] for c in out.get("cases", []) if db.name in c["databases"]]
                    ran = out["result"]["name"] if out.get("result") else None
                    pending = [n for n in names if n != ran]
                result = out.get("result")
                if result:
                    rows.append(result)
                    status = f"ERROR {result['error'][:300]}" if result.get("error") else _brief(result)
                    log(f"{db.name}: {result['name']}: {status} ({time.perf_counter() - started:.0f}s)")
    finally:
        try:
            db.cleanup()
        except Exception as error:
            log(f"{db.name}: cleanup failed: {error}")
    return rows


def _listing(db: Database, module: str, args, workdir: Path) -> dict:
    db.fresh()
    try:
        return run_child(db, module, None, args.size, args.repetitions, workdir, list_only=True)
    finally:
        db.drop()


def _module_error(module: str, db: Database, size: str, out: dict, case: str | None = None) -> dict:
    return {
        "name": case or f"{module} (module)",
        "size": size,
        "database": db.name,
        "error": out.get("error", "unknown error"),
        "traceback": out.get("traceback", ""),
    }


def _brief(row: dict) -> str:
    text = f"median {row.get('median_s')}s"
    if row.get("baseline_median_s") is not None:
        text += f", baseline {row['baseline_median_s']}s, ratio {row.get('ratio')}"
    return text + f", peak {row.get('peak_rss_mb')} MB"


# --- growth --------------------------------------------------------------------------------


def apply_growth(rows: list[dict]) -> None:
    """Baseline of a growth case = its group's 1x time scaled by the factor (linear)."""
    base = {
        (r["growth"], r["database"]): r
        for r in rows
        if r.get("growth") and r.get("factor") == 1 and not r.get("error") and r.get("median_s")
    }
    for row in rows:
        if not row.get("growth") or row.get("error") or row.get("median_s") is None:
            continue
        one = base.get((row["growth"], row["database"]))
        if one is None:
            continue
        factor = row["factor"]
        row["baseline"] = f"1x time x {factor} (linear growth)"
        row["baseline_median_s"] = round(one["median_s"] * factor, 4)
        row["ratio"] = round(row["median_s"] / row["baseline_median_s"], 3)
        if row.get("units"):
            row["ms_per_unit"] = round(row["median_s"] / row["units"] * 1000, 4)
    # Worse than linear: the cost per unit rose by more than the tolerance over the cheapest
    # smaller size (the 1x case alone would hide growth behind its fixed costs).
    for row in rows:
        if row.get("ms_per_unit") is None:
            continue
        smaller = [
            r["ms_per_unit"]
            for r in rows
            if r.get("growth") == row["growth"]
            and r["database"] == row["database"]
            and r.get("ms_per_unit") is not None
            and r["factor"] < row["factor"]
        ]
        row["worse_than_linear"] = bool(smaller) and row["ms_per_unit"] > GROWTH_TOLERANCE * min(smaller)


def apply_baseline_cases(rows: list[dict]) -> None:
    """A case whose baseline is another case's measured run (`baseline_case`): its
    baseline figures are that row's, on the same database."""
    measured = {(r["name"], r["database"]): r for r in rows if not r.get("error") and r.get("median_s")}
    for row in rows:
        if not row.get("baseline_case") or row.get("error") or row.get("median_s") is None:
            continue
        base = measured.get((row["baseline_case"], row["database"]))
        if base is None:
            row["baseline_note"] = f"{row['baseline_case']} was not measured on {row['database']}"
            continue
        row["baseline_median_s"] = base["median_s"]
        row["baseline_min_s"] = base["min_s"]
        row["baseline_max_s"] = base["max_s"]
        row["ratio"] = round(row["median_s"] / base["median_s"], 3)


def apply_goals(rows: list[dict]) -> None:
    """A case may state a goal as the highest acceptable ratio (`goal_ratio` in extra)."""
    for row in rows:
        if row.get("goal_ratio") is not None and row.get("ratio") is not None and not row.get("error"):
            row["goal_met"] = row["ratio"] <= row["goal_ratio"]


# --- reports -------------------------------------------------------------------------------


def fmt(value, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}" if value < 100 else f"{value:.0f}"
    return str(value)


def markdown(report: dict) -> str:
    rows = report["benchmarks"]
    lines = [
        f"Size **{report['size']}**, {report['finished_at']}, {report['machine']}; "
        f"{', '.join(report['database_versions'])}; total wall time {report['wall_s'] / 60:.1f} min.",
        *[f"Rows updated later by a partial run: {note}." for note in report.get("partial_updates", [])],
        "",
        "| Benchmark | Database | Scale | Median s (min–max) | Baseline | Baseline median s | Ratio | Peak RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.get("error"):
            lines.append(
                f"| {r['name']} | {r['database']} | {r.get('size', '')} | **error**: "
                f"{str(r['error']).splitlines()[0][:160]} | | | | |"
            )
            continue
        flag = " ⚠ worse than linear" if r.get("worse_than_linear") else ""
        if "goal_met" in r:
            flag += f" ({'meets' if r['goal_met'] else 'misses'} goal ≤ {r['goal_ratio']})"
        lines.append(
            f"| {r['name']} | {r['database']} | {r['size']} | {fmt(r.get('median_s'))} "
            f"({fmt(r.get('min_s'))}–{fmt(r.get('max_s'))}) | {r.get('baseline') or '—'} | "
            f"{fmt(r.get('baseline_median_s'))} | {fmt(r.get('ratio'), 2)}{flag} | {fmt(r.get('peak_rss_mb'), 0)} |"
        )
    api = [r for r in rows if r.get("latency") and not r.get("error")]
    if api:
        lines += [
            "",
            "API under load (gunicorn, loopback; the endpoint against `/health/` on the same server):",
            "",
            "| Case | Database | Clients | p50 ms | p95 ms | p99 ms | req/s | health p50 ms | health req/s | errors |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in api:
            for level in r["latency"]:
                lines.append(
                    f"| {r['name']} | {r['database']} | {level['clients']} | {fmt(level['p50_ms'], 1)} | "
                    f"{fmt(level['p95_ms'], 1)} | {fmt(level['p99_ms'], 1)} | {fmt(level['rps'], 0)} | "
                    f"{fmt(level.get('health_p50_ms'), 1)} | {fmt(level.get('health_rps'), 0)} | "
                    f"{level.get('errors', 0)} |"
                )
    growth = [r for r in rows if r.get("growth") and not r.get("error")]
    if growth:
        lines += [
            "",
            "Growth (cost per unit at 1x, 2x, 4x, 8x; ratio = time / (1x time x factor)):",
            "",
            "| Group | Database | Factor | Units | Median s | ms per unit | Ratio to linear | Verdict |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in sorted(growth, key=lambda r: (r["growth"], r["database"], r["factor"])):
            verdict = "worse than linear" if r.get("worse_than_linear") else "linear or better"
            lines.append(
                f"| {r['growth']} | {r['database']} | {r['factor']}x | {r.get('units', '')} | "
                f"{fmt(r.get('median_s'))} | {fmt(r.get('ms_per_unit'), 3)} | {fmt(r.get('ratio'), 2)} | {verdict} |"
            )
    return "\n".join(lines) + "\n"


def update_readme(table: str) -> None:
    if not README.exists():
        return
    text = README.read_text()
    if MARK_START not in text or MARK_END not in text:
        return
    head, rest = text.split(MARK_START, 1)
    _, tail = rest.split(MARK_END, 1)
    README.write_text(f"{head}{MARK_START}\n{table}{MARK_END}{tail}")


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def finish(report: dict) -> None:
    """Compare growth cases and goals, write latest.json and latest.md, and for the national
    size the README table."""
    apply_growth(report["benchmarks"])
    apply_baseline_cases(report["benchmarks"])
    apply_goals(report["benchmarks"])
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    table = markdown(report)
    (RESULTS / "latest.md").write_text(f"# Latest benchmark results\n\n{table}")
    if report["size"] == "national":
        update_readme(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["small", "national"], default="small")
    parser.add_argument("--only", help="Comma-separated case names to run (default: all).")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repetitions", type=int, help="Override every case's repetitions.")
    parser.add_argument("--modules", help="Comma-separated benchmark modules (default: all).")
    parser.add_argument(
        "--postgres-url",
        default=os.getenv("BENCH_POSTGRES_URL", DEFAULT_PG),
        help="A database the runner connects to for creating and dropping its own.",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="Only rewrite latest.md (and the README table) from latest.json.",
    )
    args = parser.parse_args(argv)
    if args.render:
        report = json.loads((RESULTS / "latest.json").read_text())
        finish(report)
        return 0

    started = time.perf_counter()
    for folder in (RESULTS, DATA / "logs"):
        folder.mkdir(parents=True, exist_ok=True)
    workdir = DATA / args.size
    modules = args.modules.split(",") if args.modules else discover()
    databases: list[Database] = []
    for name in args.databases.split(","):
        if name == "sqlite":
            databases.append(SQLite(args.size))
        elif name in ("postgresql", "postgres"):
            databases.append(PostgreSQL(args.postgres_url))
        else:
            parser.error(f"unknown database {name!r}")
    log(f"benchmarks ({args.size}): modules {', '.join(modules)}; databases {args.databases}")

    rows: list[dict] = []
    versions = []
    for db in databases:
        try:
            versions.append(db.version())
        except Exception as error:
            versions.append(f"{db.name} unavailable ({error})")
        rows += run_database(db, modules, args, workdir)

    wall = time.perf_counter() - started
    report = {
        "size": args.size,
        "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "machine": f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "database_versions": versions,
        "wall_s": round(wall, 1),
        "benchmarks": rows,
    }
    latest = RESULTS / "latest.json"
    if args.only and latest.exists():
        # A partial run updates its rows in the last full results of the same size.
        previous = json.loads(latest.read_text())
        if previous.get("size") == args.size:
            fresh = {(r["name"], r["database"]) for r in rows}
            report["benchmarks"] = [
                r for r in previous["benchmarks"] if (r["name"], r["database"]) not in fresh
            ] + rows
            report["wall_s"] = previous.get("wall_s", report["wall_s"])
            report["partial_updates"] = previous.get("partial_updates", []) + [
                f"{report['finished_at']}: {args.only} on {args.databases} ({wall / 60:.1f} min)"
            ]
            report["finished_at"] = previous.get("finished_at", report["finished_at"])
            report["database_versions"] = list(
                dict.fromkeys(previous.get("database_versions", []) + report["database_versions"])
            )
    finish(report)
    failures = [r for r in rows if r.get("error")]
    log(
        f"done in {wall / 60:.1f} min: {len(rows)} results, {len(failures)} failed; {latest.relative_to(ROOT)}"
    )
    for r in failures:
        log(f"  FAILED {r['name']} on {r['database']}: {str(r['error'])[:300]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
