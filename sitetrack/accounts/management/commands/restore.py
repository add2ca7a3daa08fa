from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from sitetrack.accounts.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `sitetrack backup`. Stop the web and "
        "task processes first: everything written since the backup is lost."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--database", default="default")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, file: str, database: str = "default", interactive: bool = True, **options):
        path = Path(file)
        name = connections[database].settings_dict["NAME"]
        if interactive:
            answer = input(f"This replaces everything in {name} with {path}. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            restore(path, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {name} from {path}."))
