"""The report's number formats (reports/formatting.py)."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import translation

from sitetrack.reports.formatting import signed


class SignedTests(SimpleTestCase):
    def test_a_fall_is_written_with_a_true_minus_sign_and_a_rise_with_a_plus(self) -> None:
        with translation.override("en"):
            self.assertEqual(signed(-35), "\u221235")
            self.assertEqual(signed(120), "+120")
            self.assertEqual(signed(0), "0")
            self.assertEqual(signed(None), "–")
        self.assertNotIn("-", signed(-1250))
