"""`sitetrack operation create --name NAME --country ISO3 [--slug SLUG] [--languages en,fr,...]`
and `sitetrack operation list`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sitetrack.core.models import Operation
from sitetrack.core.operations import operation_create


class Command(BaseCommand):
    help = (
        "Set up operations: `operation create` (after importing the country's admin areas), `operation list`."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser(
            "create", help="Create an operation in a country whose admin areas are imported."
        )
        create.add_argument("--name", required=True, help="e.g. “Mozambique — Cabo Delgado 2024”.")
        create.add_argument("--country", required=True, help="ISO3 (MOZ), ISO2 or the admin-0 P-code (MZ).")
        create.add_argument(
            "--slug", default="", help="Short name for commands and URLs (default: from the name)."
        )
        create.add_argument(
            "--languages",
            default="",
            help="Languages names are kept in, comma-separated ISO 639-1 codes (en and fr are always kept), "
            "e.g. en,fr,pt.",
        )
        sub.add_parser("list", help="List the operations.")

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            for op in Operation.objects.select_related("country"):
                languages = ",".join(op.language_codes)
                self.stdout.write(f"{op.slug}\t{op.name}\t{op.country.pcode}\t{languages}")
            return
        try:
            operation = operation_create(
                user=None,
                name=options["name"],
                country=options["country"],
                slug=options["slug"],
                languages=options["languages"],
            )
        except ValidationError as exc:
            lines = [
                f"{field}: {message}" for field, messages in exc.message_dict.items() for message in messages
            ]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(
            f"Created operation {operation.slug} ({operation.name}) in {operation.country.name_en} "
            f"({operation.country.pcode}); languages {', '.join(operation.language_codes)}.\n"
            f"Next: give people a role (Django admin → Memberships), create a round "
            f"(sitetrack round create ... or the Rounds page), then import the sites: "
            f"sitetrack import-sites FILE --operation {operation.slug}."
        )
