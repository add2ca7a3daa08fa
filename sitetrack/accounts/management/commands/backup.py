from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from sitetrack.accounts.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to a file while the server runs (SQLite: online backup API; "
        "PostgreSQL: pg_dump custom format). Restore it with `sitetrack restore FILE`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", help="Where to write it (default: sitetrack-<time>.backup).")
        parser.add_argument("--database", default="default")
        parser.add_argument("--overwrite", action="store_true", help="Replace an existing file.")

    def handle(
        self, *args, file: str | None = None, database: str = "default", overwrite: bool = False, **options
    ):
        path = Path(file or f"sitetrack-{timezone.now():%Y%m%d-%H%M%S}.backup")
        if path.exists() and not overwrite:
            raise CommandError(_("%(path)s exists; give another name or --overwrite.") % {"path": path})
        try:
            written = backup(path, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written: %(file)s (%(size)s bytes)")
                % {"file": written, "size": f"{written.stat().st_size:,}"}
            )
        )
