"""The 3W table and the referrals page."""

from __future__ import annotations

import csv
from datetime import date, timedelta

from sitetrack.core.testing import BaseCase, as_if_committed
from sitetrack.response.services import referral_create
from sitetrack.response.tests.helpers import make_activity, other_organisation


class ActivityListViewTests(BaseCase):
    def test_it_lists_activities_with_filters(self):
        make_activity(self, self.ngo)
        make_activity(self, other_organisation(), sector="wash")
        self.login(self.victor)
        response = self.client.get("/response/?organisation=NRC")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "NRC")
        self.assertNotContains(response, "<td>DRC")

    def test_it_needs_a_login(self):
        self.assertEqual(self.client.get("/response/").status_code, 302)


class ReferralListViewTests(BaseCase):
    def test_a_partner_sees_referrals_to_their_organisation_and_imos_the_statistics(self):
        referral_create(
            operation=self.operation,
            user=self.imani,
            sector="wash",
            title="Latrines full in block C",
            due_date=date.today() + timedelta(days=3),
            to_organisation=self.ngo,
            focal_point_email="fp@example.org",
        )
        self.login(self.paul)
        response = self.client.get("/response/referrals/")
        self.assertContains(response, "Latrines full in block C")
        self.assertNotContains(response, "Median days")
        self.login(self.imani)
        self.assertContains(self.client.get("/response/referrals/"), "Median days")


class ThreeWHxlViewTests(BaseCase):
    def test_the_hxl_export_has_the_community_tags_and_the_figures(self):
        from sitetrack.response.models import ActivityReport
        from sitetrack.response.services import reporting_period_get

        activity = make_activity(self, self.ngo, targeted=800)
        area_wide = make_activity(self, self.ngo, site=None, admin_area=self.arr3)
        for month, reached in (("2014-01", 100), ("2014-02", 150)):
            period = reporting_period_get(operation=self.operation, month=month)
            ActivityReport.objects.create(activity=activity, period=period, reached=reached)
        self.login(self.victor)
        lines = list(csv.reader(self.client.get("/response/3w.csv").content.decode().splitlines()))
        tags = lines[1]
        for tag in (
            "#org+name",
            "#org+acronym",
            "#org+type",
            "#sector+cluster+name",
            "#adm1+code",
            "#adm2+code",
            "#loc+name",
            "#reached",
            "#targeted",
            "#date+start",
            "#date+end",
            "#status",
        ):
            self.assertIn(tag, tags)
        rows = {r[tags.index("#loc+code")]: r for r in lines[2:]}
        mpoko = rows["CF7111-S001"]
        self.assertEqual((mpoko[tags.index("#reached")], mpoko[tags.index("#targeted")]), ("250", "800"))
        self.assertEqual(
            (mpoko[tags.index("#adm1+code")], mpoko[tags.index("#adm2+code")]), ("CF71", "CF711")
        )
        self.assertEqual(rows[""][tags.index("#adm2+code")], "CF713")
        self.assertEqual(mpoko[tags.index("#org+type")], "International NGO")
        self.assertEqual(area_wide.site, None)


class CachedPagesTests(BaseCase):
    """The 3W and gap pages are cached per data version: a change shows at once, and a
    facilitator never gets the operation-wide rows another user's request cached."""

    def setUp(self) -> None:
        as_if_committed(self)

    def test_a_change_shows_at_once_on_the_3w_page_and_api(self):
        from sitetrack.response.services import activity_update

        with self.captureOnCommitCallbacks(execute=True):
            activity = make_activity(self, self.ngo, targeted=111)
        self.login(self.victor)
        api = self.api_as(self.victor)
        self.assertContains(self.client.get("/response/"), "111")
        self.assertEqual(api.get("/api/activities/").json()["results"][0]["targeted"], 111)
        self.assertContains(self.client.get("/response/"), "111")  # cached
        with self.captureOnCommitCallbacks(execute=True):
            activity_update(activity=activity, user=self.imani, targeted=222)
        self.assertContains(self.client.get("/response/"), "222")
        self.assertEqual(api.get("/api/activities/").json()["results"][0]["targeted"], 222)

    def test_a_facilitator_sees_only_their_scope_whoever_asked_first(self):
        with self.captureOnCommitCallbacks(execute=True):
            make_activity(self, self.ngo)
            make_activity(self, self.ngo, site=self.boy_rabe, admin_area=self.boy_rabe.admin_area)
        self.assertEqual(self.api_as(self.imani).get("/api/activities/").json()["count"], 2)
        self.assertEqual(self.api_as(self.fatou).get("/api/activities/").json()["count"], 1)
        self.assertEqual(self.api_as(self.victor).get("/api/activities/").json()["count"], 2)

    def test_a_cached_page_carries_each_request_its_own_valid_csrf_token(self):
        from sitetrack.core.pagecache import CSRF_PLACEHOLDER

        self.login(self.victor)
        tokens = []
        for _ in range(2):
            for path in ("/response/", "/response/gaps/"):
                html = self.client.get(path).content.decode()
                self.assertNotIn(CSRF_PLACEHOLDER, html)
                marker = 'name="csrfmiddlewaretoken" value="'
                self.assertIn(marker, html)
                tokens.append(html.split(marker, 1)[1].split('"', 1)[0])
        self.assertEqual(len(set(tokens)), len(tokens))  # masked afresh each time
        # The page's language form posts with it (CSRF checks on, as a browser meets them).
        from django.test import Client

        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.victor)
        html = browser.get("/response/").content.decode()  # cached above for Victor
        token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        posted = browser.post("/i18n/setlang/", {"language": "fr", "next": "/response/"}, HTTP_REFERER="/")
        self.assertEqual(posted.status_code, 403)  # without the token: refused
        posted = browser.post(
            "/i18n/setlang/", {"language": "fr", "next": "/response/", "csrfmiddlewaretoken": token}
        )
        self.assertEqual(posted.status_code, 302)

    def test_a_flash_message_shows_on_a_cached_page_and_each_user_gets_their_own_page(self):
        from django.contrib.messages import constants
        from django.contrib.messages.storage.cookie import CookieStorage

        self.login(self.victor)
        self.assertEqual(self.client.get("/response/").status_code, 200)  # cached for Victor
        self.login(self.imani)
        page = self.client.get("/response/")
        self.assertContains(page, self.imani.get_full_name() or self.imani.username)
        self.assertContains(page, "Import a 3W file")  # an IMO's page, not Victor's
        self.login(self.victor)
        self.assertNotContains(self.client.get("/response/"), "Import a 3W file")
        # A message queued for the next page (as a redirect after a save leaves it).
        from django.contrib.messages.storage.base import Message

        message = Message(constants.SUCCESS, "Activity saved for the test.")
        self.client.cookies["messages"] = CookieStorage(None)._encode([message])
        self.assertContains(self.client.get("/response/"), "Activity saved for the test.")
        self.assertNotContains(self.client.get("/response/"), "Activity saved for the test.")  # once
