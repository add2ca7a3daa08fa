"""activity_create: who may report for which organisation, and the rules of an activity."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.core.testing import BaseCase
from sitetrack.response.models import Activity
from sitetrack.response.services import activity_create
from sitetrack.response.tests.helpers import other_organisation


class ActivityCreateTests(BaseCase):
    def create(self, user, **fields):
        values = {
            "organisation": "DRC",
            "activity_type": "wash-latrines",
            "site": "CF7111-S001",
            "start_date": "2014-02-01",
            "status": "ongoing",
        }
        values.update(fields)
        return activity_create(operation=self.operation, user=user, **values)

    def test_a_partner_creates_an_activity_of_their_organisation(self):
        activity = self.create(self.paul, targeted_f_0_17=10, targeted_m_0_17=12)
        self.assertEqual(activity.organisation, self.ngo)
        self.assertEqual(activity.sector, "wash")
        self.assertEqual(activity.admin_area, self.arr1_3)
        self.assertEqual(activity.unit, "latrines")
        self.assertEqual(activity.targeted, 22)
        self.assertEqual(activity.history.first().history_user, self.paul)

    def test_a_partner_cannot_create_for_another_organisation(self):
        other_organisation()
        with self.assertRaises(PermissionDenied):
            self.create(self.paul, organisation="NRC")
        self.assertFalse(Activity.objects.exists())

    def test_an_imo_creates_for_any_organisation(self):
        nrc = other_organisation()
        self.assertEqual(self.create(self.imani, organisation="Norwegian Refugee Council").organisation, nrc)

    def test_viewers_and_facilitators_cannot_report(self):
        for user in (self.victor, self.fatou, self.olga):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.create(user)

    def test_area_wide_work_needs_only_an_admin_area(self):
        activity = self.create(self.paul, site=None, admin_area="CF711")
        self.assertIsNone(activity.site)
        self.assertEqual(activity.admin_area, self.arr1)

    def test_it_needs_a_site_or_an_area(self):
        with self.assertRaises(ValidationError) as caught:
            self.create(self.paul, site="")
        self.assertIn("site", caught.exception.message_dict)

    def test_it_names_every_bad_value(self):
        with self.assertRaises(ValidationError) as caught:
            self.create(
                self.paul,
                organisation="Nobody",
                activity_type="no-such-type",
                site="CF9999-S001",
                start_date="31/02/2014",
                status="finished",
                targeted="many",
            )
        errors = caught.exception.message_dict
        self.assertEqual(
            set(errors), {"organisation", "activity_type", "site", "start_date", "status", "targeted"}
        )
        self.assertIn("Nobody", errors["organisation"][0])
        self.assertIn("finished", errors["status"][0])

    def test_the_sector_must_be_the_activity_types(self):
        with self.assertRaises(ValidationError) as caught:
            self.create(self.paul, sector="health")
        self.assertIn("activity_type", caught.exception.message_dict)

    def test_bands_must_add_up_to_the_total(self):
        bands = {
            f"targeted_{b}": 10 for b in ("f_0_17", "m_0_17", "f_18_59", "m_18_59", "f_60_plus", "m_60_plus")
        }
        with self.assertRaises(ValidationError) as caught:
            self.create(self.paul, targeted=50, **bands)
        self.assertIn("60", caught.exception.message_dict["targeted"][0])
        with self.assertRaises(ValidationError) as caught:
            self.create(self.paul, targeted=5, targeted_pwd=6)
        self.assertIn("targeted_pwd", caught.exception.message_dict)
        self.assertEqual(self.create(self.paul, targeted="1 200", targeted_f_18_59=600).targeted, 1200)

    def test_the_end_cannot_come_before_the_start(self):
        with self.assertRaises(ValidationError) as caught:
            self.create(self.paul, end_date=date(2014, 1, 1))
        self.assertIn("end_date", caught.exception.message_dict)
