"""Pieces shared by the benchmark modules (not a benchmark: the runner skips `_` modules)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path


def next_weekly_round(operation):
    """Close the operation's last weekly round and open the next one (empty)."""
    from sitetrack.assessments.models import Round, RoundKind, RoundStatus

    last = Round.objects.filter(operation=operation, kind=RoundKind.WEEKLY).order_by("-number").first()
    last.status = RoundStatus.CLOSED
    last.save(update_fields=["status"])
    start = last.period_start + dt.timedelta(weeks=1)
    return Round.objects.create(
        operation=operation,
        kind=RoundKind.WEEKLY,
        number=last.number + 1,
        period_start=start,
        period_end=start + dt.timedelta(days=6),
        catalogue_version_id=last.catalogue_version_id,
    )


def kobo_export(path: Path, *, operation, submissions: int, seed: int, visit_date: dt.date) -> Path:
    """The scenario's KoboToolbox export, written once and reused (same seed, same file)."""
    from sitetrack.demo.scenario import write_kobo_export

    if not path.exists():
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.xlsx")
        write_kobo_export(tmp, operation=operation, submissions=submissions, seed=seed, visit_date=visit_date)
        tmp.rename(path)
    return path


def import_export(path: Path, *, operation, round) -> None:
    """`sitetrack import` of a KoboToolbox export into a round (the command's code path)."""
    from django.core.management import call_command

    with open(os.devnull, "w") as quiet:
        call_command("import", str(path), operation=operation.slug, round=f"#{round.pk}", stdout=quiet)


def clear_imports(round) -> None:
    """Remove what an import wrote into `round` (and the intake records), so that the next
    repetition is a first import again."""
    from django.db import connection, transaction

    from sitetrack.assessments.models import PopulationFlow, SiteAssessment
    from sitetrack.intake import models as intake

    qn = connection.ops.quote_name
    table = qn(SiteAssessment._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        for name in ("CleaningLogEntry", "DuplicateHold", "RawSubmission"):
            model = getattr(intake, name, None)
            if model is not None:
                cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")
        cursor.execute(
            f"DELETE FROM {qn(PopulationFlow._meta.db_table)} "
            f"WHERE assessment_id IN (SELECT id FROM {table} WHERE round_id = %s)",
            [round.pk],
        )
        cursor.execute(
            f"DELETE FROM {qn(SiteAssessment.history.model._meta.db_table)} WHERE round_id = %s", [round.pk]
        )
        cursor.execute(f"DELETE FROM {table} WHERE round_id = %s", [round.pk])
        if getattr(intake, "ImportRun", None) is not None:
            cursor.execute(f"DELETE FROM {qn(intake.ImportRun._meta.db_table)}")


def standalone_case(name: str, cases, sizes, argv: list[str] | None, description: str):
    """Run a module's first case outside the runner (`python -m bench.benchmarks.NAME
    --size ...`) on a fresh SQLite file: (the case, its seconds, the folder)."""
    import argparse
    import tempfile
    import time

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", choices=sizes, default="small")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix=f"sitetrack-bench-{name}-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitetrack.settings")
    os.environ.setdefault("SQLITE_PATH", str(workdir / "bench.sqlite3"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    case = cases(args.size, workdir)[0]
    case.prepare()
    started = time.perf_counter()
    case.run()
    return case, time.perf_counter() - started, workdir


def settle_database(extra: dict) -> None:
    """Planner statistics and a visibility map, as a database in use has: one just filled
    by the scenario has neither, PostgreSQL plans its tables as if they were empty, and
    autovacuum processes them while the first repetitions are measured, on the same two
    cores. Measure the database users have (VACUUM ANALYZE on PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        extra["vacuumed"] = True
