"""`sitetrack import-activities FILE --operation SLUG [--sheet NAME] [--period YYYY-MM] [--dry-run]`

Imports a filled 3W template (all or nothing) or a published 3W / operational presence
file (unplaceable rows refused and listed, new organisations created for review)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sitetrack.core.management.inputs import input_file
from sitetrack.core.operations import operation_for_command
from sitetrack.response.threew.importer import PUBLISHED, import_activities

SHOWN_PROBLEMS = 200


class Command(BaseCommand):
    help = "Import a 3W/4W file (our template, or a published 3W with an HXL row)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--operation", required=True, help="Operation slug.")
        parser.add_argument(
            "--sheet", default=None, help="The sheet to read (default: the one whose header fits)."
        )
        parser.add_argument("--period", default=None, help="Month of the reached figures, YYYY-MM.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")

    def handle(self, *args, **options) -> None:
        operation = operation_for_command(options["operation"])
        path = input_file(options["file"])
        report = import_activities(
            path,
            operation=operation,
            sheet=options["sheet"],
            period=options["period"],
            dry_run=options["dry_run"],
        )
        out = self.stdout
        for line in report.lines:
            out.write(line)
        kind = "published 3W" if report.kind == PUBLISHED else "3W template"
        out.write(
            f"{report.file}: {kind}, sheet “{report.sheet}”, {report.rows:,} rows read in {report.seconds:.1f} s."
        )
        verb = "would be" if report.dry_run else ""
        out.write(
            f"Activities {verb} created: {report.created:,}, updated: {report.updated:,}, unchanged: {report.unchanged:,}; "
            f"monthly figures {verb} written: {report.months:,}."
        )
        if report.repeated:
            out.write(
                f"Rows repeating an earlier row's activity (the later values kept): {report.repeated:,}"
            )
            for warning in report.warnings[:20]:
                out.write(f"  {warning} [{warning.rule}]")
        if report.organisations_matched:
            out.write(f"Organisations matched: {len(report.organisations_matched)}")
            for org, names in sorted(report.organisations_matched.items()):
                out.write(f"  {org} ← " + "; ".join(f"“{n}”" for n in names))
        if report.organisations_created:
            label = "would be created" if report.dry_run else "created, to review"
            out.write(f"Organisations {label}: {len(report.organisations_created)}")
            for org in report.organisations_created:
                out.write(
                    f"  {org['name']} ({org['acronym'] or '-'}, {org['kind'] or 'type unknown'}): {org['rows']} rows"
                )
        if report.problems or report.kind == PUBLISHED:
            out.write(f"Rows refused: {len(report.refused_rows):,}; problems: {len(report.problems):,}")
            for problem in report.problems[:SHOWN_PROBLEMS]:
                out.write(f"  {problem} [{problem.rule}]")
            if len(report.problems) > SHOWN_PROBLEMS:
                out.write(f"  … and {len(report.problems) - SHOWN_PROBLEMS:,} more.")
        if report.kind != PUBLISHED and report.problems:
            raise CommandError("Nothing was imported: fix the problems above and import the file again.")
        if not report.kind and report.problems:
            raise CommandError("The file could not be read.")
        if report.dry_run:
            out.write("Dry run: nothing was written.")
