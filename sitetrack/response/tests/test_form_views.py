"""Partners enter activities and monthly figures through the web; IMOs refer gaps and
partners move referrals along — the same rules as the API."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from sitetrack.core.testing import BaseCase
from sitetrack.response.models import Activity, ActivityReport, ActivityType, Referral
from sitetrack.response.tests.helpers import make_activity, other_organisation


class ActivityFormViewTests(BaseCase):
    def post_activity(self, **extra):
        data = {
            "organisation": self.ngo.pk,
            "activity_type": ActivityType.objects.get(code="wash-latrines").pk,
            "site": "CF7111-S001",
            "start_date": "2014-02-01",
            "status": "ongoing",
            "targeted": "300",
            **extra,
        }
        return self.client.post("/response/new/", data)

    def test_a_partner_records_an_activity_and_a_month(self):
        self.login(self.paul)
        response = self.post_activity()
        activity = Activity.objects.get()
        self.assertRedirects(response, f"/response/{activity.pk}/")
        month = timezone.localdate().strftime("%Y-%m")
        response = self.client.post(
            f"/response/{activity.pk}/", {"month": month, "reached": "120", "reached_pwd": "4"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ActivityReport.objects.get().reached, 120)
        page = self.client.get(f"/response/{activity.pk}/")
        self.assertContains(page, "120")

    def test_a_partner_cannot_pick_another_organisation(self):
        nrc = other_organisation()
        self.login(self.paul)
        response = self.post_activity(organisation=nrc.pk)
        self.assertEqual(response.status_code, 200)
        self.assertIn("organisation", response.context["form"].errors)
        self.assertFalse(Activity.objects.exists())

    def test_service_errors_show_on_the_form(self):
        self.login(self.paul)
        response = self.post_activity(site="CF0000-X")
        self.assertContains(response, "No site “CF0000-X” in this operation.")

    def test_a_locked_month_is_refused_on_the_page(self):
        activity = make_activity(self, self.ngo)
        self.login(self.paul)
        response = self.client.post(f"/response/{activity.pk}/", {"month": "2014-02", "reached": "10"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("month", response.context["form"].errors)
        self.assertFalse(ActivityReport.objects.exists())

    def test_another_organisations_activity_cannot_be_edited(self):
        activity = make_activity(self, other_organisation())
        self.login(self.paul)
        self.assertEqual(self.client.get(f"/response/{activity.pk}/edit/").status_code, 403)
        self.assertEqual(self.client.post(f"/response/{activity.pk}/", {"month": "2014-02"}).status_code, 403)
        self.assertEqual(self.client.get(f"/response/{activity.pk}/").status_code, 200)


class ReferralFormViewTests(BaseCase):
    def test_an_imo_refers_a_gap_and_the_partner_acknowledges(self):
        self.login(self.imani)
        form = self.client.get("/response/referrals/new/?site=CF7111-S001&sector=wash")
        self.assertEqual(form.context["form"].initial["site"], "CF7111-S001")
        due = (timezone.localdate() + timedelta(days=10)).isoformat()
        response = self.client.post(
            "/response/referrals/new/",
            {
                "sector": "wash",
                "site": "CF7111-S001",
                "title": "Latrines full",
                "to_organisation": self.ngo.pk,
                "focal_point_email": "fp@example.org",
                "due_date": due,
            },
        )
        referral = Referral.objects.get()
        self.assertRedirects(response, f"/response/referrals/{referral.pk}/")
        self.assertEqual(len(mail.outbox), 1)
        self.login(self.paul)
        self.client.post(
            f"/response/referrals/{referral.pk}/", {"status": "acknowledged", "comment": "On it."}
        )
        referral.refresh_from_db()
        self.assertEqual(referral.status, "acknowledged")
        self.assertContains(self.client.get(f"/response/referrals/{referral.pk}/"), "On it.")
        self.login(self.victor)
        self.assertEqual(self.client.get(f"/response/referrals/{referral.pk}/").status_code, 404)
        self.assertEqual(self.client.get("/response/referrals/new/").status_code, 403)
