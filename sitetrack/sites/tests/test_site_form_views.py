from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.geo.spatial import bbox_polygon
from sitetrack.sites.models import Site


class SiteFormViewsTest(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.arr1.boundary = bbox_polygon(18.50, 4.35, 18.60, 4.42)
        cls.arr1.save()

    def form(self, **overrides) -> dict:
        data = {
            "name": "Centre Jean XXIII",
            "site_type": "collective_centre",
            "admin_area": "CF7111",
            "latitude": "4.38",
            "longitude": "18.55",
            "capacity": "1200",
        }
        data.update(overrides)
        return data

    def test_an_imo_creates_a_site(self) -> None:
        self.login(self.imani)
        response = self.client.post(reverse("sites:create"), self.form())
        self.assertRedirects(response, reverse("sites:detail", args=["CF7111-S002"]))
        self.assertEqual(Site.objects.get(code="CF7111-S002").capacity, 1200)

    def test_the_form_shows_service_errors_next_to_the_fields(self) -> None:
        self.login(self.imani)
        url = reverse("sites:create")
        duplicate = self.client.post(url, self.form(code="CF7111-S001"))
        self.assertContains(duplicate, "Site code CF7111-S001 is already used by Aéroport M&#x27;Poko.")
        self.assertContains(duplicate, 'id="id_code-errors"')
        outside = self.client.post(url, self.form(latitude="4.9", longitude="18.2"))
        self.assertContains(outside, "The point 4.9, 18.2 lies outside 1er Arrondissement (CF711).")
        malformed = self.client.post(url, self.form(latitude="4.38.1"))
        self.assertContains(malformed, "Latitude must be a number in decimal degrees, got “4.38.1”.")
        unknown = self.client.post(url, self.form(admin_area="CF0000"))
        self.assertContains(unknown, "Unknown P-code “CF0000”.")
        self.assertContains(unknown, 'id="id_admin_area-errors"')
        self.assertEqual(Site.objects.count(), 2)

    def test_a_facilitator_cannot_open_the_create_form(self) -> None:
        self.login(self.fatou)
        self.assertEqual(self.client.get(reverse("sites:create")).status_code, 403)
        self.assertEqual(self.client.post(reverse("sites:create"), self.form()).status_code, 403)

    def test_a_facilitator_edits_a_site_in_scope(self) -> None:
        self.login(self.fatou)
        url = reverse("sites:edit", args=["CF7111-S001"])
        self.assertContains(self.client.get(url), 'value="CF7111"')
        data = self.form(
            name="Aéroport M'Poko",
            site_type="spontaneous_site",
            latitude="4.3986",
            longitude="18.5189",
            capacity="95000",
        )
        response = self.client.post(url, data)
        self.assertRedirects(response, reverse("sites:detail", args=["CF7111-S001"]))
        self.mpoko.refresh_from_db()
        self.assertEqual(self.mpoko.capacity, 95000)
        self.assertEqual(self.mpoko.history.first().history_user, self.fatou)

    def test_a_facilitator_gets_404_when_editing_a_site_outside_scope(self) -> None:
        self.login(self.fatou)
        url = reverse("sites:edit", args=["CF7131-S001"])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, self.form(admin_area="CF7131")).status_code, 404)
        self.boy_rabe.refresh_from_db()
        self.assertEqual(self.boy_rabe.name, "Monastère Boy-Rabe")

    def test_a_facilitator_cannot_move_a_site_out_of_scope(self) -> None:
        self.login(self.fatou)
        data = self.form(admin_area="CF7131", latitude="", longitude="")
        response = self.client.post(reverse("sites:edit", args=["CF7111-S001"]), data)
        self.assertContains(response, "is outside the areas assigned to you")
        self.mpoko.refresh_from_db()
        self.assertEqual(self.mpoko.admin_area, self.arr1_3)

    def test_a_viewer_cannot_edit(self) -> None:
        self.login(self.victor)
        self.assertEqual(self.client.get(reverse("sites:edit", args=["CF7111-S001"])).status_code, 403)
