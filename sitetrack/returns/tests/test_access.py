"""Household records are personal data: IMOs and administrators only; the suppressed
report is for every role of the operation, nobody else."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sitetrack.core.access import access_household_records, access_return_survey, can
from sitetrack.core.testing import BaseCase
from sitetrack.returns.choices import Intention
from sitetrack.returns.tests.helpers import add, make_survey


class HouseholdRecordAccessTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.survey = make_survey(cls.operation)
        add(cls.survey, cls.mpoko, Intention.RETURN, count=6)

    def test_only_imos_and_administrators_may_read_household_records(self):
        self.assertTrue(can(self.imani, self.operation, "read_household_records"))
        self.assertTrue(can(self.ada, self.operation, "read_household_records"))
        for user in (self.fatou, self.paul, self.victor, self.olga):
            self.assertFalse(can(user, self.operation, "read_household_records"), user.username)
            with self.assertRaises(PermissionDenied):
                access_household_records(user, self.operation, "2014-03")
        survey, households = access_household_records(self.imani, self.operation, "2014-03")
        self.assertEqual((survey, households.count()), (self.survey, 6))

    def test_an_unknown_or_malformed_month_is_a_404(self):
        for month in ("2014-02", "2014-13", "march", "2014-03-01"):
            with self.assertRaises(Http404):
                access_return_survey(self.imani, self.operation, month)

    def test_the_households_page_answers_403_to_everyone_else(self):
        url = f"/returns/{self.survey.key}/households/"
        self.login(self.imani)
        page = self.client.get(url)
        self.assertContains(page, "hh-")
        for user in (self.fatou, self.paul, self.victor):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 403, user.username)

    def test_the_report_page_links_the_household_list_only_for_those_who_may_read_it(self):
        self.login(self.imani)
        self.assertContains(self.client.get(f"/returns/{self.survey.key}/"), "/households/")
        self.login(self.victor)
        page = self.client.get(f"/returns/{self.survey.key}/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "/households/")

    def test_someone_without_a_role_gets_nothing(self):
        self.login(self.olga)
        self.assertIn(self.client.get(f"/returns/{self.survey.key}/").status_code, (403, 404))
        response = self.api_as(self.olga).get(
            f"/api/returns/{self.survey.key}/?operation={self.operation.slug}"
        )
        self.assertIn(response.status_code, (403, 404))

    def test_the_downloads_work_for_a_viewer(self):
        self.login(self.victor)
        for fmt, start in (("pdf", b"%PDF"), ("xlsx", b"PK"), ("hxl", b"Month")):
            response = self.client.get(f"/returns/{self.survey.key}/report.{fmt}")
            self.assertEqual(response.status_code, 200, fmt)
            self.assertTrue(response.content.startswith(start), fmt)
