"""sitetrack import FILE --operation SLUG --round KIND:NUMBER [--mapping NAME] [--create-sites] [--sheet NAME]
[--form site-assessment] [--user NAME] [--all-or-nothing] [--cleaning-log FILE] [--quiet]"""

from __future__ import annotations

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sitetrack.core.management.inputs import input_file
from sitetrack.intake.importer.new_sites import propose_sites_in_file
from sitetrack.intake.management.targets import import_target
from sitetrack.intake.models import ChangeType, CleaningLogEntry, ImportStatus
from sitetrack.intake.readers import IntakeFileError
from sitetrack.intake.run_errors import error_message
from sitetrack.intake.services import import_file

SHOWN_SITES = 30


class Command(BaseCommand):
    help = "Import a KoboToolbox/ODK/DTM export (XLSX, CSV, JSON, ODK zip) into a round."
    # An import needs the database, not the project's system checks (which import every
    # API module: seconds of start-up for each import of a file).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--operation", required=True)
        parser.add_argument("--round", default="", help="KIND:NUMBER (weekly:3), NUMBER, or #ID")
        # The returns app's surveys: a return intention export goes into a month's survey.
        parser.add_argument(
            "--survey", default="", help="ri:YYYY-MM, a return intention survey (instead of --round)"
        )
        parser.add_argument("--map", action="append", default=[], help="FIELD=COLUMN (with --survey)")
        parser.add_argument("--form", default="site-assessment")
        parser.add_argument("--mapping", default="", help="name of a saved field mapping")
        parser.add_argument("--sheet", default="", help="a workbook's main sheet, when it is not the first")
        parser.add_argument(
            "--create-sites",
            action="store_true",
            help="create the sites the export names that the registry lacks (listed first), then import",
        )
        parser.add_argument("--user", default="", help="username recorded as the importer")
        parser.add_argument(
            "--all-or-nothing", action="store_true", help="write nothing if any row is rejected"
        )
        parser.add_argument("--cleaning-log", default="", help="write the cleaning log XLSX here")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **opts):
        input_file(opts["file"])
        if opts.get("survey"):
            from sitetrack.returns.commands import handle_survey_import

            return handle_survey_import(self, opts)
        if not opts["round"]:
            raise CommandError(
                "Give --round KIND:NUMBER (or --survey ri:YYYY-MM for a return intention export)."
            )
        target = import_target(opts)
        operation, round, mapping, user = target.operation, target.round, target.mapping, target.user
        if opts["create_sites"]:
            self._create_sites(operation, mapping, user, opts)
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
            sheet=opts["sheet"],
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
            message = error_message(err) or "Import failed."
            raise CommandError(f"{message} ({where}) [{err.get('rule', '')}]")
        same = f" (file identical to import #{run.identical_to_id})" if run.identical_to_id else ""
        self.stdout.write(
            f"import #{run.pk}: {run.new} new, {run.updated} updated, {run.unchanged} unchanged{same}, "
            f"{run.rejected} rejected, {run.held} held as duplicates, {run.warnings} warnings"
        )
        self._findings(run)

    def _findings(self, run) -> None:
        """The file-level findings (values the mapping cannot place), and the sites the
        registry lacks when --create-sites was not given."""
        for entry in CleaningLogEntry.objects.filter(run=run, rule="unknown_choice_value").order_by("id"):
            self.stdout.write(f"  {entry.column or entry.field}: {entry.message}")
        unknown = CleaningLogEntry.objects.filter(
            run=run, change_type=ChangeType.REJECTED, rule="unknown_site"
        ).count()
        if unknown:
            self.stdout.write(
                f"  {unknown} submissions name a site the registry lacks: run again with --create-sites "
                "to list and create them from the export's location columns."
            )

    def _create_sites(self, operation, mapping, user, opts) -> None:
        # Imported here: the sites' services load the countries' outlines (memory every
        # import would pay).
        from sitetrack.intake.services.new_sites import sites_create_from_export

        try:
            proposals = propose_sites_in_file(
                operation=operation, path=opts["file"], mapping=mapping, sheet=opts["sheet"]
            )
        except IntakeFileError as exc:
            raise CommandError(str(exc)) from exc
        if not proposals:
            self.stdout.write("Every site the export names is in the registry.")
            return
        self.stdout.write(f"{len(proposals)} sites the export names are not in the registry:")
        for p in proposals[:SHOWN_SITES]:
            gps = f" GPS {p.latitude}, {p.longitude}" if p.latitude is not None else ""
            rows = ", ".join(str(r) for r in p.rows[:5]) + ("…" if len(p.rows) > 5 else "")
            state = f"CANNOT CREATE: {p.problem}" if p.problem else "create"
            notes = f" ({' '.join(p.notes)})" if p.notes else ""
            self.stdout.write(
                f"  {p.code or '(code generated)'} {p.name!r} {p.site_type} in {p.admin_area or '?'}{gps}"
                f" — rows {rows}: {state}{notes}"
            )
        if len(proposals) > SHOWN_SITES:
            self.stdout.write(f"  … and {len(proposals) - SHOWN_SITES} more")
        try:
            created = sites_create_from_export(operation=operation, user=user, proposals=proposals)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{len(created)} sites created.")
        for p in proposals:
            if p.point_refused:
                self.stdout.write(f"  {p.code or p.name}: created without its point ({p.point_refused})")
