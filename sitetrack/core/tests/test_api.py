"""The shared API pieces: the bounded-count pagination, the values() rows of the long
lists (the same JSON as the serializers they replace), the orjson renderer."""

from __future__ import annotations

import json
from unittest import mock

from rest_framework.test import APIClient

from sitetrack.assessments.apis import AssessmentListSerializer
from sitetrack.assessments.models import Round, SiteAssessment
from sitetrack.core import api
from sitetrack.core.testing import BaseCase
from sitetrack.sites.apis import SiteSerializer
from sitetrack.sites.models import Site, SiteType


class ApiListTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.mpoko.aliases = ["Aéroport", "M'Poko"]
        cls.mpoko.management_agency = cls.ngo
        cls.mpoko.area_m2 = 12000
        cls.mpoko.save()
        Site.objects.bulk_create(
            Site(
                operation=cls.operation,
                code=f"CF7131-S{n:03d}",
                name=f"Quartier {n}",
                site_type=SiteType.SPONTANEOUS_SITE,
                admin_area=cls.arr3_3,
            )
            for n in range(2, 27)
        )
        cls.round = Round.objects.create(
            operation=cls.operation,
            kind="weekly",
            number=1,
            period_start="2014-01-06",
            period_end="2014-01-12",
        )
        SiteAssessment.objects.bulk_create(
            SiteAssessment(round=cls.round, site=site, individuals=10 * n, households=n, priority_1="wash")
            for n, site in enumerate(Site.objects.all(), start=1)
        )

    def client_as(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def test_the_site_rows_are_the_serializer_json_in_both_languages(self):
        client = self.client_as(self.imani)
        for language in ("en", "fr"):
            listed = client.get("/api/sites/?page_size=1000", HTTP_ACCEPT_LANGUAGE=language).json()
            with self.settings(LANGUAGE_CODE=language):
                from django.utils import translation

                with translation.override(language):
                    expected = json.loads(
                        json.dumps(SiteSerializer(Site.objects.order_by("code"), many=True).data)
                    )
            self.assertEqual(listed["results"], expected)
        self.assertEqual(listed["results"][0]["management_agency"], "DRC")

    def test_the_assessment_rows_are_the_serializer_json(self):
        listed = self.client_as(self.imani).get("/api/assessments/?page_size=1000").json()
        qs = SiteAssessment.objects.order_by("-round_id", "site_id")
        expected = json.loads(json.dumps(AssessmentListSerializer(qs, many=True).data))
        self.assertEqual(listed["results"], expected)

    def test_pages_link_to_each_other_and_count_exactly_below_the_cap(self):
        client = self.client_as(self.imani)
        first = client.get("/api/sites/?page_size=10").json()
        self.assertEqual((first["count"], first["count_capped"]), (27, False))
        self.assertIsNone(first["previous"])
        self.assertIn("page=2", first["next"])
        last = client.get("/api/sites/?page_size=10&page=3").json()
        self.assertEqual((last["count"], len(last["results"])), (27, 7))
        self.assertIsNone(last["next"])
        self.assertIn("page_size=10", last["previous"])
        self.assertEqual(client.get("/api/sites/?page_size=10&page=4").status_code, 404)
        self.assertEqual(client.get("/api/sites/?page=0").status_code, 404)
        self.assertEqual(client.get("/api/sites/?page=x").status_code, 404)

    def test_a_list_longer_than_the_cap_says_so_instead_of_counting_it(self):
        client = self.client_as(self.imani)
        with mock.patch.object(api, "COUNT_CAP", 20):
            page = client.get("/api/assessments/?page_size=10").json()
            self.assertEqual((page["count"], page["count_capped"]), (None, True))
            self.assertEqual(len(page["results"]), 10)
            # The last page knows the count without counting.
            last = client.get("/api/assessments/?page_size=10&page=3").json()
            self.assertEqual((last["count"], last["count_capped"]), (27, False))

    def test_a_facilitator_lists_only_the_rows_in_scope(self):
        listed = self.client_as(self.fatou).get("/api/assessments/").json()
        self.assertEqual([r["site"] for r in listed["results"]], ["CF7111-S001"])
        self.assertEqual(listed["count"], 1)

    def test_the_renderer_writes_lazy_text_decimals_and_utf8(self):
        from decimal import Decimal

        from django.utils.translation import gettext_lazy

        body = api.FastJSONRenderer().render({"a": gettext_lazy("Open"), "b": Decimal("2.5"), "c": "é"})
        self.assertEqual(json.loads(body), {"a": "Open", "b": 2.5, "c": "é"})
        self.assertIn("é".encode(), body)
