"""The benchmark data builder: organisations and ongoing activities with figures for the
last weekly round's month, so the gap matrix has coverage to compute."""

from __future__ import annotations

from sitetrack.core.testing import BaseCase
from sitetrack.response.demo import build_at_scale
from sitetrack.response.gaps import gap_matrix
from sitetrack.response.models import Activity, ActivityReport
from sitetrack.response.tests.gap_fixture import build_gap_fixture


class BuildAtScaleTests(BaseCase):
    def test_it_builds_partners_present_in_the_gap_matrix(self):
        build_gap_fixture(self)
        before = Activity.objects.count()
        made = build_at_scale(self.operation, organisations=5, activities=60)
        self.assertEqual((made["organisations"], made["activities"], made["round"]), (5, 60, 1))
        self.assertEqual(Activity.objects.count(), before + 60)
        self.assertEqual(ActivityReport.objects.filter(period__month="2014-01-01").count(), 60 + 2)
        partners = sum(c.partners for row in gap_matrix(self.round).rows for c in row.cells)
        self.assertGreater(partners, 10)
