from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.core.testing import BaseCase
from sitetrack.sites.services import site_update


class SiteUpdateTest(BaseCase):
    def test_it_changes_fields_and_keeps_an_audit_record(self) -> None:
        site_update(site=self.mpoko, user=self.imani, capacity="80000", aliases="M'Poko; Aéroport")
        self.mpoko.refresh_from_db()
        self.assertEqual(self.mpoko.capacity, 80000)
        self.assertEqual(self.mpoko.aliases, ["M'Poko", "Aéroport"])
        latest = self.mpoko.history.first()
        self.assertEqual(latest.history_user, self.imani)
        self.assertEqual(latest.diff_against(latest.prev_record).changed_fields, ["aliases", "capacity"])

    def test_an_unchanged_update_writes_nothing(self) -> None:
        before = self.mpoko.history.count()
        site_update(site=self.mpoko, user=self.imani, capacity=100000, name="Aéroport M'Poko")
        self.assertEqual(self.mpoko.history.count(), before)

    def test_a_facilitator_edits_a_site_in_scope(self) -> None:
        site_update(site=self.mpoko, user=self.fatou, notes="Flooding near the runway")
        self.mpoko.refresh_from_db()
        self.assertEqual(self.mpoko.notes, "Flooding near the runway")

    def test_a_facilitator_cannot_change_a_site_outside_scope(self) -> None:
        with self.assertRaises(PermissionDenied):
            site_update(site=self.boy_rabe, user=self.fatou, notes="x")

    def test_a_facilitator_cannot_move_a_site_out_of_scope(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            site_update(site=self.mpoko, user=self.fatou, admin_area="CF7131", latitude=None, longitude=None)
        self.assertIn("outside the areas assigned to you", caught.exception.message_dict["admin_area"][0])

    def test_it_rejects_a_code_used_by_another_site(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            site_update(site=self.mpoko, user=self.imani, code="CF7131-S001")
        self.assertEqual(
            caught.exception.message_dict["code"],
            ["Site code CF7131-S001 is already used by Monastère Boy-Rabe."],
        )

    def test_it_rejects_malformed_coordinates(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            site_update(site=self.mpoko, user=self.imani, latitude="north")
        self.assertIn("Latitude must be a number", caught.exception.message_dict["latitude"][0])

    def test_viewers_cannot_edit(self) -> None:
        with self.assertRaises(PermissionDenied):
            site_update(site=self.mpoko, user=self.victor, notes="x")
