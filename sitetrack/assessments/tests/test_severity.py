"""One severity rule for every figure: Python and SQL agree, and the setting moves both."""

from __future__ import annotations

from django.db.models import Sum
from django.test import override_settings

from sitetrack.assessments import services
from sitetrack.assessments.models import SiteAssessment
from sitetrack.assessments.severity import is_severe, severe_flag, severe_q
from sitetrack.assessments.tests.fixtures import good_values, make_round
from sitetrack.core.testing import BaseCase


class SeverityTests(BaseCase):
    def setUp(self) -> None:
        self.round = make_round(self.operation)
        services.assessment_save(site=self.mpoko, round=self.round, user=self.imani, values=good_values())
        services.assessment_save(
            site=self.boy_rabe, round=self.round, user=self.imani, values=good_values(need_wash=3)
        )

    def test_a_need_is_severe_from_four_by_default(self):
        self.assertEqual([is_severe(v) for v in (None, 1, 3, 4, 5)], [False, False, False, True, True])
        self.assertEqual(SiteAssessment.objects.filter(severe_q("need_wash")).count(), 1)
        total = SiteAssessment.objects.aggregate(n=Sum(severe_flag("need_wash")))["n"]
        self.assertEqual(total, 1)

    @override_settings(SITETRACK_SEVERE_NEED=3)
    def test_the_operations_setting_moves_python_and_sql_together(self):
        self.assertTrue(is_severe(3))
        self.assertEqual(SiteAssessment.objects.filter(severe_q("need_wash")).count(), 2)
        self.assertFalse(is_severe(3, severe_from=5))
        self.assertEqual(SiteAssessment.objects.filter(severe_q("need_wash", 5)).count(), 0)
