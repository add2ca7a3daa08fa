"""`sitetrack returns-survey --operation SLUG --month YYYY-MM [--method] [--target] [--threshold] [--frame]`"""

from __future__ import annotations

import io

from django.core.management import call_command
from django.core.management.base import CommandError

from sitetrack.core.testing import BaseCase
from sitetrack.returns.models import Survey


class SurveyCommandTests(BaseCase):
    def call(self, *args) -> str:
        out = io.StringIO()
        call_command("returns-survey", "--operation", self.operation.slug, *args, stdout=out)
        return out.getvalue()

    def test_it_creates_then_changes_a_survey(self):
        self.assertIn("created", self.call("--month", "2014-03", "--method", "census"))
        self.assertIn("updated", self.call("--month", "2014-03", "--threshold", "10", "--target", "40"))
        survey = Survey.objects.get(operation=self.operation)
        self.assertEqual(
            (survey.key, survey.sampling_method, survey.small_cell_threshold, survey.target_per_site),
            ("2014-03", "census", 10, 40),
        )
        self.assertEqual(survey.history.count(), 2)

    def test_a_threshold_of_zero_is_refused(self):
        with self.assertRaises(CommandError):
            self.call("--month", "2014-03", "--threshold", "0")
        self.assertFalse(Survey.objects.exists())
