"""The demo sites step: about forty sites of every type, points inside their demo areas,
M'Poko the largest, one closed and one merged site, safe to run twice, deterministic."""

from __future__ import annotations

import random

from django.test import TestCase

from sitetrack.demo.builders import geo, operation
from sitetrack.demo.builders import sites as step
from sitetrack.demo.context import DemoContext
from sitetrack.geo.spatial import point_in_area
from sitetrack.sites.models import Site, SiteStatus, SiteStatusChange, SiteType


class DemoSitesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        ctx = cls.context()
        geo.build(ctx)
        operation.build(ctx)
        step.build(ctx)
        cls.ctx = ctx

    @staticmethod
    def context() -> DemoContext:
        return DemoContext(rng=random.Random(2014), log=lambda msg: None)

    def rebuild(self) -> DemoContext:
        ctx = self.context()
        geo.build(ctx)
        operation.build(ctx)
        step.build(ctx)
        return ctx

    def test_it_builds_about_forty_sites_of_every_type(self) -> None:
        sites = Site.objects.filter(operation=self.ctx.operation)
        self.assertEqual(sites.count(), len(step.SITES))
        self.assertGreaterEqual(sites.count(), 35)
        # Every type but host communities (DTM's dispersed settings), which Bangui's 2014 sites were not.
        self.assertEqual(
            set(sites.values_list("site_type", flat=True)), set(SiteType.values) - {SiteType.HOST_COMMUNITY}
        )
        self.assertEqual(len(self.ctx.sites), sites.count())
        self.assertTrue(sites.filter(admin_area__path__startswith="/CF/CF71/").count() >= 20)
        self.assertTrue(sites.filter(admin_area__path__startswith="/CF/CF11/").count() >= 8)

    def test_mpoko_is_the_largest_and_most_sites_are_small(self) -> None:
        sites = Site.objects.filter(operation=self.ctx.operation).order_by("-capacity")
        self.assertEqual(sites[0].name, "Aéroport M'Poko")
        self.assertEqual(sites[0].capacity, 100_000)
        self.assertGreaterEqual(sites.filter(capacity__gte=10_000).count(), 4)
        self.assertGreater(sites.filter(capacity__lt=5_000).count(), sites.count() / 2)

    def test_every_point_lies_inside_its_admin_area(self) -> None:
        for site in Site.objects.filter(operation=self.ctx.operation).select_related("admin_area"):
            self.assertIsNotNone(site.latitude, site.name)
            self.assertIs(point_in_area(site.admin_area, site.latitude, site.longitude), True, site.name)
            self.assertEqual(site.admin_area.level, 3, site.name)
            self.assertTrue(site.code.startswith(f"{site.admin_area.pcode}-S"), site.code)

    def test_agencies_come_from_the_demo_organisations(self) -> None:
        sites = Site.objects.filter(operation=self.ctx.operation)
        self.assertEqual(sites.filter(management_agency__isnull=True).count(), 0)
        self.assertEqual(sites.get(name="Aéroport M'Poko").management_agency.acronym, "IOM")

    def test_one_site_is_closed_and_one_merged_into_mpoko(self) -> None:
        merged = Site.objects.get(name="Site de Combattant")
        self.assertEqual(merged.status, SiteStatus.MERGED)
        self.assertEqual(merged.status_changes.get().target.name, "Aéroport M'Poko")
        self.assertEqual(Site.objects.get(name="École de Damara").status, SiteStatus.CLOSED)

    def test_history_names_the_demo_imo(self) -> None:
        site = Site.objects.get(name="Aéroport M'Poko")
        self.assertEqual(site.history.earliest().history_user.username, "imo")

    def test_running_it_twice_changes_nothing(self) -> None:
        before = (Site.objects.count(), Site.history.count(), SiteStatusChange.objects.count())
        ctx = self.rebuild()
        self.assertEqual(
            (Site.objects.count(), Site.history.count(), SiteStatusChange.objects.count()), before
        )
        self.assertEqual(len(ctx.sites), before[0])

    def test_it_is_deterministic(self) -> None:
        def snapshot():
            return list(
                Site.objects.order_by("code").values_list("code", "name", "latitude", "longitude", "area_m2")
            )

        first = snapshot()
        SiteStatusChange.objects.all().delete()
        Site.objects.all().delete()
        self.rebuild()
        self.assertEqual(snapshot(), first)
