"""POST /api/referrals/<pk>/status/: who may move a referral is checked before what they
sent — a facilitator gets 403 for an empty body (it was a 400 naming the missing status,
telling them the endpoint would take their change)."""

from __future__ import annotations

from django.urls import reverse

from sitetrack.accounts.tests.access_fixtures import build
from sitetrack.core.testing import BaseCase


class ReferralStatusPermissionTests(BaseCase):
    def test_a_facilitator_gets_403_before_the_body_is_read(self):
        referral = build(self).referral
        url = reverse("api-referral-status", kwargs={"pk": referral.pk})
        for body in ({}, {"status": "acknowledged"}, {"status": "nonsense"}):
            with self.subTest(body=body):
                response = self.api_as(self.fatou).post(url, body, format="json")
                self.assertEqual(response.status_code, 403, response.content[:300])
        referral.refresh_from_db()
        self.assertEqual(referral.status, "open")

    def test_the_imo_still_gets_400_for_an_empty_body(self):
        referral = build(self).referral
        url = reverse("api-referral-status", kwargs={"pk": referral.pk})
        response = self.api_as(self.imani).post(url, {}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("status", response.json().get("errors", response.json()))
