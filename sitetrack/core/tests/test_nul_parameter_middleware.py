"""A NUL character in a query parameter is a 400 that says so, on pages and the API, on
both databases (PostgreSQL refused the text: schemathesis found a 500 on a list filter)."""

from __future__ import annotations

from sitetrack.core.testing import BaseCase


class NulParameterTests(BaseCase):
    def test_the_api_refuses_a_nul_in_a_filter_with_a_clear_400(self) -> None:
        self.login(self.imani)
        answer = self.client.get("/api/organisations/", {"operation": "a\x00b", "q": "x"})
        self.assertEqual(answer.status_code, 400)
        self.assertIn("operation", answer.json()["detail"])
        self.assertIn("NUL", answer.json()["detail"])

    def test_a_page_refuses_it_too_and_plain_parameters_still_work(self) -> None:
        self.login(self.imani)
        refused = self.client.get("/sites/", {"q": "\x00"})
        self.assertContains(refused, "NUL", status_code=400)
        self.assertEqual(self.client.get("/sites/", {"q": "Bangui"}).status_code, 200)
