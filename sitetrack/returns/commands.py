"""Console entry points of the returns app, called by other apps' commands:

- `sitetrack report returns --month YYYY-MM [--operation SLUG] --format pdf,xlsx,hxl --out DIR [--lang fr]`
  (the reports app's `report` command hands the `returns` product to these functions);
- `sitetrack import FILE --operation SLUG --survey ri:YYYY-MM` (intake's `import` command
  hands a `--survey` import here).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import CommandError

FORMATS = ("pdf", "xlsx", "hxl", "html")


def parse_month(text: str) -> dt.date:
    value = text.strip()
    if value.lower().startswith("ri:"):
        value = value[3:]
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"{text!r} is not a month: write YYYY-MM (e.g. 2014-03), or ri:YYYY-MM.") from None


def add_returns_parser(products) -> None:
    parser = products.add_parser("returns", help="The Monthly Return Intention report of a month.")
    parser.add_argument("--month", required=True, help="Month of the survey, YYYY-MM.")
    parser.add_argument("--operation", help="Operation slug (needed when there are several).")
    parser.add_argument(
        "--format", default="pdf,xlsx,hxl", help=f"Comma-separated formats: {', '.join(FORMATS)}."
    )
    parser.add_argument("--out", default=".", help="Folder to write the files into (created if needed).")
    parser.add_argument("--lang", default="en", choices=["en", "fr"], help="Language of the report.")


def handle_returns(command, options) -> None:
    from sitetrack.returns.models import Survey
    from sitetrack.returns.renderers import render_file
    from sitetrack.returns.report import returns_report

    formats = [f.strip().lower() for f in options["format"].split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise CommandError(
            f"Unknown format {', '.join(unknown) or '(none)'}: use one or more of {', '.join(FORMATS)}."
        )
    operation = command._operation(options["operation"])
    month = parse_month(options["month"])
    survey = Survey.objects.filter(operation=operation, month=month).first()
    if survey is None:
        known = ", ".join(
            f"{m:%Y-%m}" for m in Survey.objects.filter(operation=operation).values_list("month", flat=True)
        )
        raise CommandError(
            f"No return intention survey for {month:%Y-%m} in operation {operation.slug}. Surveys: {known or 'none'}."
        )
    out = Path(options["out"])
    out.mkdir(parents=True, exist_ok=True)
    report = returns_report(survey, language=options["lang"])
    for fmt in formats:
        name, content = render_file(report, fmt)
        path = out / name
        path.write_bytes(content)
        command.stdout.write(f"{fmt}: {path} ({len(content):,} bytes)")


def handle_survey_import(command, options) -> None:
    """`sitetrack import FILE --operation SLUG --survey ri:YYYY-MM`: the survey of that
    month is created (stratified sample, cells under 5 suppressed) when it does not exist."""
    from django.db import transaction

    from sitetrack.core.operations import operation_for_command
    from sitetrack.core.tabular import parse_assignments
    from sitetrack.returns.importer import ImportRefused, households_import
    from sitetrack.returns.services import survey_get_or_create

    operation = operation_for_command(options["operation"])
    month = parse_month(options["survey"])
    try:
        mapping = parse_assignments(options.get("map") or [])
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    try:
        # One transaction: a refused file leaves no survey behind either.
        with transaction.atomic():
            survey, created = survey_get_or_create(operation=operation, month=month)
            result = households_import(
                survey=survey, path=options["file"], sheet=options.get("sheet") or None, mapping=mapping
            )
    except ImportRefused as exc:
        lines = [str(p) for p in exc.problems[:50]]
        more = f"\n… and {len(exc.problems) - 50} more" if len(exc.problems) > 50 else ""
        raise CommandError(
            f"Nothing imported: {len(exc.problems)} problems.\n"
            + "\n".join(f"  {line} [{p.rule}]" for line, p in zip(lines, exc.problems, strict=False))
            + more
        ) from exc
    if created:
        command.stdout.write(f"Survey {survey.key} created ({survey.get_sampling_method_display()}).")
    c = result.counts
    command.stdout.write(
        f"survey {survey.key}: {c.new} new, {c.updated} updated, {c.unchanged} unchanged households ({result.rows} rows)"
    )
