"""A catalogue edit can never take the operation down: impossible thresholds and YAML of
the wrong shape are refused with a message that names the indicator and the rule, and
every page that reads the catalogue still answers after any accepted edit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from sitetrack.assessments import services
from sitetrack.assessments.tests.fixtures import good_values, make_round
from sitetrack.core.catalogue import catalogue_clear_cache, catalogue_for, catalogue_version_create
from sitetrack.core.models import CatalogueVersion
from sitetrack.core.testing import BaseCase

IMPOSSIBLE_THRESHOLDS = [
    "1e400",
    "-1e400",
    1e400,
    float("nan"),
    "NaN",
    "inf",
    "Infinity",
    "12345678901234567890123",
]
IMPOSSIBLE_THRESHOLDS += ["0.0001", "1000000000", [15], {"value": 15}, True, "fifteen"]

HOSTILE_YAML = {
    "a scalar": "15",
    "a list": "- people_per_latrine\n- 15\n",
    "an anchor and an alias": "people_per_latrine: &t {threshold: 15}\nlitres_per_person_day: *t\n",
    "billion laughs": "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n",
    "a scalar for an indicator": "people_per_latrine: 15\n",
    "a list for an indicator": "people_per_latrine: [threshold, 15]\n",
    "a list for a label": "people_per_latrine: {label_en: [a, b]}\n",
    "a mapping for choices": "people_per_latrine: {choices: {name: x}}\n",
    "a number for a code": "12: {threshold: 3}\n",
    "a huge threshold": "people_per_latrine: {threshold: 1e400}\n",
    "an infinite threshold": "people_per_latrine: {threshold: .inf}\n",
    "a not-a-number threshold": "people_per_latrine: {threshold: .nan}\n",
    "too many digits": "people_per_latrine: {threshold: 12345678901234567890123}\n",
    "a unit too long": "people_per_latrine: {unit: " + "x" * 500 + "}\n",
    "deep nesting": "a: " + "[" * 200 + "]" * 200 + "\n",
    "broken YAML": "people_per_latrine: {threshold: 15\n",
    "an unknown field": "people_per_latrine: {1: 2, colour: red}\n",
}


class CatalogueServiceRefusalTests(BaseCase):
    def test_it_refuses_every_impossible_threshold_naming_the_indicator(self):
        for value in IMPOSSIBLE_THRESHOLDS:
            with self.subTest(value=value), self.assertRaises(ValidationError) as raised:
                catalogue_version_create(
                    operation=self.operation,
                    user=self.imani,
                    changes={"people_per_latrine": {"threshold": value}},
                )
            self.assertIn("people_per_latrine", raised.exception.message_dict)
            self.assertIn("threshold", " ".join(raised.exception.message_dict["people_per_latrine"]))
        self.assertFalse(CatalogueVersion.objects.filter(operation=self.operation).exists())

    def test_it_accepts_the_largest_storable_threshold(self):
        version = catalogue_version_create(
            operation=self.operation,
            user=self.imani,
            changes={"people_per_latrine": {"threshold": "999999999.999"}},
        )
        catalogue_clear_cache()
        self.assertEqual(
            str(catalogue_for(self.operation).get("people_per_latrine").threshold), "999999999.999"
        )
        self.assertEqual(version.operation, self.operation)

    def test_it_refuses_changes_that_are_not_a_mapping(self):
        for changes in (["people_per_latrine"], "people_per_latrine", 15):
            with self.subTest(changes=changes), self.assertRaises(ValidationError):
                catalogue_version_create(operation=self.operation, user=self.imani, changes=changes)


class CataloguePageTests(BaseCase):
    def setUp(self) -> None:
        self.round = make_round(self.operation)
        assessment = services.assessment_save(
            site=self.mpoko, round=self.round, user=self.fatou, values=good_values()
        )
        services.assessment_submit(assessment=assessment, user=self.fatou)
        self.login(self.imani)

    def post_yaml(self, text: str):
        page = self.client.get(reverse("assessments:catalogue"))
        formset = page.context["thresholds"]
        data = {
            "save_catalogue": "1",
            "changes_yaml": text,
            "notes": "hostile",
            f"{formset.prefix}-TOTAL_FORMS": str(formset.total_form_count()),
            f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
        }
        for form in formset.forms:
            for name in form.fields:
                value = form.initial.get(name)
                data[form.add_prefix(name)] = "" if value is None else str(value)
        return self.client.post(reverse("assessments:catalogue"), data)

    def assert_every_catalogue_reader_answers(self):
        pages = [
            reverse("assessments:catalogue"),
            reverse("api-catalogue"),
            reverse("reports:weekly", args=[self.round.number]),
            reverse("reports:weekly-download", args=[self.round.number, "xlsx"]),
            reverse("reports:weekly-download", args=[self.round.number, "hxl"]),
            reverse("assessments:form", args=[self.round.pk, self.mpoko.code]),
            reverse("assessments:board", args=[self.round.pk]),
        ]
        for url in pages:
            with self.subTest(url=url):
                self.assertLess(self.client.get(url).status_code, 400, url)

    def test_hostile_yaml_is_a_message_on_the_page_and_writes_nothing(self):
        for case, text in HOSTILE_YAML.items():
            with self.subTest(case=case):
                response = self.post_yaml(text)
                self.assertEqual(response.status_code, 200, case)
                errors = " ".join(str(e) for e in response.context["notes_form"].non_field_errors())
                self.assertTrue(errors, case)
        self.assertFalse(CatalogueVersion.objects.filter(operation=self.operation).exists())
        self.assert_every_catalogue_reader_answers()

    def test_the_messages_say_why(self):
        cases = {
            "an anchor and an alias": "Anchors and aliases",
            "a list": "not a list",
            "a scalar for an indicator": "give the fields to set",
            "a huge threshold": "too many digits",
            "an infinite threshold": "not a finite number",
            "deep nesting": "nested more than",
        }
        for case, expected in cases.items():
            with self.subTest(case=case):
                response = self.post_yaml(HOSTILE_YAML[case])
                errors = " ".join(str(e) for e in response.context["notes_form"].non_field_errors())
                self.assertIn(expected, errors)

    def test_pages_answer_after_extreme_but_valid_edits(self):
        for text in (
            "people_per_latrine: {threshold: 999999999.999}\n",
            "people_per_latrine: {threshold: 0}\nlitres_per_person_day: {threshold: 0.001}\n",
            "people_per_latrine: {threshold: null}\n",
            "people_per_latrine: null\n",
        ):
            with self.subTest(text=text):
                response = self.post_yaml(text)
                self.assertEqual(response.status_code, 302, text)
                self.assert_every_catalogue_reader_answers()
