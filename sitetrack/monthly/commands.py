"""`sitetrack report monthly --month 2014-02 [--operation SLUG] --out DIR [--lang fr]`: the
Monthly DTM report's PDF. The `report` command (reports app) hands the `monthly` product
to these two functions."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError


def add_monthly_parser(products) -> None:
    monthly = products.add_parser("monthly", help="The Monthly DTM report (PDF) of a month.")
    monthly.add_argument("--month", required=True, help="The month, as YYYY-MM (e.g. 2014-02).")
    monthly.add_argument("--operation", help="Operation slug (needed when there are several).")
    monthly.add_argument("--out", default=".", help="Folder to write the file into (created if needed).")
    monthly.add_argument("--lang", default="en", choices=["en", "fr"], help="Language of the report.")


def handle_monthly(command, options) -> None:
    from sitetrack.monthly.renderers import file_name, render_pdf
    from sitetrack.monthly.selectors import MonthWithoutData, monthly_report, parse_month

    operation = command._operation(options["operation"])
    try:
        month = parse_month(options["month"])
        report = monthly_report(operation, month, language=options["lang"])
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    except MonthWithoutData as exc:
        raise CommandError(f"{exc} (operation {operation.slug})") from exc
    out = Path(options["out"])
    out.mkdir(parents=True, exist_ok=True)
    content = render_pdf(report)
    path = out / file_name(report)
    path.write_bytes(content)
    command.stdout.write(
        f"pdf: {path} ({len(content):,} bytes; round {report.round.number}, "
        f"{report.key.sites_assessed} of {report.key.open_sites} open sites assessed)"
    )
