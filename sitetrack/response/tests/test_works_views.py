"""The site facilities page and the work order pages."""

from __future__ import annotations

from datetime import date

from sitetrack.core.testing import BaseCase
from sitetrack.response.models import Facility, WorkOrder
from sitetrack.response.tests.helpers import other_organisation


class SiteFacilitiesViewTests(BaseCase):
    def test_a_facilitator_adds_a_facility_and_sees_the_summary(self):
        self.login(self.fatou)
        response = self.client.post(
            "/response/sites/CF7111-S001/facilities/",
            {
                "kind": "latrine",
                "quantity": "6",
                "condition": "good",
                "usable": "on",
                "sex_segregated": "yes",
                "checked_on": "2014-02-03",
            },
        )
        self.assertRedirects(response, "/response/sites/CF7111-S001/facilities/")
        self.assertEqual(Facility.objects.get().quantity, 6)
        page = self.client.get("/response/sites/CF7111-S001/facilities/")
        self.assertContains(page, "Latrine")
        self.assertContains(page, "2014")

    def test_a_form_error_is_shown_not_saved(self):
        self.login(self.imani)
        response = self.client.post(
            "/response/sites/CF7111-S001/facilities/",
            {
                "kind": "latrine",
                "quantity": "1",
                "condition": "broken",
                "usable": "on",
                "checked_on": "2014-02-03",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errorlist")
        self.assertFalse(Facility.objects.exists())

    def test_a_viewer_reads_but_cannot_add(self):
        self.login(self.victor)
        self.assertNotContains(self.client.get("/response/sites/CF7111-S001/facilities/"), 'name="quantity"')
        response = self.client.post("/response/sites/CF7111-S001/facilities/", {"kind": "latrine"})
        self.assertEqual(response.status_code, 403)

    def test_a_facilitator_cannot_open_a_site_outside_their_scope(self):
        self.login(self.fatou)
        self.assertEqual(self.client.get("/response/sites/CF7131-S001/facilities/").status_code, 404)

    def test_an_imo_changes_a_facility_and_sees_its_history(self):
        facility = Facility.objects.create(site=self.mpoko, kind="shower", checked_on=date(2014, 2, 1))
        self.login(self.imani)
        response = self.client.post(
            f"/response/facilities/{facility.pk}/edit/",
            {
                "kind": "shower",
                "quantity": "3",
                "condition": "fair",
                "usable": "on",
                "checked_on": "2014-02-04",
            },
        )
        self.assertRedirects(response, "/response/sites/CF7111-S001/facilities/")
        facility.refresh_from_db()
        self.assertEqual((facility.quantity, facility.condition), (3, "fair"))
        self.assertContains(self.client.get(f"/response/facilities/{facility.pk}/edit/"), "imani")


class WorkOrderViewTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nrc = other_organisation()
        common = {"operation": cls.operation, "site": cls.mpoko, "requested_on": date(2014, 2, 1)}
        cls.ours = WorkOrder.objects.create(
            title="Repair pump", organisation=cls.ngo, status="assigned", **common
        )
        cls.theirs = WorkOrder.objects.create(
            title="Clear drains", organisation=cls.nrc, status="assigned", **common
        )

    def test_a_partner_lists_and_changes_only_their_organisations(self):
        self.login(self.paul)
        listing = self.client.get("/response/works/")
        self.assertContains(listing, "Repair pump")
        self.assertNotContains(listing, "Clear drains")
        self.assertEqual(self.client.get(f"/response/works/{self.theirs.pk}/").status_code, 404)
        response = self.client.post(
            f"/response/works/{self.ours.pk}/",
            {
                "kind": "maintenance",
                "title": "Repair pump",
                "priority": "high",
                "organisation": self.ngo.pk,
                "status": "in_progress",
            },
        )
        self.assertRedirects(response, f"/response/works/{self.ours.pk}/")
        self.ours.refresh_from_db()
        self.assertEqual((self.ours.status, self.ours.priority), ("in_progress", "high"))

    def test_an_imo_requests_works_from_the_form(self):
        self.login(self.imani)
        response = self.client.post(
            "/response/works/new/",
            {
                "site": "CF7131-S001",
                "kind": "improvement",
                "title": "Solar lights",
                "priority": "medium",
                "status": "requested",
                "estimated_cost": "450",
            },
        )
        order = WorkOrder.objects.get(title="Solar lights")
        self.assertRedirects(response, f"/response/works/{order.pk}/")
        self.assertContains(self.client.get(f"/response/works/{order.pk}/"), "Solar lights")

    def test_a_viewer_sees_the_work_order_without_a_form(self):
        self.login(self.victor)
        page = self.client.get(f"/response/works/{self.ours.pk}/")
        self.assertContains(page, "Repair pump")
        self.assertNotContains(page, 'name="status"')
        self.assertEqual(self.client.get("/response/works/new/").status_code, 403)


class FrenchPagesTests(BaseCase):
    def test_the_maintenance_and_strategy_pages_speak_french(self):
        WorkOrder.objects.create(
            operation=self.operation,
            site=self.mpoko,
            title="Pompe",
            priority="urgent",
            requested_on=date(2014, 2, 1),
        )
        Facility.objects.create(site=self.mpoko, kind="water_point", checked_on=date(2014, 2, 1))
        self.login(self.imani)
        works = self.client.get("/response/works/", HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(works, "Entretien des sites : ordres de travaux")
        self.assertContains(works, "Urgente")
        facilities = self.client.get("/response/sites/CF7111-S001/facilities/", HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(facilities, "Point d&#x27;eau")
        self.assertContains(
            self.client.get("/response/strategy/", HTTP_ACCEPT_LANGUAGE="fr"), "Stratégie de réponse"
        )
        self.assertContains(
            self.client.get("/response/import/", HTTP_ACCEPT_LANGUAGE="fr"), "Importer un fichier 3W"
        )
