"""Derived indicators and gaps agree between the site page, the API and a hand-computed
fixture: 1,000 people, 25,000 l/day, 40 latrines (24 for women, 16 for men), 3,000 m²
covered, on a 60,000 m² site."""

from __future__ import annotations

from sitetrack.assessments import services
from sitetrack.assessments.models import SiteAssessment
from sitetrack.assessments.selectors import annotate_gaps, annotate_own_gaps, round_population
from sitetrack.assessments.tests.fixtures import good_values, make_round
from sitetrack.core.catalogue import catalogue_for, catalogue_version_create
from sitetrack.core.testing import BaseCase

# Worked out by hand, not by the code under test.
EXPECTED = {
    # code: (value, gap against the threshold: positive = shortfall)
    "litres_per_person_day": (25.0, -10.0),  # 25,000 / 1,000 = 25 ≥ 15 → met by 10
    "people_per_latrine": (25.0, 5.0),  # 1,000 / 40 = 25 > 20 → gap 5
    "people_per_latrine_first_phase": (25.0, -25.0),  # 25 ≤ 50 → met
    "covered_m2_per_person": (3.0, 0.5),  # 3,000 / 1,000 = 3 < 3.5 → gap 0.5
    "site_area_per_person": (60.0, -15.0),  # 60,000 / 1,000 = 60 ≥ 45 → met by 15
    "female_male_latrine_ratio": (1.5, 1.5),  # 24 / 16 = 1.5 < 3 → gap 1.5
    "people_per_water_point": (200.0, -50.0),  # 1,000 / 5 = 200 ≤ 250 → met by 50
}


class DerivedFiguresAgreeTests(BaseCase):
    def setUp(self) -> None:
        self.mpoko.area_m2 = 60000
        self.mpoko.save()
        self.round = make_round(self.operation)
        assessment = services.assessment_save(
            site=self.mpoko, round=self.round, user=self.fatou, values=good_values()
        )
        services.assessment_submit(assessment=assessment, user=self.fatou)
        self.assessment = services.assessment_validate(assessment=assessment, user=self.imani)

    def test_the_sql_selectors_match_the_hand_computed_figures(self):
        row = annotate_gaps(SiteAssessment.objects.all(), catalogue_for(self.operation)).values()[0]
        for code, (value, gap) in EXPECTED.items():
            formula = catalogue_for(self.operation).indicators[code].derived
            self.assertAlmostEqual(row[formula], value, places=6, msg=code)
            self.assertAlmostEqual(row[f"{code}_gap"], gap, places=6, msg=code)
            self.assertEqual(row[f"{code}_met"], gap <= 0, msg=code)

    def test_the_api_matches_the_hand_computed_figures(self):
        body = self.api_as(self.fatou).get(f"/api/assessments/{self.assessment.pk}/").json()
        for code, (value, gap) in EXPECTED.items():
            self.assertAlmostEqual(body["derived"][code], value, places=6, msg=code)
            self.assertAlmostEqual(body["gaps"][code]["gap"], gap, places=6, msg=code)
            self.assertEqual(body["gaps"][code]["met"], gap <= 0, msg=code)

    def test_the_site_page_matches_the_hand_computed_figures(self):
        self.login(self.fatou)
        response = self.client.get(f"/sites/{self.mpoko.code}/")
        self.assertEqual(response.status_code, 200)
        recent = response.context["recent_assessments"]
        cells = {row["indicator"].code: row["cells"][0] for row in recent.rows if row["kind"] == "derived"}
        for code, (value, gap) in EXPECTED.items():
            self.assertAlmostEqual(cells[code]["value"], value, places=6, msg=code)
            self.assertAlmostEqual(cells[code]["gap"], gap, places=6, msg=code)
        html = response.content.decode()
        self.assertIn('data-code="people_per_latrine" data-value="25.0" data-gap="5.0"', html)
        self.assertIn("gap 5.0", html)

    def test_the_assessment_page_matches_the_hand_computed_figures(self):
        self.login(self.fatou)
        html = self.client.get(f"/assessments/{self.assessment.pk}/").content.decode()
        self.assertIn('data-code="covered_m2_per_person" data-value="3.0" data-gap="0.5"', html)

    def test_population_by_area_counts_only_validated_figures_with_the_change(self):
        second = make_round(self.operation, number=2)
        values = good_values(individuals=1100, f_18_59=330, arrivals=150, departures=50)
        moved = services.assessment_save(site=self.mpoko, round=second, user=self.fatou, values=values)
        services.assessment_save(site=self.boy_rabe, round=second, user=self.imani, values=good_values())
        self.assertEqual(round_population(second, by="admin1"), [])  # nothing validated yet
        services.assessment_submit(assessment=moved, user=self.fatou)
        services.assessment_validate(assessment=moved, user=self.imani)
        (bangui,) = round_population(second, by="admin1")
        self.assertEqual((bangui["key"], bangui["individuals"], bangui["change"]), ("CF71", 1100, 100))
        self.assertEqual(bangui["change_pct"], 10.0)
        (arr1,) = round_population(second, by="admin2")
        self.assertEqual(arr1["key"], "CF711")
        (kind,) = round_population(second, by="site_type")
        self.assertEqual((kind["key"], kind["arrivals"]), ("spontaneous_site", 150))


class OwnVersionGapTests(BaseCase):
    """After a threshold changes, each assessment's gap is measured against the catalogue
    version it was collected with — on the site page, in the API and in the report."""

    def test_each_assessment_keeps_the_threshold_it_was_collected_with(self):
        round = make_round(self.operation)
        before = services.assessment_save(site=self.mpoko, round=round, user=self.imani, values=good_values())
        catalogue_version_create(
            operation=self.operation,
            user=self.imani,
            changes={"people_per_latrine": {"threshold": 30}},
            notes="Cluster agreed 30",
        )
        after = services.assessment_save(
            site=self.boy_rabe, round=round, user=self.imani, values=good_values()
        )
        rows = {
            r["pk"]: r
            for r in annotate_own_gaps(SiteAssessment.objects.all(), self.operation).values(
                "pk", "people_per_latrine_gap", "people_per_latrine_met"
            )
        }
        # 25 people per latrine: 5 over the old threshold of 20, 5 under the new one of 30.
        self.assertEqual(rows[before.pk]["people_per_latrine_gap"], 5)
        self.assertFalse(rows[before.pk]["people_per_latrine_met"])
        self.assertEqual(rows[after.pk]["people_per_latrine_gap"], -5)
        self.assertTrue(rows[after.pk]["people_per_latrine_met"])
