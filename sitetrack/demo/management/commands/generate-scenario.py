from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sitetrack.demo.scenario import SIZES, generate_scenario, write_kobo_export


class Command(BaseCommand):
    help = (
        "Generate a synthetic operation for benchmarks on the CAR P-codes: small (200 sites x 12 "
        "weekly rounds) or national (5,000 sites x 52 rounds = 260,000 validated assessments)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", choices=list(SIZES), default="small")
        parser.add_argument("--operation-slug", help="Slug of the new operation (default bench-<size>).")
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply the number of sites by K.")
        parser.add_argument("--sites", type=int, help="Number of sites (overrides --size and --scale).")
        parser.add_argument("--rounds", type=int, help="Number of weekly rounds (overrides --size).")
        parser.add_argument("--seed", type=int, default=6)
        parser.add_argument(
            "--kobo-export",
            type=Path,
            help="Also write a KoboToolbox XLSX export of new submissions for these sites to this file.",
        )
        parser.add_argument("--submissions", type=int, default=None, help="Rows in the Kobo export.")

    def handle(self, *args, **options) -> None:
        try:
            scenario = generate_scenario(
                size=options["size"],
                scale=options["scale"],
                sites=options["sites"],
                rounds=options["rounds"],
                operation_slug=options["operation_slug"],
                seed=options["seed"],
                log=lambda message: self.stdout.write(f"  {message}"),
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Operation {scenario.operation.slug}: {scenario.sites} sites, {scenario.rounds} rounds, "
                f"{scenario.assessments} validated assessments on {scenario.admin3_areas} admin3 areas "
                f"in {scenario.seconds:.1f}s"
            )
        )
        self.stdout.write(f"IMO login {scenario.imo.username}, API token {scenario.token}")
        if options["kobo_export"]:
            submissions = options["submissions"] or scenario.sites
            path = write_kobo_export(
                options["kobo_export"],
                operation=scenario.operation,
                submissions=submissions,
                seed=options["seed"],
            )
            self.stdout.write(f"KoboToolbox export: {path} ({submissions} submissions)")
