"""The rounds and assessments API under bad input and concurrency: 400 with field errors,
never a 500; ETag / If-Match against silent overwrites; one assessment for simultaneous
creates."""

from __future__ import annotations

import json
import threading
from unittest import mock

from django.db import IntegrityError, connection
from django.test import TransactionTestCase, skipUnlessDBFeature

from sitetrack.assessments import services
from sitetrack.assessments.models import SiteAssessment
from sitetrack.assessments.tests.fixtures import good_values, make_round
from sitetrack.core.testing import BaseCase


class BadInputTests(BaseCase):
    def setUp(self) -> None:
        self.round = make_round(self.operation)
        self.api = self.api_as(self.fatou)
        self.assessment = services.assessment_save(
            site=self.mpoko, round=self.round, user=self.fatou, values=good_values()
        )

    def create(self, **fields):
        return self.api.post(
            "/api/assessments/", {"site": "CF7111-S001", "round": self.round.pk, **fields}, format="json"
        )

    def raw(self, method: str, url: str, body: str):
        return getattr(self.api, method)(url, body, content_type="application/json")

    def assert_field_error(self, response, field: str) -> None:
        self.assertEqual(response.status_code, 400, response.content[:500])
        self.assertIn(field, response.json())

    def test_values_and_indicators_of_the_wrong_type_are_field_errors(self):
        self.assert_field_error(self.create(values="x"), "values")
        self.assert_field_error(self.create(indicators="x"), "indicators")
        self.assert_field_error(self.create(indicators=[1, 2]), "indicators")
        self.assert_field_error(self.create(flows="x"), "flows")
        patch = self.api.patch(f"/api/assessments/{self.assessment.pk}/", {"reason": ["x"]}, format="json")
        self.assert_field_error(patch, "reason")

    def test_a_float_date_and_an_impossible_date_are_field_errors(self):
        self.assert_field_error(self.create(visit_date=1.5), "visit_date")
        self.assert_field_error(self.create(visit_date="2014-13-45"), "visit_date")
        self.assert_field_error(self.create(visit_date={"y": 2014}), "visit_date")

    def test_a_23_digit_number_is_a_field_error_not_a_database_error(self):
        self.assert_field_error(self.create(individuals=12345678901234567890123), "individuals")
        self.assert_field_error(
            self.raw(
                "post",
                "/api/assessments/",
                json.dumps({"site": "CF7111-S001", "round": self.round.pk, "households": 1e30}),
            ),
            "households",
        )
        huge = {"direction": "arrival", "individuals": 10**22}
        self.assert_field_error(self.create(flows=[huge]), "flows")
        values = good_values()
        values["indicators"]["water_litres_per_day"] = 10**22
        response = self.create(**values)
        self.assert_field_error(response, "indicators.water_litres_per_day")

    def test_a_round_that_is_not_an_id_is_a_field_error(self):
        for bad in ("abc", 1.5, True, [1], {"id": 1}, "1e3", 10**30):
            with self.subTest(round=bad):
                response = self.api.post(
                    "/api/assessments/", {"site": "CF7111-S001", "round": bad}, format="json"
                )
                self.assert_field_error(response, "round")
        self.assert_field_error(
            self.api.post(
                "/api/assessments/", {"site": ["CF7111-S001"], "round": self.round.pk}, format="json"
            ),
            "site",
        )

    def test_a_null_a_list_or_a_bare_string_body_is_a_400(self):
        urls = ("/api/assessments/", f"/api/assessments/{self.assessment.pk}/")
        for url in urls:
            for body in ("null", '"text"', "[1, 2]", "42"):
                with self.subTest(url=url, body=body):
                    method = "post" if url.endswith("assessments/") else "patch"
                    response = self.raw(method, url, body)
                    self.assertEqual(response.status_code, 400, response.content[:300])
        response = self.raw("post", f"/api/assessments/{self.assessment.pk}/submit/", "null")
        self.assertEqual(response.status_code, 400)

    def test_a_deeply_nested_body_is_a_400(self):
        deep = "[" * 5000 + "]" * 5000
        shallow_but_deep = '{"values": {"observations": ' + "[" * 40 + "1" + "]" * 40 + "}}"
        for url, method in (
            ("/api/assessments/", "post"),
            (f"/api/assessments/{self.assessment.pk}/", "patch"),
            (f"/api/assessments/{self.assessment.pk}/submit/", "post"),
            ("/api/rounds/", "post"),
            (f"/api/rounds/{self.round.pk}/close/", "post"),
        ):
            for body in (deep, shallow_but_deep):
                with self.subTest(url=url):
                    response = self.raw(method, url, body)
                    self.assertEqual(response.status_code, 400, response.content[:300])

    def test_options_answers_on_every_endpoint(self):
        for url in (
            "/api/rounds/",
            f"/api/rounds/{self.round.pk}/",
            f"/api/rounds/{self.round.pk}/close/",
            "/api/assessments/",
            f"/api/assessments/{self.assessment.pk}/",
            f"/api/assessments/{self.assessment.pk}/submit/",
            "/api/catalogue/",
        ):
            with self.subTest(url=url):
                response = self.api.options(url)
                self.assertEqual(response.status_code, 200, response.content[:300])

    def test_wrong_types_when_creating_a_round_are_field_errors(self):
        api = self.api_as(self.imani)
        for body, field in (
            ({"kind": "weekly", "period_start": 1.5, "period_end": "2014-02-01"}, "period_start"),
            ({"kind": ["weekly"], "period_start": "2014-02-01", "period_end": "2014-02-07"}, "kind"),
            (
                {
                    "kind": "weekly",
                    "period_start": "2014-02-01",
                    "period_end": "2014-02-07",
                    "number": 10**22,
                },
                "number",
            ),
        ):
            with self.subTest(field=field):
                self.assert_field_error(api.post("/api/rounds/", body, format="json"), field)
        self.assertEqual(self.raw("post", "/api/rounds/", "null").status_code, 400)


class OptimisticLockingTests(BaseCase):
    def setUp(self) -> None:
        self.round = make_round(self.operation)
        self.assessment = services.assessment_save(
            site=self.mpoko, round=self.round, user=self.fatou, values=good_values()
        )
        self.url = f"/api/assessments/{self.assessment.pk}/"

    def test_a_change_made_since_the_get_is_refused_with_412(self):
        api = self.api_as(self.fatou)
        etag = api.get(self.url)["ETag"]
        services.assessment_save(site=self.mpoko, round=self.round, user=self.imani, values={"arrivals": 121})
        response = api.patch(self.url, {"arrivals": 5}, format="json", headers={"if-match": etag})
        self.assertEqual(response.status_code, 412)
        self.assertIn("Someone else changed this assessment", response.json()["version"][0])
        self.assertEqual(SiteAssessment.objects.get().arrivals, 121)
        fresh = api.get(self.url)["ETag"]
        response = api.patch(self.url, {"arrivals": 5}, format="json", headers={"if-match": fresh})
        self.assertEqual(response.status_code, 200, response.content[:300])
        self.assertNotEqual(response["ETag"], fresh)

    def test_an_action_on_a_stale_version_is_refused(self):
        api = self.api_as(self.fatou)
        etag = api.get(self.url)["ETag"]
        services.assessment_save(site=self.mpoko, round=self.round, user=self.fatou, values={"arrivals": 121})
        response = api.post(f"{self.url}submit/", {}, format="json", headers={"if-match": etag})
        self.assertEqual(response.status_code, 412)

    def test_without_if_match_the_write_goes_through(self):
        response = self.api_as(self.fatou).patch(self.url, {"arrivals": 7}, format="json")
        self.assertEqual(response.status_code, 200)

    def test_a_create_that_lost_the_race_updates_what_the_winner_created(self):
        real = services._upsert
        calls = []

        def racing(**kwargs):
            calls.append(1)
            if len(calls) == 1:
                real(**{**kwargs, "values": good_values(arrivals=1)})  # the other request wins
                raise IntegrityError("one_assessment_per_site_per_round")
            return real(**kwargs)

        SiteAssessment.objects.all().delete()
        with mock.patch.object(services, "_upsert", side_effect=racing):
            result = services.assessment_upsert(
                site=self.mpoko, round=self.round, user=self.fatou, values={"arrivals": 2}
            )
        self.assertFalse(result.created)
        self.assertEqual(SiteAssessment.objects.get().arrivals, 2)


class SimultaneousCreateTests(TransactionTestCase):
    """Sixteen clients create the same site's assessment at once: one 201, fifteen 200."""

    make_user = classmethod(BaseCase.make_user.__func__)
    api_as = BaseCase.api_as
    password = BaseCase.password

    def setUp(self) -> None:
        BaseCase.setUpTestData.__func__(type(self))
        self.round = make_round(self.operation)

    @skipUnlessDBFeature("has_select_for_update")
    def test_sixteen_simultaneous_creates_make_one_assessment(self):
        statuses: list[int] = []
        barrier = threading.Barrier(16)
        payload = {"site": "CF7111-S001", "round": self.round.pk, **good_values()}

        def create() -> None:
            try:
                client = self.api_as(self.fatou)
                barrier.wait()
                statuses.append(client.post("/api/assessments/", payload, format="json").status_code)
            finally:
                connection.close()

        threads = [threading.Thread(target=create) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(statuses), [200] * 15 + [201])
        self.assertEqual(SiteAssessment.objects.count(), 1)
