"""`sitetrack report site-profiles --round N [--operation SLUG] --out DIR [--lang fr]`: the
Monthly Site Profiles of a monthly round as one ZIP (a PDF per site, the merged PDF, a
manifest). The `report` command (reports app) hands the `site-profiles` product here."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError


def add_profiles_parser(products) -> None:
    parser = products.add_parser(
        "site-profiles", help="The Monthly Site Profiles of a monthly round (ZIP: one PDF per site + merged)."
    )
    parser.add_argument("--round", type=int, required=True, help="Number of the monthly round.")
    parser.add_argument("--operation", help="Operation slug (needed when there are several).")
    parser.add_argument("--out", default=".", help="Folder to write the ZIP into (created if needed).")
    parser.add_argument("--lang", default="en", choices=["en", "fr"], help="Language of the profiles.")
    parser.add_argument(
        "--workers", type=int, default=None, help="Rendering processes (default: every core)."
    )


def handle_profiles(command, options) -> None:
    from sitetrack.assessments.models import RoundKind
    from sitetrack.profiles.batch import render_batch
    from sitetrack.profiles.selectors import round_site_profiles
    from sitetrack.profiles.services import zip_filename

    operation = command._operation(options["operation"])
    number = options["round"]
    round = command._round(operation, RoundKind.MONTHLY, number)
    if options.get("workers") is not None and options["workers"] < 1:
        raise CommandError(f"--workers must be 1 or more, not {options['workers']}.")
    profiles = round_site_profiles(round, language=options["lang"])
    if not profiles:
        raise CommandError(
            f"Monthly round {number} of {operation.slug} has no validated assessment: no profile to write."
        )
    out = Path(options["out"])
    out.mkdir(parents=True, exist_ok=True)
    path = out / zip_filename(round, options["lang"])
    result = render_batch(profiles, path, workers=options.get("workers"))
    command.stdout.write(
        f"zip: {path} ({path.stat().st_size:,} bytes; {len(result.rendered)} profiles, "
        f"{len(result.failed)} failed, merged {result.merged_name}; {result.workers} processes)"
    )
    for failed in result.failed:
        command.stderr.write(f"failed: {failed.code}: {failed.error}")
