"""The site page and the monthly round board link to the profiles (template tags)."""

from __future__ import annotations

from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.profiles.tests.fixtures import build_profile_fixture
from sitetrack.reports.tests.fixtures import make_round


class ProfileLinkTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_profile_fixture(cls)

    def test_the_site_page_links_the_latest_monthly_profile(self) -> None:
        self.login(self.victor)
        response = self.client.get(reverse("sites:detail", args=[self.mpoko.code]))
        self.assertContains(response, reverse("profiles:profile", args=[3, self.mpoko.code]))

    def test_a_site_never_validated_in_a_monthly_round_has_no_link(self) -> None:
        self.login(self.victor)
        response = self.client.get(reverse("sites:detail", args=[self.don_bosco.code]))
        self.assertNotContains(response, "/profiles/round/")

    def test_the_monthly_round_board_links_its_profiles_and_a_weekly_one_does_not(self) -> None:
        self.login(self.imani)
        board = self.client.get(reverse("assessments:board", args=[self.round3.pk]))
        self.assertContains(board, reverse("profiles:round", args=[3]))
        weekly = make_round(self.operation, 1)
        board = self.client.get(reverse("assessments:board", args=[weekly.pk]))
        self.assertNotContains(board, "/profiles/round/")
