from django.core.exceptions import PermissionDenied
from django.http import Http404

from sitetrack.core.access import (
    Allowed,
    access_assessment,
    access_catalogue_version,
    access_duplicate_hold,
    access_import_run,
    access_mapping,
    access_round,
    access_site,
    access_subscription,
    can,
    report_scope_q,
    visible_sites,
)
from sitetrack.core.models import Membership, Operation, Role
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


class ObjectAccessTests(BaseCase):
    """Every object is reached through an access_* helper: 404 outside the operation or
    the user's scope (also for ids that are not numbers), 403 when the role may not act."""

    def setUp(self) -> None:
        from sitetrack.assessments.services import assessment_save
        from sitetrack.assessments.tests.fixtures import good_values, make_round

        self.round = make_round(self.operation)
        self.mine = assessment_save(site=self.mpoko, round=self.round, user=self.imani, values=good_values())
        self.theirs = assessment_save(
            site=self.boy_rabe, round=self.round, user=self.imani, values=good_values()
        )
        self.other = Operation.objects.create(slug="other", name="Other", country=self.car)

    def test_a_facilitator_reaches_assessments_in_their_scope_only(self):
        self.assertEqual(access_assessment(self.fatou, self.operation, self.mine.pk), self.mine)
        with self.assertRaises(Http404):
            access_assessment(self.fatou, self.operation, self.theirs.pk)
        self.assertEqual(access_assessment(self.imani, self.operation, self.theirs.pk), self.theirs)

    def test_a_round_of_another_operation_is_not_found(self):
        self.assertEqual(access_round(self.victor, self.operation, self.round.pk), self.round)
        Membership.objects.create(user=self.victor, operation=self.other, role=Role.VIEWER)
        with self.assertRaises(Http404):
            access_round(self.victor, self.other, self.round.pk)
        with self.assertRaises(PermissionDenied):
            access_round(self.olga, self.operation, self.round.pk)

    def test_ids_that_are_not_whole_numbers_are_not_found(self):
        for bad in ("abc", "1.5", None, True, 10**30, -1, "٣"):
            with self.subTest(bad=bad), self.assertRaises(Http404):
                access_assessment(self.imani, self.operation, bad)

    def test_import_runs_mappings_and_holds_need_their_role(self):
        for helper in (access_import_run, access_mapping, access_duplicate_hold):
            with self.subTest(helper=helper.__name__):
                with self.assertRaises(PermissionDenied):
                    helper(self.fatou, self.operation, 1)
                with self.assertRaises(Http404):
                    helper(self.imani, self.operation, 999_999)

    def test_subscriptions_are_for_publishers(self):
        with self.assertRaises(PermissionDenied):
            access_subscription(self.victor, self.operation, 1)
        with self.assertRaises(Http404):
            access_subscription(self.imani, self.operation, 999_999)

    def test_the_default_catalogue_version_is_readable_by_number(self):
        from sitetrack.core.catalogue import catalogue_for

        version = catalogue_for(self.operation).version
        self.assertEqual(access_catalogue_version(self.victor, self.operation, version.number), version)
        with self.assertRaises(Http404):
            access_catalogue_version(self.victor, self.operation, 999)

    def test_templates_ask_by_action_never_by_role(self):
        self.assertTrue(Allowed(self.imani, self.operation).manage_catalogue)
        self.assertFalse(Allowed(self.fatou, self.operation)["manage_catalogue"])
        self.assertFalse(Allowed(None, None).read)
        self.client.force_login(self.fatou)
        nav = 'href="/assessments/catalogue/">Indicators</a>'
        self.assertNotContains(self.client.get("/assessments/"), nav)
        self.client.force_login(self.imani)
        self.assertContains(self.client.get("/assessments/"), nav)

    def test_a_facilitators_report_scope_is_their_areas_and_the_published_report_is_everything(self):
        self.assertIsNotNone(report_scope_q(self.fatou, self.operation))
        self.assertIsNone(report_scope_q(self.imani, self.operation))
        self.assertIsNone(report_scope_q(None, self.operation))


class OperationBySlugTests(BaseCase):
    """operation_by_slug: the API's operation lookup, the membership in the same query."""

    def test_a_member_gets_the_operation_and_their_role_without_another_query(self):
        from django.contrib.auth.models import User

        from sitetrack.core.access import operation_by_slug

        fatou = User.objects.get(pk=self.fatou.pk)  # a fresh user, as each request has
        operation = operation_by_slug(fatou, self.operation.slug)
        self.assertEqual(operation, self.operation)
        with self.assertNumQueries(0):
            self.assertTrue(can(fatou, operation, "assess"))
            self.assertFalse(can(fatou, operation, "validate"))

    def test_a_user_without_a_role_there_gets_none(self):
        from sitetrack.core.access import operation_by_slug

        self.assertIsNone(operation_by_slug(self.olga, self.operation.slug))
        self.assertIsNone(operation_by_slug(self.imani, "no-such-operation"))

    def test_a_superuser_reaches_any_operation(self):
        from django.contrib.auth.models import User

        from sitetrack.core.access import operation_by_slug

        root = User.objects.create_superuser("root", "root@example.org", "x-long-password-1")
        self.assertEqual(operation_by_slug(root, self.operation.slug), self.operation)
        self.assertTrue(can(root, self.operation, "manage_users"))


class CurrentOperationTests(BaseCase):
    """Every page finds its operation through one helper (core.access.current_operation)."""

    def request(self, user, operation):
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        request.user, request.operation = user, operation
        return request

    def test_a_user_in_no_operation_gets_404_and_a_member_gets_the_operation(self):
        from sitetrack.core.access import current_operation

        with self.assertRaises(Http404):
            current_operation(self.request(self.olga, None))
        self.assertEqual(current_operation(self.request(self.victor, self.operation)), self.operation)

    def test_an_action_the_role_does_not_allow_is_refused(self):
        from sitetrack.core.access import current_operation

        with self.assertRaises(PermissionDenied):
            current_operation(self.request(self.victor, self.operation), action="publish")
        self.assertEqual(
            current_operation(self.request(self.imani, self.operation), action="publish"), self.operation
        )
