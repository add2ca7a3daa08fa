from django.core import mail
from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.reports.models import Subscription
from sitetrack.reports.tests.fixtures import build_weekly_fixture


class ReportPagesTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)

    def test_the_reports_home_lists_weekly_rounds_with_their_downloads(self):
        self.login(self.victor)
        response = self.client.get(reverse("reports:home"))
        self.assertContains(response, reverse("reports:weekly", args=[2]))
        self.assertContains(response, reverse("reports:weekly-download", args=[1, "pdf"]))

    def test_the_reports_home_links_the_monthly_products_and_the_gap_matrix(self):
        self.login(self.victor)
        response = self.client.get(reverse("reports:home"))
        for name in ("monthly:home", "profiles:rounds", "returns:home", "response:gaps"):
            with self.subTest(name=name):
                self.assertContains(response, f'href="{reverse(name)}"')

    def test_someone_without_a_role_cannot_read_reports(self):
        self.login(self.olga)
        self.assertEqual(self.client.get(reverse("reports:weekly", args=[2])).status_code, 404)

    def test_an_unknown_format_or_round_is_not_found(self):
        self.login(self.imani)
        self.assertEqual(
            self.client.get(reverse("reports:weekly-download", args=[2, "docx"])).status_code, 404
        )
        self.assertEqual(self.client.get(reverse("reports:weekly", args=[7])).status_code, 404)

    def test_the_page_follows_the_interface_language(self):
        self.login(self.imani)
        response = self.client.get(reverse("reports:weekly", args=[2]), HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(response, "Chiffres clés")
        self.assertContains(response, "2\u00a0450")

    def test_an_imo_publishes_from_the_page_and_a_viewer_cannot(self):
        Subscription.objects.create(
            operation=self.operation, name="Awa", email="wash@example.org", sector="wash"
        )
        self.login(self.victor)
        url = reverse("reports:weekly-publish", args=[2])
        self.assertEqual(self.client.post(url).status_code, 403)
        self.assertEqual(len(mail.outbox), 0)
        self.login(self.imani)
        response = self.client.post(url, follow=True)
        self.assertContains(response, "1 email sent")
        self.assertContains(response, "wash@example.org")
        self.assertEqual(len(mail.outbox), 1)

    def test_an_imo_adds_a_subscriber_from_the_web(self):
        self.login(self.imani)
        response = self.client.post(
            reverse("reports:subscriptions"),
            {
                "name": "Jean",
                "email": "shelter@example.org",
                "sector": "shelter_nfi",
                "language": "fr",
                "active": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        sub = Subscription.objects.get(email="shelter@example.org")
        self.assertEqual((sub.sector, sub.language, sub.operation), ("shelter_nfi", "fr", self.operation))
        self.login(self.paul)
        self.assertEqual(self.client.get(reverse("reports:subscriptions")).status_code, 403)
