"""The 3W API: partners create and change their own organisation's activities only; lists
are scoped by role; errors come back as JSON field messages; the schema documents it."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from sitetrack.core.testing import BaseCase
from sitetrack.response.models import Activity, ActivityReport
from sitetrack.response.services import referral_create
from sitetrack.response.tests.helpers import make_activity, other_organisation


class ActivityApiTests(BaseCase):
    def setUp(self) -> None:
        self.nrc = other_organisation()

    def payload(self, **extra):
        return {
            "organisation": "DRC",
            "activity_type": "wash-latrines",
            "site": "CF7111-S001",
            "start_date": "2014-02-01",
            "status": "ongoing",
            "targeted": 500,
            **extra,
        }

    def test_a_partner_creates_an_activity_of_their_organisation(self):
        response = self.api_as(self.paul).post("/api/activities/", self.payload(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["organisation"], body["sector"], body["site"], body["admin_area"]),
            ("DRC", "wash", "CF7111-S001", "CF7111"),
        )
        self.assertEqual(Activity.objects.get().source, "api")

    def test_a_partner_cannot_create_for_another_organisation(self):
        response = self.api_as(self.paul).post(
            "/api/activities/", self.payload(organisation="NRC"), format="json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Activity.objects.exists())

    def test_a_partner_cannot_change_another_organisations_activity(self):
        theirs = make_activity(self, self.nrc)
        response = self.api_as(self.paul).patch(
            f"/api/activities/{theirs.pk}/", {"status": "completed"}, format="json"
        )
        self.assertEqual(response.status_code, 403)
        own = make_activity(self, self.ngo)
        response = self.api_as(self.paul).patch(
            f"/api/activities/{own.pk}/", {"status": "completed"}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "completed")

    def test_errors_are_field_messages(self):
        response = self.api_as(self.imani).post(
            "/api/activities/", self.payload(site="CF0000-X", activity_type="nope"), format="json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()), {"site", "activity_type"})

    def test_a_month_is_recorded_and_a_locked_month_refuses_changes(self):
        own = make_activity(self, self.ngo)
        this_month = timezone.localdate().strftime("%Y-%m")
        url = f"/api/activities/{own.pk}/reports/"
        response = self.api_as(self.paul).post(url, {"month": this_month, "reached": 120}, format="json")
        self.assertEqual(response.status_code, 200, response.content)
        old = (timezone.localdate().replace(day=1) - timedelta(days=70)).strftime("%Y-%m")
        response = self.api_as(self.paul).post(url, {"month": old, "reached": 50}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("period", response.json())
        self.assertEqual(ActivityReport.objects.count(), 1)
        listed = self.api_as(self.victor).get("/api/activities/").json()
        self.assertEqual(listed["results"][0]["reached_total"], 120)

    def test_lists_are_scoped_facilitators_see_their_area_only(self):
        make_activity(self, self.ngo)
        make_activity(self, self.nrc, site=self.boy_rabe, admin_area=self.arr3_3)
        make_activity(self, self.nrc, site=None, admin_area=self.arr1)
        self.assertEqual(self.api_as(self.victor).get("/api/activities/").json()["count"], 3)
        self.assertEqual(self.api_as(self.fatou).get("/api/activities/").json()["count"], 2)
        self.assertEqual(self.api_as(self.paul).get("/api/activities/?organisation=NRC").json()["count"], 2)
        self.assertEqual(
            self.api_as(self.olga).get(f"/api/activities/?operation={self.operation.slug}").status_code, 404
        )

    def test_organisations_are_listed_and_created_by_imos(self):
        make_activity(self, self.ngo)
        listed = self.api_as(self.paul).get("/api/organisations/?q=danish").json()
        self.assertEqual([(o["acronym"], o["activity_count"]) for o in listed["results"]], [("DRC", 1)])
        payload = {"name": "Comité de quartier Boy-Rabe", "type": "cbo", "aliases": ["CQ Boy Rabe"]}
        self.assertEqual(
            self.api_as(self.paul).post("/api/organisations/", payload, format="json").status_code, 403
        )
        response = self.api_as(self.imani).post("/api/organisations/", payload, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["aliases"], ["CQ Boy Rabe"])
        self.assertEqual(response.json()["type_label"], "Community-based organisation")

    def test_referrals_move_through_the_api(self):
        referral = referral_create(
            operation=self.operation,
            user=self.imani,
            sector="wash",
            title="Latrines full",
            due_date=date.today() + timedelta(days=7),
            to_organisation=self.ngo,
            focal_point_email="fp@example.org",
        )
        self.assertEqual(self.api_as(self.paul).get("/api/referrals/").json()["count"], 1)
        self.assertEqual(self.api_as(self.victor).get("/api/referrals/").json()["count"], 0)
        url = f"/api/referrals/{referral.pk}/status/"
        self.assertEqual(
            self.api_as(self.paul).post(url, {"status": "declined"}, format="json").status_code, 400
        )
        response = self.api_as(self.paul).post(url, {"status": "acknowledged"}, format="json")
        self.assertEqual(response.json()["status"], "acknowledged")

    def test_the_schema_documents_the_3w_endpoints(self):
        self.login(self.imani)
        schema = self.client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
        for path in (
            "/api/activities/",
            "/api/activities/{id}/reports/",
            "/api/organisations/",
            "/api/referrals/",
        ):
            self.assertIn(path, schema)


class ActivityListQueryTests(BaseCase):
    def test_the_list_takes_the_same_queries_for_one_or_many_activities(self):
        nrc = other_organisation()
        make_activity(self, self.ngo)
        client = self.api_as(self.victor)
        client.get("/api/activities/")  # warm the token and membership lookups
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        make_activity(self, nrc)  # a change: the next list is computed, not cached
        with CaptureQueriesContext(connection) as one:
            self.assertEqual(client.get("/api/activities/").json()["count"], 2)
        for _ in range(15):
            make_activity(self, nrc, funding_organisation=self.ngo)
        with CaptureQueriesContext(connection) as many:
            self.assertEqual(client.get("/api/activities/").json()["count"], 17)
        self.assertEqual(len(many), len(one))


class ActivityListShapeTests(BaseCase):
    def test_a_listed_activity_is_what_its_detail_gives(self):
        from sitetrack.response.models import ActivityReport
        from sitetrack.response.services import reporting_period_get

        activity = make_activity(
            self, self.ngo, funding_organisation=other_organisation(), targeted=90, targeted_pwd=3
        )
        ActivityReport.objects.create(
            activity=activity,
            period=reporting_period_get(operation=self.operation, month="2014-01"),
            reached=30,
        )
        client = self.api_as(self.victor)
        listed = client.get("/api/activities/").json()["results"][0]
        detail = client.get(f"/api/activities/{activity.pk}/").json()
        detail["reached_total"] = 30  # the detail has no monthly sum
        self.assertEqual(listed, detail)
