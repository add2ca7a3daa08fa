"""The rounds and assessments API: facilitators submit through it, scope is enforced,
errors come back as JSON with field messages."""

from __future__ import annotations

from sitetrack.assessments import services
from sitetrack.assessments.models import AssessmentStatus, SiteAssessment
from sitetrack.assessments.tests.fixtures import good_values, make_round
from sitetrack.core.testing import BaseCase


class AssessmentApiTests(BaseCase):
    def setUp(self) -> None:
        self.round = make_round(self.operation)

    def post(self, user, payload, url="/api/assessments/"):
        return self.api_as(user).post(url, payload, format="json")

    def test_a_facilitator_creates_and_submits_through_the_api(self):
        response = self.post(self.fatou, {"site": "CF7111-S001", "round": self.round.pk, **good_values()})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["status"], "draft")
        self.assertEqual(body["issues"], [])
        submitted = self.post(self.fatou, {}, url=f"/api/assessments/{body['id']}/submit/")
        self.assertEqual(submitted.status_code, 200, submitted.content)
        self.assertEqual(submitted.json()["status"], "submitted")

    def test_a_facilitator_cannot_submit_for_a_site_outside_scope(self):
        response = self.post(self.fatou, {"site": "CF7131-S001", "round": self.round.pk, **good_values()})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(SiteAssessment.objects.exists())
        other = services.assessment_save(
            site=self.boy_rabe, round=self.round, user=self.imani, values=good_values()
        )
        self.assertEqual(
            self.post(self.fatou, {}, url=f"/api/assessments/{other.pk}/submit/").status_code, 404
        )
        listed = self.api_as(self.fatou).get("/api/assessments/").json()
        self.assertEqual(listed["count"], 0)

    def test_errors_come_back_as_json_field_messages(self):
        response = self.post(
            self.fatou,
            {"site": "CF7111-S001", "round": self.round.pk, **good_values(households=-1, colour="red")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("colour", response.json())
        response = self.post(
            self.fatou, {"site": "CF7111-S001", "round": self.round.pk, **good_values(need_wash=8)}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("need_wash", response.json())
        self.assertEqual(
            self.post(self.fatou, {"round": self.round.pk}).json(), {"site": ["This field is required."]}
        )

    def test_blocking_errors_are_reported_on_submit(self):
        created = self.post(
            self.fatou, {"site": "CF7111-S001", "round": self.round.pk, **good_values(f_18_59=410)}
        ).json()
        self.assertEqual(created["error_count"], 1)
        response = self.post(self.fatou, {}, url=f"/api/assessments/{created['id']}/submit/")
        self.assertEqual(response.status_code, 400)
        self.assertIn("1,180", response.json()["issues"][0])

    def test_an_imo_returns_with_a_reason_and_the_facilitator_sees_it(self):
        assessment = services.assessment_save(
            site=self.mpoko, round=self.round, user=self.fatou, values=good_values()
        )
        services.assessment_submit(assessment=assessment, user=self.fatou)
        self.assertEqual(
            self.post(
                self.fatou, {"reason": "x"}, url=f"/api/assessments/{assessment.pk}/return/"
            ).status_code,
            403,
        )
        self.assertEqual(
            self.post(self.imani, {}, url=f"/api/assessments/{assessment.pk}/return/").status_code, 400
        )
        response = self.post(
            self.imani, {"reason": "Recount the latrines"}, url=f"/api/assessments/{assessment.pk}/return/"
        )
        self.assertEqual(response.json()["status"], "returned")
        detail = self.api_as(self.fatou).get(f"/api/assessments/{assessment.pk}/").json()
        self.assertEqual(detail["return_reason"], "Recount the latrines")

    def test_rounds_are_listed_created_and_closed_by_imos_only(self):
        payload = {"kind": "weekly", "period_start": "2014-01-13", "period_end": "2014-01-19"}
        self.assertEqual(self.post(self.fatou, payload, url="/api/rounds/").status_code, 403)
        created = self.post(self.imani, payload, url="/api/rounds/")
        self.assertEqual(created.status_code, 201)
        self.assertEqual(created.json()["number"], 2)
        self.assertEqual(self.api_as(self.victor).get("/api/rounds/").json()["count"], 2)
        closed = self.post(self.imani, {}, url=f"/api/rounds/{self.round.pk}/close/")
        self.assertEqual(closed.json()["status"], "closed")

    def test_a_closed_round_refuses_changes(self):
        assessment = services.assessment_save(
            site=self.mpoko, round=self.round, user=self.fatou, values=good_values()
        )
        services.round_close(round=self.round, user=self.imani)
        response = self.api_as(self.fatou).patch(
            f"/api/assessments/{assessment.pk}/", {"arrivals": 5}, format="json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("round", response.json())
        assessment.refresh_from_db()
        self.assertEqual((assessment.arrivals, assessment.status), (120, AssessmentStatus.LOCKED))

    def test_the_list_filters_by_round_site_and_status(self):
        services.assessment_save(site=self.mpoko, round=self.round, user=self.fatou, values=good_values())
        services.assessment_save(site=self.boy_rabe, round=self.round, user=self.imani, values=good_values())
        client = self.api_as(self.imani)
        self.assertEqual(client.get(f"/api/assessments/?round={self.round.pk}").json()["count"], 2)
        self.assertEqual(client.get("/api/assessments/?site=CF7131-S001").json()["count"], 1)
        self.assertEqual(client.get("/api/assessments/?status=validated").json()["count"], 0)
        self.assertEqual(client.get("/api/assessments/?status=bogus").status_code, 400)
