"""`sitetrack round create --operation SLUG --kind weekly --start YYYY-MM-DD --end YYYY-MM-DD --user NAME`
and `sitetrack round list --operation SLUG`: the rounds of an operation, from the command line."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from sitetrack.assessments.models import Round, RoundKind
from sitetrack.assessments.services import round_create
from sitetrack.core.operations import operation_for_command


class Command(BaseCommand):
    help = "Create or list the assessment rounds of an operation."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Open a new round (numbered after the last one of its kind).")
        create.add_argument("--operation", required=True)
        create.add_argument("--kind", required=True, choices=RoundKind.values)
        create.add_argument("--start", required=True, help="First day of the period, YYYY-MM-DD.")
        create.add_argument("--end", required=True, help="Last day of the period, YYYY-MM-DD.")
        create.add_argument("--number", type=int, default=None, help="Default: the next number of this kind.")
        create.add_argument(
            "--user", required=True, help="Username of an administrator or IMO of the operation (recorded)."
        )
        listing = sub.add_parser("list", help="List the rounds.")
        listing.add_argument("--operation", required=True)

    def handle(self, *args, action: str, **options) -> None:
        operation = operation_for_command(options["operation"])
        if action == "list":
            for r in Round.objects.filter(operation=operation):
                self.stdout.write(f"{r.kind}:{r.number}\t{r.period_start}\t{r.period_end}\t{r.status}")
            return
        start, end = parse_date(options["start"]), parse_date(options["end"])
        if start is None or end is None:
            raise CommandError("Give --start and --end as YYYY-MM-DD.")
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        try:
            created = round_create(
                operation=operation,
                user=user,
                kind=options["kind"],
                period_start=start,
                period_end=end,
                number=options["number"],
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(m for ms in exc.message_dict.values() for m in ms)) from exc
        self.stdout.write(f"Created round {created.kind}:{created.number} ({created}) in {operation.slug}.")
