"""The monthly report's pages and PDF, in English and French, by role."""

from __future__ import annotations

import io

from pypdf import PdfReader

from sitetrack.core.testing import BaseCase
from sitetrack.monthly.tests.fixtures import build_monthly_fixture, build_strategy_and_work_orders


class MonthlyViewTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_monthly_fixture(cls)

    def test_the_page_shows_the_months_figures_with_their_coverage(self):
        self.login(self.victor)
        response = self.client.get("/reports/monthly/2014-02/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("Monthly DTM report — February 2014", page)
        self.assertIn("2,450", page)  # people
        self.assertIn("3 of 4 open sites assessed", page)
        self.assertIn("+150", page)  # like with like
        self.assertIn('id="month-picker"', page)
        self.assertIn('src="data:image/svg+xml;base64,', page)  # the trend chart, as an image

    def test_the_page_is_in_french(self):
        self.login(self.victor)
        response = self.client.get("/reports/monthly/2014-02/", HTTP_ACCEPT_LANGUAGE="fr")
        page = response.content.decode()
        self.assertIn("Rapport DTM mensuel — février 2014", page)
        self.assertIn("2\u00a0450", page)

    def test_the_picker_opens_the_month_chosen(self):
        self.login(self.imani)
        response = self.client.get("/reports/monthly/?month=2014-01")
        self.assertRedirects(response, "/reports/monthly/2014-01/", fetch_redirect_response=False)
        self.assertContains(self.client.get("/reports/monthly/"), "January 2014")

    def test_a_month_without_data_is_a_404_naming_the_months_with_data(self):
        self.login(self.imani)
        response = self.client.get("/reports/monthly/2014-03/")
        self.assertEqual(response.status_code, 404)
        self.assertIn("2014-02, 2014-01", response.content.decode())
        self.assertEqual(self.client.get("/reports/monthly/2014-3/").status_code, 404)

    def test_the_pdf_renders_in_english_and_french(self):
        self.login(self.victor)
        for lang, words in (("en", "Monthly DTM report"), ("fr", "Rapport DTM mensuel")):
            response = self.client.get(f"/reports/monthly/2014-02/pdf/?lang={lang}")
            self.assertEqual(response["Content-Type"], "application/pdf")
            self.assertIn(
                f"monthly-report-car-bangui-2014-2014-02-{lang}.pdf", response["Content-Disposition"]
            )
            text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
            self.assertIn(words, text)
            self.assertIn(
                "2,450" if lang == "en" else "2 450", text.replace("\u00a0", " ").replace("\u202f", " ")
            )

    def test_the_page_and_the_pdf_carry_the_strategy_and_the_work_orders(self):
        build_strategy_and_work_orders(self)
        self.login(self.victor)
        for lang, words in (
            (
                "en",
                ("Response strategy: progress per objective", "SO1 Safe WASH in sites", "50%", "Work orders"),
            ),
            (
                "fr",
                (
                    "Stratégie de réponse : progrès par objectif",
                    "SO1 Safe WASH in sites",
                    "50\u202f%",
                    "Ordres de travail",
                ),
            ),
        ):
            page = self.client.get("/reports/monthly/2014-02/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
            for word in words:
                self.assertIn(word, page)
            self.assertIn('id="m-works-overdue">1<', page)
            self.assertIn('id="m-works-estimated">1' + ("," if lang == "en" else "\u00a0") + "500<", page)
            response = self.client.get(f"/reports/monthly/2014-02/pdf/?lang={lang}")
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
            flat = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
            for word in words:
                self.assertIn(" ".join(word.replace("\u202f", " ").split()), flat)

    def test_people_without_a_role_may_not_read_it(self):
        self.login(self.olga)
        self.assertIn(self.client.get("/reports/monthly/2014-02/").status_code, (403, 404))
        self.client.logout()
        self.assertEqual(self.client.get("/reports/monthly/2014-02/").status_code, 302)
