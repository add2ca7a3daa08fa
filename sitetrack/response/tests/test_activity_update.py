"""activity_update: a partner changes only their own organisation's activities."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.core.testing import BaseCase
from sitetrack.response.access import access_activity
from sitetrack.response.services import activity_update
from sitetrack.response.tests.helpers import make_activity, other_organisation


class ActivityUpdateTests(BaseCase):
    def setUp(self) -> None:
        self.nrc = other_organisation()
        self.own = make_activity(self, self.ngo)
        self.theirs = make_activity(self, self.nrc)

    def test_a_partner_changes_their_organisations_activity(self):
        activity_update(activity=self.own, user=self.paul, status="completed", end_date="2014-03-31")
        self.own.refresh_from_db()
        self.assertEqual(self.own.status, "completed")
        self.assertEqual(self.own.history.first().history_user, self.paul)

    def test_a_partner_cannot_change_another_organisations_activity(self):
        with self.assertRaises(PermissionDenied):
            activity_update(activity=self.theirs, user=self.paul, status="completed")
        self.theirs.refresh_from_db()
        self.assertEqual(self.theirs.status, "ongoing")

    def test_a_partner_cannot_hand_an_activity_to_another_organisation(self):
        with self.assertRaises(PermissionDenied):
            activity_update(activity=self.own, user=self.paul, organisation="NRC")
        self.own.refresh_from_db()
        self.assertEqual(self.own.organisation, self.ngo)

    def test_a_partner_sees_but_cannot_open_for_change_other_activities(self):
        self.assertEqual(access_activity(self.paul, self.operation, self.theirs.pk), self.theirs)
        with self.assertRaises(PermissionDenied):
            access_activity(self.paul, self.operation, self.theirs.pk, action="report_activity")

    def test_an_imo_changes_any_activity(self):
        activity_update(activity=self.theirs, user=self.imani, site="CF7131-S001")
        self.theirs.refresh_from_db()
        self.assertEqual(self.theirs.site, self.boy_rabe)
        self.assertEqual(self.theirs.admin_area, self.arr3_3)

    def test_saving_the_same_values_writes_no_history(self):
        before = self.own.history.count()
        activity_update(activity=self.own, user=self.paul, status="ongoing", site="CF7111-S001")
        self.assertEqual(self.own.history.count(), before)

    def test_it_refuses_a_site_outside_the_operation(self):
        with self.assertRaises(ValidationError) as caught:
            activity_update(activity=self.own, user=self.paul, site="XX-1")
        self.assertIn("site", caught.exception.message_dict)
