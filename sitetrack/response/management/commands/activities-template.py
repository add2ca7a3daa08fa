"""`sitetrack activities-template --operation SLUG [--lang fr] > 3w.xlsx`"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sitetrack.core.operations import operation_for_command
from sitetrack.response.threew.template import activities_template


class Command(BaseCommand):
    help = "Write the 3W/4W activity template of an operation (XLSX, with codes and dropdowns)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--operation", required=True, help="Operation slug.")
        parser.add_argument("--lang", default="en", choices=["en", "fr"], help="Language of the template.")
        parser.add_argument("--out", default="", help="Write to this file instead of the standard output.")

    def handle(self, *args, **options) -> None:
        operation = operation_for_command(options["operation"])
        content = activities_template(operation=operation, language=options["lang"])
        if options["out"]:
            Path(options["out"]).write_bytes(content)
            self.stderr.write(f"{options['out']} ({len(content):,} bytes)")
            return
        if sys.stdout.isatty():
            raise CommandError(
                "The template is a binary XLSX file: redirect it (> 3w.xlsx) or give --out FILE."
            )
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
