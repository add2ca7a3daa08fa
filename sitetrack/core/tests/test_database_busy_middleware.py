"""A SQLite write that waited too long for the lock (OperationalError "database is
locked") is a 503 with Retry-After and a message, on pages and on the API, not a 500."""

from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site


class DatabaseBusyTests(BaseCase):
    def test_a_locked_database_is_a_503_with_retry_after_on_the_api(self):
        body = {"code": "CF7111-S990", "name": "x", "site_type": "collective_centre", "admin_area": "CF7111"}
        with mock.patch(
            "sitetrack.sites.apis.site_create", side_effect=OperationalError("database is locked")
        ):
            response = self.api_as(self.imani).post(reverse("api-sites"), body, format="json")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "2")
        self.assertIn("busy", response.json()["detail"])
        self.assertFalse(Site.objects.filter(code="CF7111-S990").exists())

    def test_another_database_error_is_not_hidden(self):
        body = {"code": "CF7111-S991", "name": "x", "site_type": "collective_centre", "admin_area": "CF7111"}
        client = self.api_as(self.imani)
        client.raise_request_exception = True
        with (
            mock.patch("sitetrack.sites.apis.site_create", side_effect=OperationalError("disk I/O error")),
            self.assertRaises(OperationalError),
        ):
            client.post(reverse("api-sites"), body, format="json")
