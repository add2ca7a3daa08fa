"""A referral from open to resolved (and a declined one), with the emails to the receiving
focal point at each step."""

from __future__ import annotations

from datetime import date

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.core.testing import BaseCase
from sitetrack.response.access import visible_referrals
from sitetrack.response.models import Referral
from sitetrack.response.selectors import referral_stats
from sitetrack.response.services import referral_change_status, referral_comment, referral_create
from sitetrack.response.tests.helpers import other_organisation

TODAY = date(2014, 3, 1)


class ReferralLifeCycleTests(BaseCase):
    def refer(self, **extra) -> Referral:
        values = {
            "operation": self.operation,
            "user": self.imani,
            "sector": "wash",
            "title": "No working latrine in block C",
            "due_date": date(2014, 3, 15),
            "site": "CF7111-S001",
            "to_organisation": self.ngo,
            "focal_point_name": "WASH focal point",
            "focal_point_email": "wash.fp@example.org",
            "description": "Latrines full since February.",
            "today": TODAY,
        }
        values.update(extra)
        return referral_create(**values)

    def test_a_referral_goes_from_open_to_resolved_with_an_email_at_each_step(self):
        referral = self.refer()
        self.assertEqual(referral.status, "open")
        self.assertEqual(len(mail.outbox), 1)
        first = mail.outbox[0]
        self.assertEqual(first.to, ["wash.fp@example.org"])
        self.assertIn("No working latrine in block C", first.subject)
        self.assertIn("CF7111-S001", first.subject)
        self.assertIn("2014-03-15", first.body)

        # The receiving organisation's partner moves it along; a viewer cannot even see it.
        self.assertIn(referral, visible_referrals(self.paul, self.operation))
        self.assertNotIn(referral, visible_referrals(self.victor, self.operation))
        referral_change_status(referral=referral, user=self.paul, status="acknowledged")
        referral_comment(referral=referral, user=self.paul, text="Desludging team booked for Monday.")
        referral_change_status(referral=referral, user=self.paul, status="in_progress")
        referral_change_status(
            referral=referral, user=self.paul, status="resolved", comment="Two latrines emptied."
        )
        referral.refresh_from_db()
        self.assertEqual(referral.status, "resolved")
        self.assertIsNotNone(referral.acknowledged_at)
        self.assertIsNotNone(referral.closed_at)
        self.assertEqual(len(mail.outbox), 5)
        self.assertIn("Desludging team booked", mail.outbox[2].body)
        self.assertIn("Two latrines emptied.", mail.outbox[4].body)
        self.assertEqual(
            [c.status for c in referral.comments.all()], ["acknowledged", "", "in_progress", "resolved"]
        )
        # Closed: no more moves, not overdue even after its due date.
        with self.assertRaises(ValidationError):
            referral_change_status(referral=referral, user=self.imani, status="in_progress")
        self.assertFalse(referral.is_overdue(date(2014, 4, 1)))
        self.assertEqual(referral.history.count(), 4)  # created + three moves

    def test_declining_needs_a_reason_that_the_focal_point_reads(self):
        referral = self.refer()
        with self.assertRaises(ValidationError) as caught:
            referral_change_status(referral=referral, user=self.paul, status="declined")
        self.assertIn("reason", caught.exception.message_dict)
        referral_change_status(
            referral=referral, user=self.paul, status="declined", reason="Outside our area."
        )
        referral.refresh_from_db()
        self.assertEqual(referral.declined_reason, "Outside our area.")
        self.assertIn("Outside our area.", mail.outbox[-1].body)

    def test_only_the_imo_and_the_receiving_organisation_move_it(self):
        referral = self.refer(to_organisation=other_organisation())
        with self.assertRaises(PermissionDenied):
            referral_change_status(referral=referral, user=self.paul, status="acknowledged")
        with self.assertRaises(PermissionDenied):
            self.refer(user=self.paul)

    def test_it_refuses_a_due_date_in_the_past_and_a_referral_without_recipient(self):
        with self.assertRaises(ValidationError) as caught:
            self.refer(due_date="2014-02-01", to_organisation=None, focal_point_email="")
        self.assertEqual(set(caught.exception.message_dict), {"due_date", "focal_point_email"})

    def test_overdue_referrals_are_flagged_and_counted_per_sector(self):
        late = self.refer(due_date=date(2014, 3, 5))
        self.refer(due_date=date(2014, 3, 20))
        self.refer(sector="health", due_date=date(2014, 3, 2))
        done = self.refer(sector="health")
        referral_change_status(referral=done, user=self.imani, status="acknowledged")
        referral_change_status(referral=done, user=self.imani, status="resolved")
        Referral.objects.filter(pk=done.pk).update(
            created_at="2014-03-01T08:00:00Z", closed_at="2014-03-05T08:00:00Z"
        )
        today = date(2014, 3, 10)
        self.assertTrue(late.is_overdue(today))
        stats = {row["sector"]: row for row in referral_stats(operation=self.operation, today=today)}
        self.assertEqual(
            (stats["wash"]["open"], stats["wash"]["overdue"], stats["wash"]["resolved"]), (2, 1, 0)
        )
        self.assertEqual(
            (stats["health"]["open"], stats["health"]["overdue"], stats["health"]["resolved"]), (1, 1, 1)
        )
        self.assertEqual(stats["health"]["median_days_to_resolution"], 4)
        self.assertIsNone(stats["wash"]["median_days_to_resolution"])
