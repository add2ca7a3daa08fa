"""Every test starts in the default language, whatever the one before it activated."""

from __future__ import annotations

from django.test import SimpleTestCase, TestCase
from django.utils import translation

from sitetrack.assessments.validation import fmt
from sitetrack.conftest import default_language


class DefaultLanguageTests(SimpleTestCase):
    def test_a_language_left_active_inside_is_reset_on_the_way_out(self):
        with default_language():
            translation.activate("fr")
            self.assertEqual(fmt(1372), "1\xa0372")
        self.assertEqual(translation.get_language(), "en")
        self.assertEqual(fmt(1372), "1,372")


class FrenchRequestTests(TestCase):
    def test_a_french_request_does_not_leave_french_behind_for_the_next_test(self):
        with default_language():
            self.client.get("/health/", headers={"accept-language": "fr"})
            # What the reset is for: the middleware leaves the request's language active.
            self.assertEqual(translation.get_language(), "fr")
        self.assertEqual(translation.get_language(), "en")
