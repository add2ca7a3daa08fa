from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sitetrack.core.models import Operation
from sitetrack.sites.services import sites_import


class Command(BaseCommand):
    help = (
        "Import a site master list (CSV or XLSX) into an operation. All or nothing: any row error "
        "writes nothing and every error is listed. Re-importing the same file changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--operation", required=True, help="Operation slug, e.g. car-bangui-2014.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="Use COLUMN for FIELD (code, name, site_type, admin_area, latitude, longitude, gps, "
            "management_agency, capacity, area_m2, ...). Repeat for several fields.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args, file: str, operation: str, map: list[str], dry_run: bool, **options) -> None:
        op = Operation.objects.filter(slug=operation).first()
        if op is None:
            known = ", ".join(Operation.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No operation {operation!r} (known: {known}).")
        mapping = {}
        for item in map:
            field, sep, column = item.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise CommandError(f"--map {item!r}: write it as field=Column.")
            mapping[field.strip()] = column.strip()
        report = sites_import(operation=op, user=None, path=file, mapping=mapping, dry_run=dry_run)
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s): nothing was imported.")
