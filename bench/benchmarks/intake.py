"""Intake benchmark: a KoboToolbox XLSX export of site assessments (about 120 columns and
a repeat group) imported with the same code path as `sitetrack import`.

Cases
- intake-100k: the full import into an empty round, against the floor "read the same
  file with python-calamine and insert its rows into bare tables with one executemany".
- intake-100k-reimport: the same file imported again (nothing changes), against the first
  import.

Goals (issue 4): full ≤ 2 × floor, peak memory < 1 GiB, re-import ≥ 5 × faster.

Run on its own (SQLite file in a temporary folder):

    python -m bench.benchmarks.intake --size small|national [--repeat N]
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

SIZES = {"small": 2_000, "national": 100_000}
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
                for c in codes
                if c not in existing
            ],
            batch_size=5000,
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
    from sitetrack.intake.fake_export import write_kobo_xlsx

    path = Path(workdir) / f"kobo-site-assessment-{SIZES[size]}-{SEED}.xlsx"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        write_kobo_xlsx(tmp, submissions=SIZES[size], sites=codes, seed=SEED)
        tmp.rename(path)
    return path


def cases(size: str, workdir: Path) -> list[Case]:
    n = SIZES[size]
    operation, round_, codes = _world(n)
    path = export_file(size, workdir, codes)
    label = f"{n} submissions x 123 columns + repeat group (KoboToolbox XLSX)"

    def first_import() -> None:
        _import(path, operation, round_)

    def ensure_imported() -> None:
        from sitetrack.assessments.models import SiteAssessment

        if SiteAssessment.objects.filter(round=round_).count() < n:
            _clear(round_)
            _import(path, operation, round_)

    return [
        Case(
            name="intake-100k" if size == "national" else "intake-small",
            size=label,
            setup=lambda: _clear(round_),
            run=first_import,
            baseline="calamine read + one bulk insert into bare tables",
            baseline_run=lambda: _floor(path),
        ),
        Case(
            name="intake-100k-reimport" if size == "national" else "intake-small-reimport",
            size=label,
            setup=ensure_imported,
            run=first_import,
            baseline="first import of the same file",
            baseline_setup=lambda: _clear(round_),
            baseline_run=first_import,
        ),
    ]


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workdir", default="")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="sitetrack-bench-intake-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitetrack.settings")
    os.environ.setdefault("SQLITE_PATH", str(workdir / "bench.sqlite3"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    found = cases(args.size, workdir)
    print(f"setup (sites + export file): {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    for case in found:
        timings: dict[str, list[float]] = {"run": [], "baseline": []}
        for _ in range(args.repeat):
            for which, setup, run in (
                ("baseline", case.baseline_setup, case.baseline_run),
                ("run", case.setup, case.run),
            ):
                if run is None:
                    continue
                if setup:
                    setup()
                start = time.perf_counter()
                run()
                timings[which].append(time.perf_counter() - start)
        best_run, best_base = min(timings["run"]), min(timings["baseline"])
        print(
            f"{case.name}: run {best_run:.2f}s, baseline ({case.baseline}) {best_base:.2f}s, "
            f"ratio {best_run / best_base:.2f}, peak RSS so far {_rss_mib():.0f} MiB"
        )


if __name__ == "__main__":
    main()
