"""sitetrack kobo-pull --server URL --asset UID --operation SLUG --round KIND:NUMBER"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sitetrack.intake.kobo import PAGE_SIZE, KoboError, kobo_pull
from sitetrack.intake.management.targets import import_target


class Command(BaseCommand):
    help = (
        "Import the submissions of a KoboToolbox project newer than the last pull (API v2, token "
        "from KOBO_API_TOKEN). Resumes where a stopped pull left off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--server", default="", help="e.g. https://kf.kobotoolbox.org (default KOBO_SERVER)"
        )
        parser.add_argument("--asset", required=True, help="the project's asset UID")
        parser.add_argument("--operation", required=True)
        parser.add_argument("--round", required=True, help="KIND:NUMBER (weekly:3), NUMBER, or #ID")
        parser.add_argument("--mapping", default="", help="name of a saved field mapping")
        parser.add_argument("--user", default="", help="username recorded as the importer")
        parser.add_argument("--page-size", type=int, default=PAGE_SIZE)
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args, **opts):
        target = import_target(opts)
        operation, round, mapping, user = target.operation, target.round, target.mapping, target.user
        if not getattr(settings, "KOBO_API_TOKEN", ""):
            self.stderr.write("KOBO_API_TOKEN is not set: only public projects can be read.")

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"pulled {done}/{total}")

        try:
            result = kobo_pull(
                operation=operation,
                round=round,
                user=user,
                server=opts["server"],
                asset_uid=opts["asset"],
                mapping=mapping,
                page_size=opts["page_size"],
                timeout=opts["timeout"],
                progress=progress,
            )
        except KoboError as exc:
            raise CommandError(f"{exc.message} [{exc.rule}]") from exc
        totals = result.totals()
        self.stdout.write(
            f"{result.submissions} submissions in {result.pages} pages: {totals['new']} new, "
            f"{totals['updated']} updated, {totals['unchanged']} unchanged, {totals['rejected']} rejected, "
            f"{totals['held']} held as duplicates; newest {result.last_submission_time or '-'}"
        )
