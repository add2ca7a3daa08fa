"""Intake benchmark: a KoboToolbox XLSX export of site assessments (about 120 columns and
a repeat group) imported with the same code path as `sitetrack import`.

Cases
- intake-100k: the full import into an empty round, against the floor "read the same
  file with python-calamine and insert its rows into bare tables with one executemany".
- intake-100k-reimport: the same file imported again (nothing changes), against the first
  import (the intake-100k case's time in the same results: `baseline_case`). The file is
  identical to an import whose result still stands, so every submission is unchanged by
  construction (after probing the first rows).
- intake-100k-reimport-rows: the same submissions in a file with other bytes, compared
  row by row (the earlier runs' file and content digests are blanked, or the workbook's
  same sheets would take the identical-file path): each submission is skipped by its
  raw hash, before being decoded.

Goals (issue 4): full ≤ 2 × floor (`goal_ratio` 2), peak memory < 1 GiB, re-import
≥ 5 × faster (`goal_ratio` 0.2: re-import time / first import time).

Each case runs in its own process (bench/child.py). The child's `peak_rss_mb` covers the
whole case; for intake-100k that includes the floor, which loads whole sheets with
python-calamine (about 1 GB at 100,000 rows), so the import's own peak is recorded
separately as `import_peak_rss_mb`, read right after the import runs (the child runs
every repetition of `run` before the baseline).

With the runner (writes bench/results/latest.json):

    python -m bench.run --size national --modules intake --databases sqlite

On its own (each case in its own child process on a fresh SQLite copy; results printed
and written to WORKDIR/intake-results.json):

    python -m bench.benchmarks.intake --size small|medium|national [--workdir DIR] [--case NAME]

(`medium`, 20,000 submissions, is for iterating; the figures come from `national`.)
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Case

SIZES = {"small": 2_000, "medium": 20_000, "national": 100_000}
CASE_PREFIX = {"small": "intake-small", "medium": "intake-20k", "national": "intake-100k"}
SEED = 20140203
OPERATION = "bench-intake"


def _world(n_sites: int):
    """Operation, admin areas, n_sites registry sites and one open round (idempotent)."""
    import datetime

    from sitetrack.assessments.models import Round, RoundKind
    from sitetrack.core.catalogue import catalogue_ensure_default
    from sitetrack.core.models import Operation
    from sitetrack.geo.models import AdminArea
    from sitetrack.sites.models import Site, SiteType

    catalogue_ensure_default()
    country, _ = AdminArea.objects.get_or_create(
        pcode="CF", defaults={"name_en": "Central African Republic", "level": 0}
    )
    admin1, _ = AdminArea.objects.get_or_create(
        pcode="CF71", defaults={"name_en": "Bangui", "level": 1, "parent": country}
    )
    admin2, _ = AdminArea.objects.get_or_create(
        pcode="CF711", defaults={"name_en": "1er Arr.", "level": 2, "parent": admin1}
    )
    for pcode in ("CF713", "CF111"):
        AdminArea.objects.get_or_create(
            pcode=pcode, defaults={"name_en": pcode, "level": 2, "parent": admin1}
        )
    admin3, _ = AdminArea.objects.get_or_create(
        pcode="CF7111", defaults={"name_en": "1er Arr.", "level": 3, "parent": admin2}
    )
    operation, _ = Operation.objects.get_or_create(
        slug=OPERATION, defaults={"name": "Bench intake", "country": country}
    )
    codes = [f"CF7111-S{i:06d}" for i in range(1, n_sites + 1)]
    have = Site.objects.filter(operation=operation).count()
    if have < n_sites:
        existing = set(Site.objects.filter(operation=operation).values_list("code", flat=True))
        missing = [c for c in codes if c not in existing]
        # In batches, so that building the registry does not set the case's memory peak.
        for start in range(0, len(missing), 5000):
            Site.objects.bulk_create(
                [
                    Site(
                        operation=operation,
                        code=c,
                        name=f"Site {c}",
                        site_type=SiteType.SPONTANEOUS_SITE,
                        admin_area=admin3,
                        area_m2=50000,
                    )
                    for c in missing[start : start + 5000]
                ]
            )
    round_, _ = Round.objects.get_or_create(
        operation=operation,
        kind=RoundKind.WEEKLY,
        number=1,
        defaults={"period_start": datetime.date(2014, 2, 1), "period_end": datetime.date(2014, 2, 14)},
    )
    return operation, round_, codes


def _clear(round_) -> None:
    """Remove everything an import wrote (fast, raw SQL), so the next import is a first one."""
    from django.db import connection, transaction

    from sitetrack.assessments.models import PopulationFlow, SiteAssessment
    from sitetrack.intake.models import CleaningLogEntry, DuplicateHold, ImportRun, RawSubmission

    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as c:
        for model in (CleaningLogEntry, DuplicateHold, RawSubmission, PopulationFlow):
            c.execute(f"DELETE FROM {qn(model._meta.db_table)}")
        c.execute(f"DELETE FROM {qn(SiteAssessment.history.model._meta.db_table)}")
        c.execute(f"DELETE FROM {qn(SiteAssessment._meta.db_table)}")
        c.execute(f"DELETE FROM {qn(ImportRun._meta.db_table)}")
    _settle()


def _settle() -> None:
    """Before each measured import and each floor: SQLite's write-ahead log emptied and
    truncated, so neither inherits a log file the other already grew to a gigabyte
    (the floor runs after the import: it would write into the import's log file while
    the import had to grow it, about 10 % of the floor's time)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _floor(path: Path) -> None:
    """calamine read of every sheet + one executemany per sheet into bare tables."""
    import python_calamine as pc
    from django.db import connection, transaction

    wb = pc.CalamineWorkbook.from_path(str(path))
    with transaction.atomic(), connection.cursor() as c:
        for n, name in enumerate(wb.sheet_names):
            rows = wb.get_sheet_by_name(name).iter_rows()
            header = next(rows)
            table = f"bench_floor_{n}"
            c.execute(f"DROP TABLE IF EXISTS {table}")
            c.execute(f"CREATE TABLE {table} ({', '.join(f'c{i} text' for i in range(len(header)))})")
            marks = ", ".join(["%s"] * len(header))
            c.executemany(
                f"INSERT INTO {table} VALUES ({marks})",
                ([None if v == "" else str(v) for v in row] for row in rows),
            )
            c.execute(f"DROP TABLE {table}")


def _import(path: Path, operation, round_) -> None:
    from django.core.management import call_command

    call_command(
        "import",
        str(path),
        operation=operation.slug,
        round=f"#{round_.pk}",
        quiet=True,
        stdout=io.StringIO(),
    )


def export_file(size: str, workdir: Path, codes: list[str]) -> Path:
    from sitetrack.demo.fake_export import write_kobo_xlsx

    path = Path(workdir) / f"kobo-site-assessment-{SIZES[size]}-{SEED}.xlsx"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        write_kobo_xlsx(tmp, submissions=SIZES[size], sites=codes, seed=SEED)
        tmp.rename(path)
    return path


def _peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cases(size: str, workdir: Path) -> list[Case]:
    n = SIZES[size]
    state: dict = {}
    label = f"{n} submissions x 123 columns + repeat group (KoboToolbox XLSX)"
    reps = 1 if size == "national" else 3

    def prepare() -> None:
        state["operation"], state["round"], codes = _world(n)
        state["path"] = export_file(size, workdir, codes)

    def prepare_copy() -> None:
        prepare()
        state["copy"] = redownloaded(state["path"])

    def import_copy() -> None:
        _import(state["copy"], state["operation"], state["round"])

    def ensure_imported_not_copy() -> None:
        from sitetrack.intake.models import ImportRun

        ensure_imported()
        # Each repetition compares row by row: not with an earlier import of the copy, nor
        # with the first import through the workbook's content digest (same sheets: that
        # shortcut is the intake-100k-reimport case's).
        ImportRun.objects.filter(file_name=state["copy"].name).update(file_sha256="")
        ImportRun.objects.update(content_digest="")

    def first_import() -> None:
        _import(state["path"], state["operation"], state["round"])

    def measured(extra: dict, function=None):
        def run() -> None:
            (function or first_import)()
            extra["import_peak_rss_mb"] = _peak_mib()

        return run

    def ensure_imported() -> None:
        from sitetrack.assessments.models import SiteAssessment

        if SiteAssessment.objects.filter(round=state["round"]).count() < n:
            _clear(state["round"])
            first_import()

    def case(suffix: str, note: str, goal: float, **kw) -> Case:
        """A case whose measured run records the import's own peak memory."""
        extra = {"goal_ratio": goal}
        function = kw.pop("function", first_import)
        return Case(
            name=CASE_PREFIX[size] + suffix,
            size=label + note,
            run=measured(extra, function),
            repetitions=reps,
            extra=extra,
            **kw,
        )

    first = CASE_PREFIX[size]
    return [
        case(
            "",
            "",
            2.0,
            prepare=prepare,
            setup=lambda: _clear(state["round"]),
            baseline="calamine read + one bulk insert into bare tables",
            baseline_setup=_settle,
            baseline_run=lambda: _floor(state["path"]),
        ),
        case(
            "-reimport",
            "",
            0.2,
            prepare=prepare,
            setup=ensure_imported,
            baseline="first import of the same file",
            baseline_case=first,
        ),
        case(
            "-reimport-rows",
            "; the same submissions in a file with other bytes, compared row by row",
            0.2,
            prepare=prepare_copy,
            setup=ensure_imported_not_copy,
            function=import_copy,
            baseline="first import of the same file",
            baseline_case=first,
        ),
    ]


def redownloaded(path: Path) -> Path:
    """The same export as if downloaded again: identical sheets, different bytes (an
    extra document-properties part), so the identical-file shortcut does not apply and
    the re-import skips submissions row by row."""
    import shutil
    import zipfile

    copy = path.with_name(path.stem + "-again.xlsx")
    if not copy.exists():
        tmp = copy.with_suffix(".tmp")
        shutil.copyfile(path, tmp)
        with zipfile.ZipFile(tmp, "a") as zf:
            zf.writestr("docProps/custom.xml", f"<downloaded>{time.time()}</downloaded>")
        tmp.rename(copy)
    return copy


def main(argv: list[str] | None = None) -> None:
    import json
    import shutil
    import subprocess

    from bench.run import apply_baseline_cases

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--repetitions", type=int)
    parser.add_argument("--workdir", default="")
    parser.add_argument("--case", default="", help="run only this case (e.g. intake-100k)")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parents[2]
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="sitetrack-bench-intake-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "sitetrack.settings")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    env["DEBUG"] = "0"
    template = workdir / "template.sqlite3"
    env["SQLITE_PATH"] = str(template)
    template.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, str(root / "manage.py"), "migrate", "--noinput"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    prefix = CASE_PREFIX[args.size]
    names = [prefix, f"{prefix}-reimport", f"{prefix}-reimport-rows"]
    if args.case:
        names = [n for n in names if n == args.case]
    results = []
    for name in names:
        db = workdir / f"{name}.sqlite3"
        shutil.copyfile(template, db)
        out = workdir / f"{name}.json"
        command = [
            sys.executable,
            "-m",
            "bench.child",
            "--module",
            "intake",
            "--case",
            name,
            "--size",
            args.size,
            "--database",
            "sqlite",
            "--workdir",
            str(workdir),
            "--result",
            str(out),
        ]
        if args.repetitions:
            command += ["--repetitions", str(args.repetitions)]
        started = time.perf_counter()
        subprocess.run(command, cwd=root, env={**env, "SQLITE_PATH": str(db)}, check=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        row = json.loads(out.read_text()).get("result") or {}
        results.append(row)
        apply_baseline_cases(results)  # the re-imports' baseline is the first import
        print(
            f"{name}: run {row.get('median_s')}s, baseline ({row.get('baseline')}) "
            f"{row.get('baseline_median_s')}s, ratio {row.get('ratio')} (goal ≤ {row.get('goal_ratio')}), "
            f"import peak RSS {row.get('import_peak_rss_mb')} MiB, case peak {row.get('peak_rss_mb')} MiB "
            f"[{time.perf_counter() - started:.0f}s]{' ERROR ' + row['error'] if row.get('error') else ''}",
            flush=True,
        )
    (workdir / f"intake-results{'-' + args.case if args.case else ''}.json").write_text(
        json.dumps(results, indent=1, default=str)
    )


if __name__ == "__main__":
    main()
