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


class SiteListAreaFilterTest(BaseCase):
    """The admin area filter lists admin1 areas with sites, and the admin2 areas of the
    chosen admin1 only (a national country has 1,632 admin1 and admin2 areas)."""

    def options(self, **params) -> list[tuple[str, bool]]:
        import re

        page = self.client.get(reverse("sites:list"), params).content.decode()
        select = page.split('id="f-area"', 1)[1].split("</select>", 1)[0]
        return [
            (value, bool(selected))
            for value, selected in re.findall(r'<option value="([^"]*)"( selected)?', select)
            if value
        ]

    def test_it_lists_the_admin1_areas_holding_sites_and_not_their_admin2_areas(self) -> None:
        self.login(self.imani)
        # Bangui holds both sites; Ombella M'Poko (CF11) has none.
        self.assertEqual(self.options(), [("CF71", False)])

    def test_choosing_an_admin1_area_lists_its_admin2_areas_with_sites(self) -> None:
        self.login(self.imani)
        self.assertEqual(self.options(area="CF71"), [("CF71", True), ("CF711", False), ("CF713", False)])

    def test_a_chosen_admin2_or_admin3_area_is_shown_chosen_in_its_branch(self) -> None:
        self.login(self.imani)
        self.assertEqual(self.options(area="CF713"), [("CF71", False), ("CF711", False), ("CF713", True)])
        self.assertEqual(
            self.options(area="cf7111"),
            [("CF71", False), ("CF711", False), ("CF7111", True), ("CF713", False)],
        )

    def test_a_facilitator_is_offered_only_the_areas_of_their_sites(self) -> None:
        self.login(self.fatou)
        self.assertEqual(self.options(area="CF71"), [("CF71", True), ("CF711", False)])

    def test_an_area_without_sites_given_in_the_address_is_still_shown_chosen(self) -> None:
        self.login(self.imani)
        self.assertEqual(self.options(area="CF11"), [("CF71", False), ("CF11", True)])

    def test_the_names_follow_the_reader_language(self) -> None:
        self.bangui.name_fr = "Bangui (ville)"
        self.bangui.save()
        self.login(self.imani)
        page = self.client.get(reverse("sites:list"), HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(page, "Bangui (ville) (CF71)")
