"""activity_report_save: a month's figures, refused once the month is locked."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.core.testing import BaseCase
from sitetrack.response.models import ActivityReport
from sitetrack.response.services import (
    activity_report_save,
    reporting_period_get,
    reporting_period_lock,
    reporting_period_reopen,
)
from sitetrack.response.tests.helpers import make_activity, other_organisation

IN_MARCH = date(2014, 3, 5)


class ActivityReportSaveTests(BaseCase):
    def setUp(self) -> None:
        self.activity = make_activity(self, self.ngo)

    def save(self, user=None, period="2014-02", today=IN_MARCH, **figures):
        return activity_report_save(
            activity=self.activity, period=period, user=user or self.paul, today=today, **figures
        )

    def test_a_partner_records_a_months_figures(self):
        report = self.save(reached_f_18_59=40, reached_m_18_59=35, reached_pwd=3, quantity="12")
        self.assertEqual(report.reached, 75)
        self.assertEqual(report.period.month, date(2014, 2, 1))
        self.assertEqual(report.period.deadline, date(2014, 3, 10))

    def test_a_correction_before_the_deadline_changes_the_month(self):
        self.save(reached=75)
        self.save(reached=80, today=date(2014, 3, 10))
        self.assertEqual(ActivityReport.objects.get().reached, 80)

    def test_after_the_deadline_the_month_refuses_changes(self):
        self.save(reached=75)
        with self.assertRaises(ValidationError) as caught:
            self.save(reached=90, today=date(2014, 3, 11))
        self.assertIn("2014-03-10", caught.exception.message_dict["period"][0])
        self.assertEqual(ActivityReport.objects.get().reached, 75)

    def test_a_locked_month_refuses_changes_even_before_its_deadline(self):
        period = reporting_period_get(operation=self.operation, month="2014-02")
        reporting_period_lock(period=period, user=self.imani)
        with self.assertRaises(ValidationError):
            self.save(reached=75)
        self.assertFalse(ActivityReport.objects.exists())

    def test_an_imo_reopens_a_month(self):
        period = reporting_period_get(operation=self.operation, month="2014-02")
        with self.assertRaises(PermissionDenied):
            reporting_period_reopen(period=period, user=self.paul, deadline=date(2014, 4, 30))
        reporting_period_reopen(period=period, user=self.imani, deadline=date(2014, 4, 30))
        self.assertEqual(self.save(reached=75, today=date(2014, 4, 2)).reached, 75)

    def test_a_partner_cannot_report_for_another_organisation(self):
        self.activity = make_activity(self, other_organisation())
        with self.assertRaises(PermissionDenied):
            self.save(reached=10)

    def test_reached_figures_follow_the_band_rules(self):
        with self.assertRaises(ValidationError) as caught:
            self.save(reached=10, reached_f_0_17=11)
        self.assertIn("reached", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            self.save(period="2013-12", reached=1)
        self.assertIn("period", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            self.save(period="2014-13", reached=1)
        self.assertIn("period", caught.exception.message_dict)
