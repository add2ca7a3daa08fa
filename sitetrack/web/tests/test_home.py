from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site, SiteType
from sitetrack.sites.services import site_change_status


class HomeTest(BaseCase):
    def test_it_shows_open_sites_by_type_and_admin1(self) -> None:
        Site.objects.create(
            operation=self.operation,
            code="CF111-S001",
            name="Bimbo",
            site_type=SiteType.TRANSIT_CENTRE,
            admin_area=self.bimbo,
            capacity=500,
        )
        site_change_status(site=self.boy_rabe, user=None, status="closed", date="2014-03-01")
        self.login(self.imani)
        page = self.client.get(reverse("web:home"))
        figures = page.context["figures"]
        self.assertEqual(
            (figures["all_sites"], figures["open_sites"], figures["open_capacity"]), (3, 2, 100500)
        )
        by_admin1 = {row["admin1"]: (row["sites"], row["capacity"]) for row in figures["by_admin1"]}
        self.assertEqual(by_admin1, {"CF11": (1, 500), "CF71": (1, 100000)})
        by_type = {row["site_type"]: row["sites"] for row in figures["by_type"]}
        self.assertEqual(by_type, {"spontaneous_site": 1, "transit_centre": 1})
        self.assertContains(page, "Ombella M&#x27;Poko")

    def test_a_facilitator_sees_figures_for_their_scope(self) -> None:
        self.login(self.fatou)
        self.assertEqual(self.client.get(reverse("web:home")).context["figures"]["open_sites"], 1)

    def test_someone_without_operation_is_told_so(self) -> None:
        self.login(self.olga)
        self.assertContains(self.client.get(reverse("web:home")), "You are not a member of any operation")
