from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site, SiteType


class SiteListViewTest(BaseCase):
    def test_it_lists_and_filters_sites(self) -> None:
        self.login(self.victor)
        url = reverse("sites:list")
        page = self.client.get(url)
        self.assertContains(page, "CF7111-S001")
        self.assertContains(page, "CF7131-S001")
        filtered = self.client.get(url, {"q": "rabe"})
        self.assertNotContains(filtered, "CF7111-S001")
        self.assertContains(filtered, "CF7131-S001")
        by_area = self.client.get(url, {"area": "CF711"})
        self.assertContains(by_area, "CF7111-S001")
        self.assertNotContains(by_area, "CF7131-S001")
        by_type = self.client.get(url, {"site_type": "collective_centre"})
        self.assertNotContains(by_type, "CF7111-S001")

    def test_a_facilitator_sees_only_sites_in_scope(self) -> None:
        self.login(self.fatou)
        page = self.client.get(reverse("sites:list"))
        self.assertContains(page, "CF7111-S001")
        self.assertNotContains(page, "CF7131-S001")

    def test_it_paginates(self) -> None:
        Site.objects.bulk_create(
            Site(
                operation=self.operation,
                code=f"CF111-S{n:03d}",
                name=f"Site {n}",
                site_type=SiteType.TRANSIT_CENTRE,
                admin_area=self.bimbo,
            )
            for n in range(1, 60)
        )
        self.login(self.imani)
        first = self.client.get(reverse("sites:list"))
        self.assertContains(first, "Page 1 of 2")
        second = self.client.get(reverse("sites:list"), {"page": 2})
        self.assertContains(second, "CF7131-S001")
        self.assertNotContains(second, "CF111-S001<")

    def test_anonymous_users_are_sent_to_log_in(self) -> None:
        response = self.client.get(reverse("sites:list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_it_is_translated_into_french(self) -> None:
        self.login(self.victor)
        page = self.client.get(reverse("sites:list"), HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(page, "Rechercher")
        self.assertContains(page, "Site spontané")
