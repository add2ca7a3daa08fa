from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.sites.services import site_change_status, site_update


class SiteDetailViewTest(BaseCase):
    def test_it_shows_facts_status_and_change_history(self) -> None:
        site_update(site=self.mpoko, user=self.imani, capacity=85000)
        site_change_status(
            site=self.boy_rabe, user=self.imani, status="merged", date="2014-04-02", target=self.mpoko
        )
        self.login(self.imani)
        page = self.client.get(reverse("sites:detail", args=["CF7111-S001"]))
        self.assertContains(page, "Aéroport M&#x27;Poko")
        self.assertContains(page, "85,000")
        self.assertContains(page, "capacity (people)")  # the audit trail names the changed field
        self.assertContains(page, "imani")
        self.assertContains(page, 'id="sitemap"')
        merged = self.client.get(reverse("sites:detail", args=["CF7131-S001"]))
        self.assertContains(merged, "Merged into another site")
        self.assertContains(merged, "2014-04-02")
        self.assertContains(merged, reverse("sites:detail", args=["CF7111-S001"]))

    def test_a_facilitator_gets_404_for_a_site_outside_scope(self) -> None:
        self.login(self.fatou)
        self.assertEqual(self.client.get(reverse("sites:detail", args=["CF7131-S001"])).status_code, 404)
        self.assertEqual(self.client.get(reverse("sites:detail", args=["CF7111-S001"])).status_code, 200)

    def test_someone_without_a_role_gets_404(self) -> None:
        self.login(self.olga)
        self.assertEqual(self.client.get(reverse("sites:detail", args=["CF7111-S001"])).status_code, 404)

    def test_a_status_change_is_recorded_from_the_page(self) -> None:
        self.login(self.imani)
        url = reverse("sites:status", args=["CF7131-S001"])
        response = self.client.post(
            url, {"status": "closed", "date": "2014-05-01", "reason": "Returned home"}
        )
        self.assertRedirects(response, reverse("sites:detail", args=["CF7131-S001"]))
        self.boy_rabe.refresh_from_db()
        self.assertEqual(self.boy_rabe.status, "closed")
        bad = self.client.post(url, {"status": "merged", "date": "2014-05-02"}, follow=True)
        self.assertContains(bad, "Say which site this one was merged into.")

    def test_a_facilitator_cannot_change_the_status_of_a_site_outside_scope(self) -> None:
        self.login(self.fatou)
        response = self.client.post(
            reverse("sites:status", args=["CF7131-S001"]), {"status": "closed", "date": "2014-05-01"}
        )
        self.assertEqual(response.status_code, 404)
        self.boy_rabe.refresh_from_db()
        self.assertEqual(self.boy_rabe.status, "open")
