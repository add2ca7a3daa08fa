"""Facility counts and their hook into the assessments' derived indicators."""

from __future__ import annotations

from datetime import date

from sitetrack.assessments.models import AssessmentStatus, Round, RoundKind, SiteAssessment
from sitetrack.assessments.selectors import annotate_derived
from sitetrack.core.testing import BaseCase
from sitetrack.response.infrastructure import functional_facilities, site_facility_summary, work_order_stats
from sitetrack.response.models import Facility, WorkOrder


class ValidatedAssessmentCase(BaseCase):
    """A validated assessment of M'Poko in the round of 3-9 February 2014."""

    indicators: dict = {}

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = Round.objects.create(
            operation=cls.operation,
            kind=RoundKind.WEEKLY,
            number=1,
            period_start=date(2014, 2, 3),
            period_end=date(2014, 2, 9),
        )
        cls.assessment = SiteAssessment.objects.create(
            round=cls.round,
            site=cls.mpoko,
            status=AssessmentStatus.VALIDATED,
            was_validated=True,
            individuals=1000,
            households=200,
            indicators=dict(cls.indicators),
        )


class FunctionalLatrinesHookTests(ValidatedAssessmentCase):
    indicators = {"latrines_functional": 10}

    def people_per_latrine(self) -> float | None:
        return annotate_derived(SiteAssessment.objects.filter(pk=self.assessment.pk)).get().people_per_latrine

    def add_latrines(self, checked_on: date) -> None:
        Facility.objects.create(site=self.mpoko, kind="latrine", quantity=12, checked_on=checked_on)
        Facility.objects.create(site=self.mpoko, kind="latrine", quantity=8, checked_on=checked_on)
        Facility.objects.create(
            site=self.mpoko,
            kind="latrine",
            quantity=5,
            usable=False,
            condition="broken",
            checked_on=checked_on,
        )

    def test_without_an_inventory_the_assessment_figure_is_used(self):
        self.assertEqual(self.people_per_latrine(), 100)

    def test_a_more_recent_inventory_gives_the_functional_count(self):
        self.add_latrines(date(2014, 2, 20))
        self.assertEqual(self.people_per_latrine(), 50)  # 1,000 people / 20 usable latrines

    def test_an_older_inventory_does_not_override_the_assessment(self):
        self.add_latrines(date(2014, 1, 20))
        self.assertEqual(self.people_per_latrine(), 100)

    def test_other_sites_inventories_do_not_count(self):
        Facility.objects.create(site=self.boy_rabe, kind="latrine", quantity=1, checked_on=date(2014, 3, 1))
        self.assertEqual(self.people_per_latrine(), 100)


class FunctionalWaterPointsHookTests(ValidatedAssessmentCase):
    """Every facility kind a derived indicator counts feeds it: water points too."""

    indicators = {"latrines_functional": 10, "water_points": 2}

    def derived(self) -> SiteAssessment:
        return annotate_derived(SiteAssessment.objects.filter(pk=self.assessment.pk)).get()

    def add_water_points(self, checked_on: date) -> None:
        Facility.objects.create(site=self.mpoko, kind="water_point", quantity=3, checked_on=checked_on)
        Facility.objects.create(site=self.mpoko, kind="water_point", quantity=1, checked_on=checked_on)
        Facility.objects.create(
            site=self.mpoko,
            kind="water_point",
            quantity=6,
            usable=False,
            condition="broken",
            checked_on=checked_on,
        )

    def test_a_more_recent_inventory_gives_the_functional_water_points(self):
        self.assertEqual(self.derived().people_per_water_point, 500)  # the assessment's 2
        self.add_water_points(date(2014, 2, 20))
        found = self.derived()
        self.assertEqual(found.people_per_water_point, 250)  # 1,000 people / 4 usable points
        self.assertEqual(found.people_per_latrine, 100)  # no latrine inventory: the assessment's

    def test_an_older_inventory_does_not_override_the_assessment(self):
        self.add_water_points(date(2014, 2, 9))  # checked on the round's last day, not after
        self.assertEqual(self.derived().people_per_water_point, 500)

    def test_the_gap_against_the_threshold_follows_the_inventory(self):
        from sitetrack.assessments.selectors import annotate_gaps
        from sitetrack.core.catalogue import catalogue_for

        catalogue = catalogue_for(self.operation)
        definition = next(d for d in catalogue.with_thresholds() if d.derived == "people_per_water_point")
        self.add_water_points(date(2014, 2, 20))
        row = annotate_gaps(SiteAssessment.objects.filter(pk=self.assessment.pk), catalogue).get()
        self.assertEqual(getattr(row, f"{definition.code}_gap"), 250 - float(definition.threshold))

    def test_kinds_no_derived_indicator_counts_change_nothing(self):
        from sitetrack.response.infrastructure import INDICATOR_KINDS

        self.assertEqual(INDICATOR_KINDS["water_points"], "water_point")
        for kind in ("drainage", "lighting", "waste_point", "communal_shelter", "shower"):
            Facility.objects.create(site=self.mpoko, kind=kind, quantity=50, checked_on=date(2014, 3, 1))
        found = self.derived()
        self.assertEqual((found.people_per_water_point, found.people_per_latrine), (500, 100))


class FacilitySelectorTests(BaseCase):
    def test_functional_counts_per_site_with_their_dates(self):
        Facility.objects.create(site=self.mpoko, kind="latrine", quantity=12, checked_on=date(2014, 2, 1))
        Facility.objects.create(
            site=self.mpoko, kind="latrine", quantity=3, usable=False, checked_on=date(2014, 2, 5)
        )
        Facility.objects.create(site=self.mpoko, kind="water_point", quantity=2, checked_on=date(2014, 1, 9))
        Facility.objects.create(site=self.mpoko, kind="drainage", quantity=1, checked_on=date(2014, 1, 9))
        found = functional_facilities(operation=self.operation)
        self.assertEqual(
            found,
            {
                "CF7111-S001": {
                    "latrine": 12,
                    "latrine_on": date(2014, 2, 5),
                    "shower": None,
                    "shower_on": None,
                    "water_point": 2,
                    "water_point_on": date(2014, 1, 9),
                }
            },
        )

    def test_the_site_summary_counts_units(self):
        Facility.objects.create(
            site=self.mpoko,
            kind="shower",
            quantity=4,
            sex_segregated=True,
            lockable=False,
            checked_on=date(2014, 2, 1),
        )
        Facility.objects.create(
            site=self.mpoko,
            kind="shower",
            quantity=2,
            usable=False,
            sex_segregated=True,
            checked_on=date(2014, 2, 2),
        )
        (shower,) = site_facility_summary(self.mpoko)
        self.assertEqual(
            (shower["kind"], shower["lines"], shower["units"], shower["functional"], shower["segregated"]),
            ("shower", 2, 6, 4, 6),
        )

    def test_work_order_statistics(self):
        common = {"operation": self.operation, "site": self.mpoko, "requested_on": date(2014, 1, 1)}
        WorkOrder.objects.create(
            title="a", priority="urgent", due_date=date(2014, 1, 5), estimated_cost=100, **common
        )
        WorkOrder.objects.create(title="b", due_date=date(2014, 3, 1), estimated_cost=50, **common)
        WorkOrder.objects.create(title="c", status="done", actual_cost=70, **common)
        stats = work_order_stats(operation=self.operation, today=date(2014, 2, 1))
        self.assertEqual((stats["open"], stats["overdue"], stats["urgent"], stats["done"]), (2, 1, 1, 1))
        self.assertEqual((float(stats["estimated_open"]), float(stats["spent"])), (150.0, 70.0))
