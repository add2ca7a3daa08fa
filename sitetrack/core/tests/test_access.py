from django.http import Http404

from sitetrack.core.access import access_site, can, visible_sites
from sitetrack.core.testing import BaseCase


class AccessTests(BaseCase):
    def test_a_facilitator_sees_only_sites_in_their_areas(self):
        codes = set(visible_sites(self.fatou, self.operation).values_list("code", flat=True))
        self.assertEqual(codes, {"CF7111-S001"})

    def test_an_imo_sees_every_site(self):
        self.assertEqual(visible_sites(self.imani, self.operation).count(), 2)

    def test_a_facilitator_cannot_reach_a_site_outside_their_scope(self):
        with self.assertRaises(Http404):
            access_site(self.fatou, self.operation, "CF7131-S001")

    def test_a_user_without_a_role_sees_nothing(self):
        self.assertEqual(visible_sites(self.olga, self.operation).count(), 0)
        self.assertFalse(can(self.olga, self.operation, "read"))

    def test_a_site_assigned_directly_is_in_scope(self):
        self.fatou.memberships.get().sites.add(self.boy_rabe)
        self.assertEqual(visible_sites(self.fatou, self.operation).count(), 2)

    def test_roles_grant_their_actions_only(self):
        self.assertTrue(can(self.imani, self.operation, "validate"))
        self.assertFalse(can(self.fatou, self.operation, "validate"))
        self.assertFalse(can(self.victor, self.operation, "edit_site"))
