"""The geo and operation demo steps: run twice without error, same result."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import TestCase, override_settings
from rest_framework.authtoken.models import Token
from shapely.geometry import Point, shape

from sitetrack.core.access import can, visible_sites
from sitetrack.core.models import Membership, Operation, Organisation, Role
from sitetrack.demo.builders import geo, operation
from sitetrack.demo.context import DEMO_PASSWORD, DemoContext
from sitetrack.geo.models import AdminArea


def run_steps() -> DemoContext:
    ctx = DemoContext(log=lambda message: None)
    geo.build(ctx)
    operation.build(ctx)
    return ctx


# setUpTestData runs before the per-test fixture that makes hashing fast.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DemoGeoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.ctx = run_steps()

    def test_it_builds_the_real_car_hierarchy(self) -> None:
        self.assertEqual(AdminArea.objects.filter(level=1).count(), 17)
        self.assertEqual(AdminArea.objects.get(pcode="CF711").name_en, "1er Arrondissement")
        self.assertEqual(AdminArea.objects.get(pcode="CF").max_lon, 27.5)

    def test_bangui_and_ombella_have_approximate_boundaries_that_tile(self) -> None:
        with_boundary = set(AdminArea.objects.filter(boundary__isnull=False).values_list("pcode", flat=True))
        expected = {f"CF71{n}" for n in range(1, 9)} | {f"CF71{n}1" for n in range(1, 9)} | {"CF71", "CF11"}
        expected |= {f"CF11{n}" for n in range(1, 7)}
        expected |= {"CF1111", "CF1121", "CF1131", "CF1141", "CF1151", "CF1152", "CF1161", "CF1162"}
        self.assertEqual(with_boundary, expected)
        bangui = AdminArea.objects.get(pcode="CF71")
        self.assertIn("not an official boundary", bangui.source)
        self.assertLess(bangui.min_lat, 4.36)
        self.assertGreater(bangui.max_lat, 4.36)
        # The city centre (PK0) is in the 1er arrondissement, and in no other.
        pk0 = Point(18.5867, 4.3619)
        containing = [
            a.pcode
            for a in AdminArea.objects.filter(level=2, boundary__isnull=False)
            if shape(a.boundary).covers(pk0)
        ]
        self.assertEqual(containing, ["CF711"])
        # The prefecture outlines are the unions of their units: nothing overlaps.
        arrondissements = [shape(a.boundary) for a in AdminArea.objects.filter(parent=bangui)]
        self.assertAlmostEqual(sum(s.area for s in arrondissements), shape(bangui.boundary).area, places=5)
        self.assertFalse(
            shape(bangui.boundary).intersection(shape(AdminArea.objects.get(pcode="CF11").boundary)).area
            > 1e-6
        )

    def test_it_creates_the_operation_and_a_user_for_every_role(self) -> None:
        op = Operation.objects.get(slug="car-bangui-2014")
        self.assertEqual(
            (op.name, op.country.pcode, str(op.started_on)),
            ("Central African Republic — Bangui 2014", "CF", "2013-12-05"),
        )
        self.assertEqual(self.ctx.operation, op)
        roles = dict(Membership.objects.filter(operation=op).values_list("user__username", "role"))
        self.assertEqual(
            roles,
            {
                "admin": Role.ADMINISTRATOR,
                "imo": Role.IMO,
                "facilitator": Role.FACILITATOR,
                "facilitator2": Role.FACILITATOR,
                "partner": Role.PARTNER,
                "viewer": Role.VIEWER,
            },
        )
        self.assertEqual(set(self.ctx.users), set(roles))
        admin = User.objects.get(username="admin")
        self.assertTrue(admin.is_staff and admin.is_superuser)
        for user in User.objects.filter(username__in=roles):
            self.assertTrue(user.check_password(DEMO_PASSWORD), user.username)
            self.assertTrue(user.first_name and user.last_name)
            self.assertTrue(Token.objects.filter(user=user).exists())
        self.assertEqual(Membership.objects.get(user__username="partner").organisation.acronym, "DRC")
        self.assertTrue(Organisation.objects.filter(acronym="IOM").exists())

    def test_facilitators_are_scoped_to_their_areas(self) -> None:
        op = self.ctx.operation
        scope = lambda username: sorted(  # noqa: E731
            Membership.objects.get(user__username=username).areas.values_list("pcode", flat=True)
        )
        self.assertEqual(scope("facilitator"), ["CF711", "CF712", "CF713", "CF714"])
        self.assertEqual(scope("facilitator2"), ["CF11"])
        self.assertTrue(can(self.ctx.users["facilitator"], op, "assess"))
        self.assertFalse(can(self.ctx.users["viewer"], op, "edit_site"))
        self.assertFalse(visible_sites(self.ctx.users["facilitator2"], op).exists())

    def test_running_the_steps_again_changes_nothing(self) -> None:
        areas = list(
            AdminArea.objects.values_list(
                "pcode", "name_en", "parent__pcode", "population", "boundary", "source"
            )
        )
        counts = (
            User.objects.count(),
            Membership.objects.count(),
            Organisation.objects.count(),
            Token.objects.count(),
        )
        tokens = dict(Token.objects.values_list("user__username", "key"))
        ctx = run_steps()
        self.assertEqual(ctx.extra["geo_report"].created + ctx.extra["geo_report"].updated, 0)
        self.assertEqual(
            list(
                AdminArea.objects.values_list(
                    "pcode", "name_en", "parent__pcode", "population", "boundary", "source"
                )
            ),
            areas,
        )
        self.assertEqual(
            (
                User.objects.count(),
                Membership.objects.count(),
                Organisation.objects.count(),
                Token.objects.count(),
            ),
            counts,
        )
        self.assertEqual(dict(Token.objects.values_list("user__username", "key")), tokens)
