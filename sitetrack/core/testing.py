"""The shared base case: a small slice of the Central African Republic with named people.

    Ada     administrator            Imani   information management officer
    Fatou   facilitator, 1er Arrondissement of Bangui (CF711) only
    Paul    partner (an NGO's reporter)  Victor  viewer       Olga  no role at all

Tests read as sentences on top of it: `test_it_rejects_duplicate_site_code`.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import TestCase
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sitetrack.core.models import Membership, Operation, Organisation, Role
from sitetrack.geo.models import AdminArea
from sitetrack.sites.models import Site, SiteType


def make_area(pcode: str, name: str, level: int, parent: AdminArea | None = None, **extra) -> AdminArea:
    return AdminArea.objects.create(
        pcode=pcode, name_en=name, name_fr=extra.pop("name_fr", ""), level=level, parent=parent, **extra
    )


class BaseCase(TestCase):
    password = "a-long-demo-password"

    @classmethod
    def setUpTestData(cls) -> None:
        cls.car = make_area(
            "CF",
            "Central African Republic",
            0,
            name_fr="République centrafricaine",
            min_lon=14.4,
            min_lat=2.2,
            max_lon=27.5,
            max_lat=11.1,
        )
        cls.bangui = make_area("CF71", "Bangui", 1, cls.car)
        cls.arr1 = make_area("CF711", "1er Arrondissement", 2, cls.bangui)
        cls.arr3 = make_area("CF713", "3e Arrondissement", 2, cls.bangui)
        cls.arr1_3 = make_area("CF7111", "1er Arrondissement", 3, cls.arr1)
        cls.arr3_3 = make_area("CF7131", "3e Arrondissement", 3, cls.arr3)
        cls.ombella = make_area("CF11", "Ombella M'Poko", 1, cls.car)
        cls.bimbo = make_area("CF111", "Bimbo", 2, cls.ombella)

        cls.operation = Operation.objects.create(
            slug="car-bangui-2014", name="Central African Republic — Bangui 2014", country=cls.car
        )
        cls.ngo = Organisation.objects.create(name="Danish Refugee Council", acronym="DRC", kind="ingo")

        cls.ada = cls.make_user("ada", Role.ADMINISTRATOR)
        cls.imani = cls.make_user("imani", Role.IMO)
        cls.fatou = cls.make_user("fatou", Role.FACILITATOR)
        cls.paul = cls.make_user("paul", Role.PARTNER, organisation=cls.ngo)
        cls.victor = cls.make_user("victor", Role.VIEWER)
        cls.olga = User.objects.create_user("olga", password=cls.password)
        Membership.objects.get(user=cls.fatou).areas.add(cls.arr1)

        # One site in Fatou's arrondissement, one outside it.
        cls.mpoko = Site.objects.create(
            operation=cls.operation,
            code="CF7111-S001",
            name="Aéroport M'Poko",
            site_type=SiteType.SPONTANEOUS_SITE,
            admin_area=cls.arr1_3,
            latitude=4.3986,
            longitude=18.5189,
            area_m2=600000,
            capacity=100000,
        )
        cls.boy_rabe = Site.objects.create(
            operation=cls.operation,
            code="CF7131-S001",
            name="Monastère Boy-Rabe",
            site_type=SiteType.COLLECTIVE_CENTRE,
            admin_area=cls.arr3_3,
            latitude=4.4020,
            longitude=18.5450,
            area_m2=40000,
        )

    @classmethod
    def make_user(cls, username: str, role: str, organisation: Organisation | None = None) -> User:
        user = User.objects.create_user(
            username, email=f"{username}@example.org", password=cls.password, first_name=username.capitalize()
        )
        Membership.objects.create(user=user, operation=cls.operation, role=role, organisation=organisation)
        return user

    def api_as(self, user: User) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    def login(self, user: User) -> None:
        self.client.force_login(user)


def as_if_committed(case: TestCase) -> None:
    """Make the rest of a `TestCase` test behave as committed data does for cached reads
    (`core.versions`): its transaction is never committed, so reads would neither use nor
    fill the caches. Here every write records a change at once and nothing counts as
    uncommitted."""
    from unittest import mock

    from sitetrack.core import versions

    for name in ("_pending", "uncommitted"):
        patcher = mock.patch.object(versions, name, return_value=False)
        patcher.start()
        case.addCleanup(patcher.stop)
    versions.local.clear()
