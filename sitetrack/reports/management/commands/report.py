"""`sitetrack report weekly --round N [--operation SLUG] --format pdf,xlsx,hxl,html --out DIR [--lang fr]`"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sitetrack.assessments.models import Round, RoundKind
from sitetrack.core.models import Operation
from sitetrack.core.operations import operation_for_command
from sitetrack.core.sectors import Sector
from sitetrack.reports.files import FORMATS, render_file
from sitetrack.reports.selectors import weekly_report


class Command(BaseCommand):
    help = "Write a report's files (the Weekly Site Needs Report of a round)."

    def add_arguments(self, parser) -> None:
        products = parser.add_subparsers(dest="product", required=True, metavar="PRODUCT")
        weekly = products.add_parser("weekly", help="The Weekly Site Needs Report of a weekly round.")
        weekly.add_argument("--round", type=int, required=True, help="Number of the weekly round.")
        weekly.add_argument("--operation", help="Operation slug (needed when there are several).")
        weekly.add_argument(
            "--format", default="pdf,xlsx,hxl", help=f"Comma-separated formats: {', '.join(FORMATS)}."
        )
        weekly.add_argument("--out", default=".", help="Folder to write the files into (created if needed).")
        weekly.add_argument("--lang", default="en", choices=["en", "fr"], help="Language of the report.")
        weekly.add_argument("--sector", default="", help="Only this sector's gap list (pdf, xlsx, html).")
        # Products of other apps (response: `report gaps`, the gap matrix).
        from sitetrack.response.commands import add_gaps_parser

        add_gaps_parser(products)
        from sitetrack.profiles.commands import add_profiles_parser

        add_profiles_parser(products)
        # The monthly app: `report monthly`, the Monthly DTM report.
        from sitetrack.monthly.commands import add_monthly_parser

        add_monthly_parser(products)
        # The returns app: `report returns`, the Monthly Return Intention report.
        from sitetrack.returns.commands import add_returns_parser

        add_returns_parser(products)

    def handle(self, *args, **options) -> None:
        if options["product"] == "gaps":
            from sitetrack.response.commands import handle_gaps

            return handle_gaps(self, options)
        if options["product"] == "site-profiles":
            from sitetrack.profiles.commands import handle_profiles

            return handle_profiles(self, options)
        if options["product"] == "monthly":
            from sitetrack.monthly.commands import handle_monthly

            return handle_monthly(self, options)
        if options["product"] == "returns":
            from sitetrack.returns.commands import handle_returns

            return handle_returns(self, options)
        formats = [f.strip().lower() for f in options["format"].split(",") if f.strip()]
        unknown = [f for f in formats if f not in FORMATS]
        if unknown or not formats:
            raise CommandError(
                f"Unknown format {', '.join(unknown) or '(none)'}: use one or more of {', '.join(FORMATS)}."
            )
        sector = options["sector"]
        if sector and sector not in Sector.values:
            raise CommandError(f"Unknown sector {sector!r}: use one of {', '.join(Sector.values)}.")
        operation = self._operation(options["operation"])
        number = options["round"]
        round = self._round(operation, RoundKind.WEEKLY, number)
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        report = weekly_report(round, language=options["lang"])
        for fmt in formats:
            file = render_file(report, fmt, sector=sector)
            path = out / file.name
            path.write_bytes(file.content)
            self.stdout.write(f"{fmt}: {path} ({len(file.content):,} bytes)")

    def _round(self, operation: Operation, kind: str, number: int) -> Round:
        """The operation's round of this kind and number, or an error listing its rounds
        (used by every product's hook: weekly, gaps, site profiles)."""
        rounds = Round.objects.filter(operation=operation, kind=kind)
        round = rounds.filter(number=number).first()
        if round is None:
            known = ", ".join(map(str, rounds.order_by("number").values_list("number", flat=True)))
            raise CommandError(
                f"No {kind} round {number} in operation {operation.slug}. "
                f"{kind.capitalize()} rounds: {known or 'none'}."
            )
        return round

    def _operation(self, slug: str | None) -> Operation:
        if slug:
            return operation_for_command(slug)
        operations = list(Operation.objects.all()[:2])
        if not operations:
            raise CommandError("There is no operation yet.")
        if len(operations) > 1:
            known = ", ".join(Operation.objects.values_list("slug", flat=True))
            raise CommandError(f"Several operations: give --operation (one of {known}).")
        return operations[0]
