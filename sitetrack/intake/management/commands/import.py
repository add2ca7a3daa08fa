"""sitetrack import FILE --operation SLUG --round KIND:NUMBER [--form site-assessment] [--mapping NAME]"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from sitetrack.intake.management.targets import import_target
from sitetrack.intake.models import ImportStatus
from sitetrack.intake.services import import_file


class Command(BaseCommand):
    help = "Import a KoboToolbox/ODK export (XLSX, CSV, JSON, ODK zip) into a round."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--operation", required=True)
        parser.add_argument("--round", required=True, help="KIND:NUMBER (weekly:3), NUMBER, or #ID")
        parser.add_argument("--form", default="site-assessment")
        parser.add_argument("--mapping", default="", help="name of a saved field mapping")
        parser.add_argument("--user", default="", help="username recorded as the importer")
        parser.add_argument(
            "--all-or-nothing", action="store_true", help="write nothing if any row is rejected"
        )
        parser.add_argument("--cleaning-log", default="", help="write the cleaning log XLSX here")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **opts):
        target = import_target(opts)
        operation, round, mapping, user = target.operation, target.round, target.mapping, target.user
        quiet = opts["quiet"]
        tty = sys.stderr.isatty()

        def progress(done: int, total: int, phase: str) -> None:
            if quiet:
                return
            pct = int(done * 100 / total) if total else 100
            bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
            line = f"{phase:9s} [{bar}] {pct:3d}% {done}/{total}"
            self.stderr.write(("\r" + line) if tty else line, ending="" if tty else "\n")

        run = import_file(
            operation=operation,
            round=round,
            user=user,
            path=opts["file"],
            form=opts["form"],
            mapping=mapping,
            all_or_nothing=opts["all_or_nothing"],
            progress=progress,
        )
        if tty and not quiet:
            self.stderr.write("")
        if opts["cleaning_log"]:
            from sitetrack.intake.cleaning_log import write_cleaning_log

            write_cleaning_log(run, opts["cleaning_log"])
        if run.status != ImportStatus.DONE:
            err = run.error or {}
            where = ", ".join(
                f"{k} {err[k]}"
                for k in ("file", "sheet", "row", "column", "value")
                if err.get(k) not in (None, "")
            )
            raise CommandError(f"{err.get('message', 'Import failed.')} ({where}) [{err.get('rule', '')}]")
        same = f" (file identical to import #{run.identical_to_id})" if run.identical_to_id else ""
        self.stdout.write(
            f"import #{run.pk}: {run.new} new, {run.updated} updated, {run.unchanged} unchanged{same}, "
            f"{run.rejected} rejected, {run.held} held as duplicates, {run.warnings} warnings"
        )
