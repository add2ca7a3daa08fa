"""Each validation rule fires on a bad assessment and stays silent on a good one."""

from __future__ import annotations

from django.test import SimpleTestCase, TestCase

from sitetrack.assessments.tests.fixtures import good_values
from sitetrack.assessments.validation import ValidationRules, derive, validate
from sitetrack.core.catalogue import catalogue_for


class ValidationRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.catalogue = catalogue_for(None)

    def findings(self, values, previous=None, rules=None):
        return validate(values, previous=previous, catalogue=self.catalogue, rules=rules or ValidationRules())

    def rules_hit(self, values, previous=None, rules=None) -> dict[str, list]:
        hit: dict[str, list] = {}
        for finding in self.findings(values, previous, rules):
            hit.setdefault(finding.rule, []).append(finding)
        return hit

    def previous(self, **overrides):
        return good_values(**{"individuals": 900, "households": 180, **overrides})

    def test_a_good_assessment_has_no_finding(self):
        self.assertEqual(self.findings(good_values(), previous=self.previous()), [])

    # disaggregated figures sum to the total
    def test_it_reports_sex_and_age_figures_that_do_not_add_up(self):
        hit = self.rules_hit(good_values(f_18_59=410))  # +180
        (finding,) = hit["sadd_sum"]
        self.assertEqual(finding.severity, "error")
        self.assertEqual(finding.message, "Sex and age figures add up to 1,180 but individuals is 1,000.")

    def test_it_accepts_sex_and_age_figures_that_add_up(self):
        self.assertNotIn("sadd_sum", self.rules_hit(good_values()))

    # households ≤ individuals
    def test_it_reports_more_households_than_individuals(self):
        hit = self.rules_hit(good_values(households=1200))
        self.assertEqual(hit["households_individuals"][0].severity, "error")
        self.assertIn("1,200", hit["households_individuals"][0].message)

    def test_it_accepts_households_up_to_individuals(self):
        self.assertNotIn("households_individuals", self.rules_hit(good_values(households=1000)))

    # average household size
    def test_it_warns_about_an_implausible_household_size(self):
        hit = self.rules_hit(good_values(households=80))  # 12.5 people per household
        self.assertEqual(hit["household_size"][0].severity, "warning")
        self.assertIn("12.5", hit["household_size"][0].message)

    def test_it_accepts_a_household_size_within_the_configured_range(self):
        self.assertNotIn("household_size", self.rules_hit(good_values(households=250)))
        narrow = ValidationRules(min_household_size=4.5, max_household_size=6)
        self.assertIn("household_size", self.rules_hit(good_values(households=250), rules=narrow))

    # outlier change since last round
    def test_it_warns_about_a_change_beyond_the_outlier_percentage(self):
        hit = self.rules_hit(good_values(), previous=self.previous(individuals=500))  # +100 %
        self.assertEqual(hit["outlier_change"][0].severity, "warning")
        self.assertIn("+100%", hit["outlier_change"][0].message)

    def test_it_accepts_a_change_within_the_outlier_percentage(self):
        self.assertNotIn("outlier_change", self.rules_hit(good_values(), previous=self.previous()))
        self.assertNotIn("outlier_change", self.rules_hit(good_values(), previous=None))

    # arrivals and departures consistent with the population change
    def test_it_warns_when_flows_do_not_explain_the_population_change(self):
        # 900 → 1,000 is +100, but arrivals − departures says +480.
        hit = self.rules_hit(good_values(arrivals=500), previous=self.previous())
        self.assertEqual(hit["flow_balance"][0].severity, "warning")
        self.assertIn("+480", hit["flow_balance"][0].message)

    def test_it_accepts_flows_that_explain_the_change_within_tolerance(self):
        # +100 actual, +100 from flows.
        self.assertNotIn("flow_balance", self.rules_hit(good_values(), previous=self.previous()))

    # a first priority contradicting indicators that meet their thresholds
    def test_it_warns_when_wash_is_first_priority_although_wash_thresholds_are_met(self):
        values = good_values(priority_1="wash", priority_2="food_security")
        values["indicators"]["latrines_functional"] = 60  # 16.7 people per latrine ≤ 20; 25 l/p/d ≥ 15
        hit = self.rules_hit(values)
        self.assertEqual(hit["priority_contradiction"][0].severity, "warning")
        self.assertEqual(hit["priority_contradiction"][0].field, "priority_1")

    def test_it_accepts_wash_first_priority_when_a_wash_threshold_is_not_met(self):
        values = good_values(priority_1="wash", priority_2="food_security")  # 25 per latrine > 20
        self.assertNotIn("priority_contradiction", self.rules_hit(values))

    # severity 1–5
    def test_it_reports_a_severity_outside_one_to_five(self):
        hit = self.rules_hit(good_values(need_wash=7))
        self.assertEqual(hit["severity_range"][0].severity, "error")
        self.assertEqual(hit["severity_range"][0].field, "need_wash")

    def test_it_accepts_severities_from_one_to_five(self):
        self.assertNotIn("severity_range", self.rules_hit(good_values(need_wash=1, need_health=5)))

    # values non-negative
    def test_it_reports_negative_figures(self):
        hit = self.rules_hit(good_values(departures=-5))
        self.assertEqual(hit["negative"][0].field, "departures")
        negative_indicator = good_values()
        negative_indicator["indicators"]["water_points"] = -1
        self.assertIn("type", self.rules_hit(negative_indicator))

    def test_it_accepts_zero(self):
        self.assertNotIn("negative", self.rules_hit(good_values(departures=0)))

    # numbers of the right type per the catalogue
    def test_it_reports_values_of_the_wrong_type(self):
        values = good_values(households="many")
        values["indicators"].update(
            latrines_functional=40.5, health_facility_on_site="maybe", main_water_source="lake"
        )
        fields = {f.field for f in self.findings(values) if f.rule == "type"}
        self.assertEqual(
            fields,
            {
                "households",
                "indicators.latrines_functional",
                "indicators.health_facility_on_site",
                "indicators.main_water_source",
            },
        )

    def test_it_accepts_values_of_the_right_type_in_field_formats(self):
        values = good_values(households="200")
        values["indicators"].update(
            health_facility_on_site="yes",
            security_incident_types="theft fire",
            water_litres_per_day="25000.5",
        )
        self.assertNotIn("type", self.rules_hit(values))

    # each priority a different sector
    def test_it_reports_the_same_sector_twice_among_priorities(self):
        hit = self.rules_hit(good_values(priority_2="food_security"))
        self.assertEqual(hit["priority_duplicate"][0].field, "priority_2")

    def test_it_accepts_three_different_priorities(self):
        self.assertNotIn("priority_duplicate", self.rules_hit(good_values()))

    # shelter households
    def test_it_warns_when_shelter_households_exceed_households(self):
        self.assertIn("shelter_households", self.rules_hit(good_values(hh_tent=150, hh_makeshift=100)))
        self.assertNotIn("shelter_households", self.rules_hit(good_values(hh_tent=150, hh_makeshift=50)))

    # flows by area add up to the totals
    def test_it_warns_when_flows_by_area_do_not_add_up(self):
        flows = [{"direction": "arrival", "area": "CF711", "individuals": 100}]
        self.assertIn("flows_total", self.rules_hit(good_values(flows=flows)))
        flows.append({"direction": "arrival", "area": "CF713", "individuals": 20})
        self.assertNotIn("flows_total", self.rules_hit(good_values(flows=flows)))

    def test_unknown_indicators_are_a_warning(self):
        values = good_values()
        values["indicators"]["soap_kg"] = 3
        self.assertEqual(self.rules_hit(values)["unknown_indicator"][0].severity, "warning")


class DeriveTests(TestCase):
    def test_it_computes_derived_indicators_by_hand(self):
        derived = derive(good_values(), site_area_m2=60000, catalogue=catalogue_for(None))
        self.assertEqual(derived["litres_per_person_day"], 25.0)  # 25,000 / 1,000
        self.assertEqual(derived["people_per_latrine"], 25.0)  # 1,000 / 40
        self.assertEqual(derived["people_per_latrine_first_phase"], 25.0)
        self.assertEqual(derived["covered_m2_per_person"], 3.0)  # 3,000 / 1,000
        self.assertEqual(derived["site_area_per_person"], 60.0)  # 60,000 / 1,000
        self.assertEqual(derived["female_male_latrine_ratio"], 1.5)  # 24 / 16
        self.assertEqual(derived["people_per_water_point"], 200.0)

    def test_a_zero_denominator_gives_no_value(self):
        values = good_values(individuals=0)
        values["indicators"]["latrines_male"] = 0
        derived = derive(values)
        self.assertIsNone(derived["litres_per_person_day"])
        self.assertIsNone(derived["female_male_latrine_ratio"])


class FigureFormattingTests(SimpleTestCase):
    """Messages carry figures as the reader's language writes them; `fmt` formats them
    itself (imports write one for every finding) and must agree with Django."""

    def test_figures_read_as_django_formats_them_in_english_and_french(self):
        from django.utils import translation
        from django.utils.formats import number_format

        from sitetrack.assessments.validation import fmt

        values = [0, 7, -1, 999, 1000, 1180, -1234567, 12.5, 0.05, 1234.56, -0.04, 999.95, 1e9, 2.25]
        for language in ("en", "fr"):
            with translation.override(language):
                for value in values:
                    for decimals in (None, 0, 1, 2):
                        places = decimals if decimals is not None else (0 if float(value).is_integer() else 1)
                        expected = number_format(
                            round(float(value), places), decimal_pos=places, force_grouping=True
                        )
                        self.assertEqual(fmt(value, decimals), expected, (language, value, decimals))
        with translation.override("fr"):
            self.assertEqual(fmt(1180), number_format(1180, force_grouping=True))
            self.assertNotEqual(fmt(1180), "1,180")
