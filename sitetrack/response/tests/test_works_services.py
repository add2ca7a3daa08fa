"""Facility inventory and work order services: rules, life cycle, who may do what."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.core.testing import BaseCase
from sitetrack.response.services import facility_create, facility_update, work_order_create, work_order_update
from sitetrack.response.tests.helpers import other_organisation


class FacilityServiceTests(BaseCase):
    def test_a_facilitator_records_a_facility_in_their_scope(self):
        facility = facility_create(
            operation=self.operation,
            user=self.fatou,
            site="CF7111-S001",
            kind="latrine",
            quantity=8,
            sex_segregated="yes",
            lockable="non",
            checked_on="2014-02-03",
        )
        self.assertEqual(
            (facility.site, facility.quantity, facility.sex_segregated, facility.lockable, facility.usable),
            (self.mpoko, 8, True, False, True),
        )
        self.assertEqual(facility.history.count(), 1)

    def test_outside_their_scope_the_site_is_unknown(self):
        with self.assertRaises(ValidationError) as raised:
            facility_create(operation=self.operation, user=self.fatou, site="CF7131-S001", kind="latrine")
        self.assertIn("site", raised.exception.message_dict)

    def test_partners_and_viewers_do_not_keep_inventories(self):
        for user in (self.paul, self.victor):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                facility_create(operation=self.operation, user=user, site=self.mpoko, kind="latrine")

    def test_bad_values_are_named(self):
        with self.assertRaises(ValidationError) as raised:
            facility_create(
                operation=self.operation,
                user=self.imani,
                site=self.mpoko,
                kind="swimming pool",
                quantity="-2",
                usable="maybe",
                checked_on="2999-01-01",
            )
        self.assertEqual(set(raised.exception.message_dict), {"kind", "quantity", "usable", "checked_on"})

    def test_numbers_beyond_what_is_stored_are_refused(self):
        with self.assertRaises(ValidationError) as raised:
            facility_create(
                operation=self.operation, user=self.imani, site=self.mpoko, kind="latrine", quantity=10**12
            )
        self.assertIn("quantity", raised.exception.message_dict)
        with self.assertRaises(ValidationError) as raised:
            work_order_create(
                operation=self.operation, user=self.imani, site=self.mpoko, title="x", estimated_cost="1e15"
            )
        self.assertIn("estimated_cost", raised.exception.message_dict)

    def test_a_facility_out_of_order_is_not_usable(self):
        facility = facility_create(operation=self.operation, user=self.imani, site=self.mpoko, kind="shower")
        with self.assertRaises(ValidationError) as raised:
            facility_update(facility=facility, user=self.imani, condition="broken")
        self.assertIn("usable", raised.exception.message_dict)
        facility = facility_update(facility=facility, user=self.imani, condition="broken", usable=False)
        self.assertEqual(facility.history.count(), 2)


class WorkOrderServiceTests(BaseCase):
    def request(self, user=None, **extra):
        values = {"title": "Empty latrine block C", "priority": "high", "today": date(2014, 2, 1)}
        return work_order_create(
            operation=self.operation, user=user or self.imani, site=self.mpoko, **(values | extra)
        )

    def test_the_life_cycle_fills_its_dates(self):
        order = self.request(organisation="DRC", due_date="2014-02-10", estimated_cost="1 200")
        self.assertEqual(
            (order.status, order.requested_on, order.organisation), ("requested", date(2014, 2, 1), self.ngo)
        )
        order = work_order_update(order=order, user=self.imani, status="assigned", today=date(2014, 2, 2))
        order = work_order_update(order=order, user=self.paul, status="in_progress", today=date(2014, 2, 4))
        self.assertEqual(order.started_on, date(2014, 2, 4))
        order = work_order_update(
            order=order, user=self.paul, status="done", actual_cost="950", today=date(2014, 2, 9)
        )
        self.assertEqual((order.completed_on, float(order.actual_cost)), (date(2014, 2, 9), 950.0))
        self.assertEqual(
            [h.status for h in order.history.order_by("history_date")],
            ["requested", "assigned", "in_progress", "done"],
        )
        with self.assertRaises(ValidationError) as raised:
            work_order_update(order=order, user=self.imani, status="requested")
        self.assertIn("status", raised.exception.message_dict)

    def test_assigning_needs_an_organisation(self):
        order = self.request()
        with self.assertRaises(ValidationError) as raised:
            work_order_update(order=order, user=self.imani, status="assigned")
        self.assertIn("organisation", raised.exception.message_dict)

    def test_dates_must_be_in_order(self):
        with self.assertRaises(ValidationError) as raised:
            self.request(requested_on="2014-02-05", due_date="2014-02-01")
        self.assertIn("due_date", raised.exception.message_dict)

    def test_a_partner_requests_for_their_own_organisation_only(self):
        other_organisation()
        order = self.request(user=self.paul, organisation="NRC")
        self.assertEqual(order.organisation, self.ngo)

    def test_a_partner_cannot_change_another_organisations_work_order(self):
        nrc = other_organisation()
        order = self.request(organisation=nrc)
        with self.assertRaises(PermissionDenied):
            work_order_update(order=order, user=self.paul, status="in_progress")
        own = self.request(organisation=self.ngo)
        with self.assertRaises(ValidationError):
            work_order_update(order=own, user=self.paul, organisation="NRC")

    def test_viewers_do_not_request_works(self):
        with self.assertRaises(PermissionDenied):
            self.request(user=self.victor)
