"""The demo step: February and March 2014 surveys with a few thousand interviews."""

from __future__ import annotations

import random

from sitetrack.core.testing import BaseCase
from sitetrack.demo.context import DemoContext
from sitetrack.returns.demo import PER_SITE, build
from sitetrack.returns.models import HouseholdAnswer, HouseholdResponse, Survey
from sitetrack.returns.report import returns_report


class DemoStepTests(BaseCase):
    def test_it_builds_two_monthly_surveys_whose_report_compares_them(self):
        ctx = DemoContext(rng=random.Random(1), operation=self.operation, log=lambda message: None)
        build(ctx)
        surveys = list(Survey.objects.filter(operation=self.operation).order_by("month"))
        self.assertEqual([s.key for s in surveys], ["2014-02", "2014-03"])
        self.assertEqual(HouseholdResponse.objects.filter(survey=surveys[1]).count(), 2 * PER_SITE)
        self.assertTrue(HouseholdAnswer.objects.exists())
        report = returns_report(surveys[1])
        self.assertIsNotNone(report.comparison)
        self.assertEqual(report.comparison.previous_month, "February 2014")
        build(ctx)  # a second run leaves it as it is
        self.assertEqual(Survey.objects.filter(operation=self.operation).count(), 2)
