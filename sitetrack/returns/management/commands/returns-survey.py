"""sitetrack returns-survey --operation SLUG --month YYYY-MM [--method stratified] [--target N]
[--threshold 5] [--frame TEXT]: create a month's return intention survey, or change its design."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sitetrack.core.operations import operation_for_command
from sitetrack.returns.choices import SamplingMethod
from sitetrack.returns.commands import parse_month
from sitetrack.returns.models import Survey
from sitetrack.returns.services import survey_create, survey_update


class Command(BaseCommand):
    help = "Create a month's return intention survey, or change its sampling design and threshold."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--operation", required=True)
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--method", choices=SamplingMethod.values, help="sampling method")
        parser.add_argument("--target", type=int, help="target sample per site (households)")
        parser.add_argument("--threshold", type=int, help="smallest cell published (default 5)")
        parser.add_argument("--frame", help="the sampling frame (what the households were drawn from)")

    def handle(self, *args, **opts) -> None:
        operation = operation_for_command(opts["operation"])
        month = parse_month(opts["month"])
        changes = {
            key: opts[option]
            for key, option in (
                ("sampling_method", "method"),
                ("target_per_site", "target"),
                ("small_cell_threshold", "threshold"),
                ("sampling_frame", "frame"),
            )
            if opts[option] is not None
        }
        try:
            survey = Survey.objects.filter(operation=operation, month=month).first()
            if survey is None:
                survey = survey_create(operation=operation, month=month, **changes)
                verb = "created"
            else:
                survey = survey_update(survey=survey, **changes)
                verb = "updated"
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Survey {survey.key} {verb}: {survey.get_sampling_method_display()}, "
            f"target {survey.target_per_site or '—'} per site, cells under {survey.small_cell_threshold} suppressed."
        )
