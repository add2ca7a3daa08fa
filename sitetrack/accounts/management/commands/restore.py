from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

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
            answer = input(
                _("This replaces everything in %(name)s with %(path)s. Type 'yes' to go on: ")
                % {"name": name, "path": path}
            )
            if answer.strip().lower() != "yes":
                raise CommandError(_("Restore cancelled; nothing changed."))
        try:
            restore(path, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(_("Restored %(name)s from %(path)s.") % {"name": name, "path": path})
        )
