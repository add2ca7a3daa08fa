"""The response demo step: organisations' activities with monthly figures, area-wide work
and referrals in every state, consistent with the services' rules."""

from __future__ import annotations

import random

from django.db.models import F, Sum

from sitetrack.core.models import Organisation
from sitetrack.core.testing import BaseCase
from sitetrack.demo.context import DemoContext
from sitetrack.response import demo
from sitetrack.response.models import Activity, ActivityReport, Referral, ReferralStatus


class ResponseDemoTests(BaseCase):
    def setUp(self) -> None:
        for acronym in ("MSF", "UNICEF", "NRC", "CRS", "UNHCR", "ACTED"):
            Organisation.objects.create(name=f"{acronym} (demo)", acronym=acronym, kind="ingo")
        self.ctx = DemoContext(
            rng=random.Random(1), operation=self.operation, users={"imo": self.imani}, log=lambda *a: None
        )
        self.ctx.sites = [self.mpoko, self.boy_rabe]

    def test_it_builds_activities_figures_and_referrals_that_follow_the_rules(self):
        demo.build(self.ctx)
        activities = Activity.objects.filter(operation=self.operation)
        self.assertGreater(activities.count(), 10)
        self.assertTrue(activities.filter(site__isnull=True).exists())
        for activity in activities.select_related("activity_type"):
            self.assertEqual(activity.sector, activity.activity_type.sector)
        bands = (
            F("reached_f_0_17")
            + F("reached_m_0_17")
            + F("reached_f_18_59")
            + F("reached_m_18_59")
            + F("reached_f_60_plus")
            + F("reached_m_60_plus")
        )
        disaggregated = ActivityReport.objects.filter(reached_f_0_17__isnull=False)
        self.assertTrue(disaggregated.exists())
        self.assertFalse(disaggregated.exclude(reached=bands).exists())
        self.assertFalse(ActivityReport.objects.filter(activity__status="planned").exists())
        self.assertGreater(ActivityReport.objects.aggregate(total=Sum("reached"))["total"], 0)
        self.assertEqual(set(Referral.objects.values_list("status", flat=True)), set(ReferralStatus.values))
        self.assertFalse(Referral.objects.filter(status="declined", declined_reason="").exists())

    def test_it_builds_facility_inventories_and_work_orders(self):
        from sitetrack.response.infrastructure import functional_facilities
        from sitetrack.response.models import Facility, WorkOrder

        demo.build(self.ctx)
        self.assertEqual(
            set(Facility.objects.values_list("site", flat=True)), {self.mpoko.pk, self.boy_rabe.pk}
        )
        self.assertFalse(Facility.objects.filter(condition="broken", usable=True).exists())
        counts = functional_facilities(operation=self.operation)
        self.assertEqual(set(counts), {"CF7111-S001", "CF7131-S001"})
        orders = WorkOrder.objects.filter(operation=self.operation)
        self.assertGreaterEqual(orders.count(), 4)
        self.assertFalse(orders.filter(facility__isnull=False).exclude(facility__site=F("site")).exists())
        self.assertFalse(orders.filter(status="done", completed_on__isnull=True).exists())
        self.assertTrue(all(o.history.exists() for o in orders))

    def test_it_is_safe_to_run_twice(self):
        demo.build(self.ctx)
        count = Activity.objects.count()
        demo.build(self.ctx)
        self.assertEqual(Activity.objects.count(), count)
