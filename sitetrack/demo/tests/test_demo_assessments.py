"""The demo assessments step: rounds, plausible dynamics, stored findings equal to what
validate() says, every state on the last board, safe to run twice."""

from __future__ import annotations

import random

from sitetrack.assessments.models import AssessmentStatus, Round, RoundKind, SiteAssessment
from sitetrack.assessments.selectors import assessment_values, previous_values, round_board, round_population
from sitetrack.assessments.validation import summarise, validate, validation_rules_for
from sitetrack.core.catalogue import catalogue_for
from sitetrack.core.testing import BaseCase
from sitetrack.demo.builders import assessments as step
from sitetrack.demo.context import DemoContext
from sitetrack.sites.models import Site, SiteType


class DemoAssessmentsTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.sites = [cls.mpoko, cls.boy_rabe]
        for n in range(2, 31):
            area = cls.arr1_3 if n % 2 else cls.arr3_3
            cls.sites.append(
                Site.objects.create(
                    operation=cls.operation,
                    code=f"{area.pcode}-S{n:03d}",
                    name=f"Site {n}",
                    site_type=SiteType.COLLECTIVE_CENTRE,
                    admin_area=area,
                    area_m2=20000 + 1000 * n,
                )
            )

    def build(self) -> DemoContext:
        ctx = DemoContext(rng=random.Random(2014), log=lambda msg: None)
        ctx.operation = self.operation
        ctx.sites = list(Site.objects.filter(operation=self.operation))
        ctx.users = {"imo": self.imani, "facilitator": self.fatou}
        step.build(ctx)
        return ctx

    def test_it_builds_twelve_weekly_and_three_monthly_rounds(self):
        self.build()
        self.assertEqual(Round.objects.filter(kind=RoundKind.WEEKLY).count(), 12)
        self.assertEqual(Round.objects.filter(kind=RoundKind.MONTHLY).count(), 3)
        weekly = Round.objects.filter(kind=RoundKind.WEEKLY).order_by("number")
        self.assertEqual(
            (str(weekly[0].period_start), str(weekly[11].period_end)), ("2014-01-06", "2014-03-30")
        )
        # Every site in every round but the last weekly one, which is still being filled.
        self.assertEqual(SiteAssessment.objects.exclude(round=weekly[11]).count(), 14 * len(self.sites))

    def test_mpoko_peaks_around_one_hundred_thousand_in_january_then_people_leave(self):
        self.build()
        figures = list(
            SiteAssessment.objects.filter(site=self.mpoko, round__kind=RoundKind.WEEKLY)
            .order_by("round__number")
            .values_list("individuals", flat=True)
        )
        peak = max(figures[:11])
        self.assertTrue(90_000 <= peak <= 110_000, peak)
        self.assertEqual(figures.index(peak) + 1 in (2, 3, 4), True)
        self.assertLess(figures[10], peak * 0.7)

    def test_needs_shift_from_shelter_and_food_to_wash_and_health(self):
        self.build()
        first = SiteAssessment.objects.filter(round__kind=RoundKind.WEEKLY, round__number=1)
        late = SiteAssessment.objects.filter(round__kind=RoundKind.WEEKLY, round__number=11)
        early_first = set(first.values_list("priority_1", flat=True))
        late_first = list(late.values_list("priority_1", flat=True))
        self.assertTrue(
            early_first <= {"shelter_nfi", "food_security", "security", "protection"}, early_first
        )
        self.assertGreater(sum(p in ("wash", "health") for p in late_first), len(late_first) / 2)

    def test_stored_findings_are_what_validate_says(self):
        self.build()
        catalogue, rules = catalogue_for(self.operation), validation_rules_for(self.operation)
        for assessment in SiteAssessment.objects.select_related("site", "round").order_by("?")[:40]:
            values = assessment_values(assessment)
            values["flows"] = [
                {"direction": f.direction, "individuals": f.individuals} for f in assessment.flows.all()
            ]
            findings = validate(
                values,
                previous=previous_values(assessment.site, assessment.round),
                catalogue=catalogue,
                rules=rules,
            )
            self.assertEqual(summarise(findings)[0], assessment.issues, assessment)
        self.assertFalse(SiteAssessment.objects.validated().filter(error_count__gt=0).exists())

    def test_the_last_weekly_board_shows_every_state(self):
        self.build()
        last = Round.objects.get(kind=RoundKind.WEEKLY, number=12)
        counts = round_board(last, self.imani)["counts"]
        for state in ("missing", "draft", "submitted", "returned", "validated"):
            self.assertGreater(counts[state], 0, state)
        self.assertTrue(
            all(a.return_reason for a in SiteAssessment.objects.filter(status=AssessmentStatus.RETURNED))
        )
        earlier = Round.objects.get(kind=RoundKind.WEEKLY, number=3)
        self.assertEqual(round_board(earlier, self.imani)["counts"]["locked"], len(self.sites))
        self.assertGreater(round_population(earlier, by="admin1")[0]["individuals"], 100_000)

    def test_it_is_safe_to_run_twice(self):
        self.build()
        first = list(
            SiteAssessment.objects.order_by("round_id", "site_id").values_list("individuals", "status")
        )
        self.build()
        self.assertEqual(
            list(SiteAssessment.objects.order_by("round_id", "site_id").values_list("individuals", "status")),
            first,
        )
