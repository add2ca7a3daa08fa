"""Findings are stored as a code and parameters and read in the reader's language."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.utils import translation

from sitetrack.assessments import services
from sitetrack.assessments.findings import finding_message
from sitetrack.assessments.models import SiteAssessment
from sitetrack.assessments.tests.fixtures import good_values, make_round
from sitetrack.assessments.validation import clean_values, validate, validation_rules_for
from sitetrack.core.catalogue import catalogue_for
from sitetrack.core.testing import BaseCase

# 1,372 people by sex and age against 1,327 individuals: f_18_59 raised by 372 - 45.
SADD_MISMATCH = {"individuals": 1327, "households": 265, "f_18_59": 230 + 372}


class FindingLanguageTests(BaseCase):
    def setUp(self) -> None:
        self.round = make_round(self.operation)

    def save_in_english(self) -> SiteAssessment:
        with translation.override("en"):
            return services.assessment_save(
                site=self.mpoko, round=self.round, user=self.fatou, values=good_values(**SADD_MISMATCH)
            )

    def test_a_finding_is_stored_as_a_code_with_its_figures_not_a_sentence(self):
        issue = self.save_in_english().issues[0]
        self.assertEqual(issue["code"], "sadd_sum")
        self.assertEqual(issue["params"], {"total": 1372, "individuals": 1327})
        self.assertNotIn("message", issue)

    def test_saved_in_english_it_reads_in_french_with_french_numbers(self):
        issue = self.save_in_english().issues[0]
        with translation.override("fr"):
            message = finding_message(issue)
        self.assertIn("1\xa0372", message)
        self.assertIn("1\xa0327", message)
        self.assertNotIn("add up to", message)
        with translation.override("en"):
            self.assertEqual(
                finding_message(issue), "Sex and age figures add up to 1,372 but individuals is 1,327."
            )

    def test_the_page_and_the_api_show_the_finding_in_the_readers_language(self):
        assessment = self.save_in_english()
        self.login(self.imani)
        page = self.client.get(f"/assessments/{assessment.pk}/", headers={"accept-language": "fr"})
        html = page.content.decode()
        self.assertIn("1\xa0372", html)
        self.assertNotIn("add up to 1,372", html)
        api = self.api_as(self.imani).get(
            f"/api/assessments/{assessment.pk}/", headers={"accept-language": "fr"}
        )
        issue = api.json()["issues"][0]
        self.assertEqual((issue["code"], issue["params"]["total"]), ("sadd_sum", 1372))
        self.assertIn("1\xa0372", issue["message"])
        self.assertNotIn("add up to", issue["message"])

    def test_an_indicator_label_and_a_sector_follow_the_reader(self):
        catalogue = catalogue_for(self.operation)
        latrines = catalogue.indicators["latrines_functional"]
        with translation.override("en"):
            _cleaned, findings = clean_values({"indicators": {"latrines_functional": "-3"}}, catalogue)
            twice = validate(
                good_values(priority_2="food_security"),
                previous=None,
                catalogue=catalogue,
                rules=validation_rules_for(self.operation),
            )
        duplicate = next(f for f in twice if f.rule == "priority_duplicate").as_dict()
        with translation.override("fr"):
            self.assertIn(latrines.label_fr, finding_message(findings[0].as_dict()))
            self.assertIn("Sécurité alimentaire", finding_message(duplicate))
        with translation.override("en"):
            self.assertIn(latrines.label_en, finding_message(findings[0].as_dict()))
            self.assertIn("Food security", finding_message(duplicate))

    def test_findings_written_as_sentences_are_regenerated_as_codes(self):
        assessment = self.save_in_english()
        legacy = [
            {
                "rule": "sadd_sum",
                "severity": "error",
                "field": "individuals",
                "message": "Les chiffres par sexe et âge totalisent 1 372 mais les individus sont 1 327.",
            }
        ]
        SiteAssessment.objects.filter(pk=assessment.pk).update(issues=legacy)
        migration = importlib.import_module("sitetrack.assessments.migrations.0004_findings_as_codes")
        migration.regenerate(apps, None)
        issues = SiteAssessment.objects.get(pk=assessment.pk).issues
        self.assertEqual(
            [(i["code"], i["params"]) for i in issues], [("sadd_sum", {"total": 1372, "individuals": 1327})]
        )

    def test_a_sentence_without_a_code_is_still_shown_as_written(self):
        self.assertEqual(finding_message({"rule": "x", "message": "As written."}), "As written.")
