"""A small committed world for the tests of caching (`TransactionTestCase`: the caches
work only on committed data): two sites in two arrondissements of Bangui, Imani the IMO
and Fatou the facilitator of the first arrondissement."""

from django.contrib.auth.models import User
from django.test import TransactionTestCase

from sitetrack.core.models import Membership, Operation, Role
from sitetrack.core.testing import make_area
from sitetrack.sites.models import Site, SiteType


class CommittedWorld(TransactionTestCase):
    def setUp(self):
        car = make_area("CF", "Central African Republic", 0)
        bangui = make_area("CF71", "Bangui", 1, car)
        arr1 = make_area("CF711", "1er Arrondissement", 2, bangui)
        arr3 = make_area("CF713", "3e Arrondissement", 2, bangui)
        self.operation = Operation.objects.create(slug="car", name="CAR", country=car)
        self.mpoko = Site.objects.create(
            operation=self.operation,
            code="CF711-S001",
            name="M'Poko",
            site_type=SiteType.SPONTANEOUS_SITE,
            admin_area=arr1,
        )
        Site.objects.create(
            operation=self.operation,
            code="CF713-S001",
            name="Boy-Rabe",
            site_type=SiteType.COLLECTIVE_CENTRE,
            admin_area=arr3,
        )
        self.imani = self.member("imani", Role.IMO)
        self.fatou = self.member("fatou", Role.FACILITATOR)
        Membership.objects.get(user=self.fatou).areas.add(arr1)

    def member(self, username, role):
        user = User.objects.create_user(username)
        Membership.objects.create(user=user, operation=self.operation, role=role)
        return user
