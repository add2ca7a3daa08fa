"""The 3W table and the referrals page."""

from __future__ import annotations

from datetime import date, timedelta

from sitetrack.core.testing import BaseCase
from sitetrack.response.services import referral_create
from sitetrack.response.tests.helpers import make_activity, other_organisation


class ActivityListViewTests(BaseCase):
    def test_it_lists_activities_with_filters(self):
        make_activity(self, self.ngo)
        make_activity(self, other_organisation(), sector="wash")
        self.login(self.victor)
        response = self.client.get("/response/?organisation=NRC")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "NRC")
        self.assertNotContains(response, "<td>DRC")

    def test_it_needs_a_login(self):
        self.assertEqual(self.client.get("/response/").status_code, 302)


class ReferralListViewTests(BaseCase):
    def test_a_partner_sees_referrals_to_their_organisation_and_imos_the_statistics(self):
        referral_create(
            operation=self.operation,
            user=self.imani,
            sector="wash",
            title="Latrines full in block C",
            due_date=date.today() + timedelta(days=3),
            to_organisation=self.ngo,
            focal_point_email="fp@example.org",
        )
        self.login(self.paul)
        response = self.client.get("/response/referrals/")
        self.assertContains(response, "Latrines full in block C")
        self.assertNotContains(response, "Median days")
        self.login(self.imani)
        self.assertContains(self.client.get("/response/referrals/"), "Median days")
