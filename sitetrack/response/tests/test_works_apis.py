"""The facilities and work orders API: partners see and change only their
organisation's work orders."""

from __future__ import annotations

from datetime import date

from sitetrack.core.testing import BaseCase
from sitetrack.response.models import Facility, WorkOrder
from sitetrack.response.tests.helpers import other_organisation


class FacilityApiTests(BaseCase):
    def test_an_imo_adds_and_changes_a_facility_and_a_facilitator_sees_their_sites_only(self):
        api = self.api_as(self.imani)
        created = api.post(
            "/api/facilities/",
            {"site": "CF7131-S001", "kind": "water_point", "quantity": 2, "checked_on": "2014-02-01"},
            format="json",
        )
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(created.json()["site"], "CF7131-S001")
        changed = api.patch(f"/api/facilities/{created.json()['id']}/", {"usable": False}, format="json")
        self.assertEqual(changed.json()["usable"], False)
        Facility.objects.create(site=self.mpoko, kind="latrine", checked_on=date(2014, 2, 1))
        self.assertEqual(api.get("/api/facilities/").json()["count"], 2)
        self.assertEqual(
            [f["site"] for f in self.api_as(self.fatou).get("/api/facilities/").json()["results"]],
            ["CF7111-S001"],
        )

    def test_errors_are_400_with_field_messages(self):
        response = self.api_as(self.imani).post(
            "/api/facilities/", {"site": "NOPE", "kind": "latrine"}, format="json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("site", response.json())

    def test_a_partner_cannot_keep_the_inventory(self):
        response = self.api_as(self.paul).post(
            "/api/facilities/", {"site": "CF7111-S001", "kind": "latrine"}, format="json"
        )
        self.assertEqual(response.status_code, 403)


class WorkOrderApiTests(BaseCase):
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

    def test_a_partner_lists_only_their_organisations_work_orders(self):
        titles = [o["title"] for o in self.api_as(self.paul).get("/api/work-orders/").json()["results"]]
        self.assertEqual(titles, ["Repair pump"])
        self.assertEqual(self.api_as(self.paul).get(f"/api/work-orders/{self.theirs.pk}/").status_code, 404)
        self.assertEqual(self.api_as(self.victor).get("/api/work-orders/").json()["count"], 2)

    def test_a_partner_moves_their_work_order_along(self):
        api = self.api_as(self.paul)
        response = api.patch(f"/api/work-orders/{self.ours.pk}/", {"status": "in_progress"}, format="json")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "in_progress")
        self.assertIsNotNone(response.json()["started_on"])

    def test_a_viewer_cannot_change_a_work_order(self):
        response = self.api_as(self.victor).patch(
            f"/api/work-orders/{self.ours.pk}/", {"status": "done"}, format="json"
        )
        self.assertEqual(response.status_code, 403)

    def test_an_imo_requests_works(self):
        response = self.api_as(self.imani).post(
            "/api/work-orders/",
            {
                "site": "CF7111-S001",
                "title": "Light the path",
                "kind": "improvement",
                "organisation": "NRC",
                "estimated_cost": "300.00",
            },
            format="json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual((response.json()["organisation"], response.json()["status"]), ("NRC", "requested"))

    def test_the_endpoints_are_in_the_schema(self):
        schema = self.api_as(self.imani).get("/api/schema/?format=json").json()["paths"]
        for path in (
            "/api/facilities/",
            "/api/facilities/{id}/",
            "/api/work-orders/",
            "/api/work-orders/{id}/",
        ):
            self.assertIn(path, schema)
