from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from sitetrack.core.management.inputs import input_file
from sitetrack.core.operations import operation_for_command
from sitetrack.core.tabular import parse_assignments
from sitetrack.sites.services import sites_import


class Command(BaseCommand):
    help = (
        "Import a site master list (CSV or workbook) into an operation. The sheet whose header "
        "fits is read (or --sheet), the header may sit below title rows, columns are recognised "
        "by name, synonym or HXL tag (or --map). Households and individuals land in a baseline "
        "round. All or nothing: any row error writes nothing and every error is listed. "
        "Re-importing the same file changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--operation", required=True, help="Operation slug, e.g. car-bangui-2014.")
        parser.add_argument(
            "--sheet", default=None, help="The sheet to read (default: the one whose header fits)."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="Use COLUMN for FIELD (code, name, site_type, admin_area, latitude, longitude, gps, "
            "management_agency, capacity, area_m2, households, individuals, name_<language> ...). "
            "Repeat for several fields.",
        )
        parser.add_argument(
            "--default",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help="Use VALUE where FIELD is empty or has no column, e.g. --default site_type=spontaneous_site.",
        )
        parser.add_argument(
            "--user", default="", help="Username recorded as the importer (checks their role)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args, file: str, operation: str, map: list[str], dry_run: bool, **options) -> None:
        op = operation_for_command(operation)
        input_file(file)
        try:
            mapping = parse_assignments(map, what="FIELD=COLUMN")
            defaults = parse_assignments(options["default"], what="FIELD=VALUE")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        report = sites_import(
            operation=op,
            user=user,
            path=file,
            mapping=mapping,
            defaults=defaults,
            sheet=options["sheet"],
            dry_run=dry_run,
        )
        self.stdout.write(report.as_text())
        if not report.ok:
            count = len(report.errors)
            raise CommandError(
                ngettext("%(n)s error: nothing was imported.", "%(n)s errors: nothing was imported.", count)
                % {"n": count}
            )
