import datetime

from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.core.models import Operation
from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site, SiteStatus, SiteType
from sitetrack.sites.services import site_change_status


class SiteChangeStatusTest(BaseCase):
    def test_it_closes_a_site_with_a_dated_record(self) -> None:
        change = site_change_status(
            site=self.boy_rabe,
            user=self.imani,
            status="closed",
            date="2014-03-01",
            reason="Families returned",
        )
        self.boy_rabe.refresh_from_db()
        self.assertEqual(self.boy_rabe.status, SiteStatus.CLOSED)
        self.assertEqual(change.date, datetime.date(2014, 3, 1))
        self.assertEqual(change.recorded_by, self.imani)
        self.assertEqual(self.boy_rabe.history.first().history_user, self.imani)

    def test_a_merge_needs_a_target(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            site_change_status(site=self.boy_rabe, user=self.imani, status="merged", date="2014-03-01")
        self.assertEqual(
            caught.exception.message_dict["target"], ["Say which site this one was merged into."]
        )

    def test_it_merges_into_a_site_of_the_same_operation(self) -> None:
        change = site_change_status(
            site=self.boy_rabe, user=self.imani, status="merged", date="2014-03-01", target="CF7111-S001"
        )
        self.assertEqual(change.target, self.mpoko)

    def test_it_refuses_a_target_in_another_operation(self) -> None:
        other_op = Operation.objects.create(slug="other", name="Other", country=self.car)
        other = Site.objects.create(
            operation=other_op,
            code="X-1",
            name="Other",
            site_type=SiteType.PLANNED_CAMP,
            admin_area=self.bimbo,
        )
        with self.assertRaises(ValidationError) as caught:
            site_change_status(
                site=self.boy_rabe, user=self.imani, status="merged", date="2014-03-01", target=other
            )
        self.assertIn("belongs to another operation", caught.exception.message_dict["target"][0])

    def test_it_refuses_a_merge_into_itself_and_a_bad_date(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            site_change_status(
                site=self.boy_rabe, user=self.imani, status="merged", date="soon", target=self.boy_rabe
            )
        self.assertEqual(set(caught.exception.message_dict), {"target", "date"})

    def test_a_facilitator_cannot_close_a_site_outside_scope(self) -> None:
        with self.assertRaises(PermissionDenied):
            site_change_status(site=self.boy_rabe, user=self.fatou, status="closed", date="2014-03-01")
