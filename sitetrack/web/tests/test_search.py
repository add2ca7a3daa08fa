from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site, SiteType


class SearchTest(BaseCase):
    def setUp(self) -> None:
        self.login(self.imani)

    def test_an_exact_code_opens_the_site(self) -> None:
        page = self.client.get(reverse("web:search"), {"q": "cf7111-s001"})
        self.assertRedirects(page, reverse("sites:detail", args=[self.mpoko.code]))

    def test_it_finds_sites_by_alias(self) -> None:
        self.boy_rabe.aliases = ["Boy Rabe monastery"]
        self.boy_rabe.save()
        Site.objects.create(
            operation=self.operation,
            code="CF7131-S002",
            name="Boy-Rabe II",
            site_type=SiteType.COLLECTIVE_CENTRE,
            admin_area=self.arr3_3,
        )
        page = self.client.get(reverse("web:search"), {"q": "monastery"})
        self.assertRedirects(page, reverse("sites:detail", args=[self.boy_rabe.code]))
        page = self.client.get(reverse("web:search"), {"q": "boy"})
        self.assertEqual([s.code for s in page.context["results"]], ["CF7131-S001", "CF7131-S002"])

    def test_a_facilitator_finds_only_sites_in_their_areas(self) -> None:
        self.login(self.fatou)
        page = self.client.get(reverse("web:search"), {"q": "Boy-Rabe"})
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.context["results"], [])
        self.assertContains(page, "No site in your areas")
