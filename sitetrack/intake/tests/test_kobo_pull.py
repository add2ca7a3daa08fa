"""KoboToolbox pull against recorded API v2 responses (tests/fixtures/kobo/), no network."""

from __future__ import annotations

import json
from io import StringIO
from unittest import mock
from urllib.parse import parse_qs, urlsplit

from django.core.management import CommandError, call_command
from django.test import override_settings

from sitetrack.assessments.models import SiteAssessment
from sitetrack.intake.kobo import KoboError, data_url, kobo_pull
from sitetrack.intake.models import ImportRun, ImportSource, KoboPullState, RawSubmission
from sitetrack.intake.tests.helpers import FIXTURES, IntakeCase

SERVER = "https://kf.example.org"
ASSET = "aSiteTrackDemo"


def fixture(name: str) -> bytes:
    return (FIXTURES / "kobo" / name).read_bytes()


class FakeKobo:
    """Serves the recorded pages the way kpi does: by `start`, filtered by the `query`."""

    def __init__(self, token: str = "secret") -> None:
        self.token = token
        self.requests: list[tuple[str, dict]] = []
        self.fail_on: int | None = None  # the number of the request that fails (1-based)

    def __call__(self, url: str, headers: dict, timeout: float) -> tuple[int, bytes]:
        self.requests.append((url, headers))
        if self.fail_on == len(self.requests):
            raise TimeoutError("timed out")
        if headers.get("Authorization") != f"Token {self.token}":
            return 401, fixture("error-401.json")
        parts = urlsplit(url)
        if parts.path != f"/api/v2/assets/{ASSET}/data/":
            return 404, fixture("error-404.json")
        query = parse_qs(parts.query)
        since = json.loads(query["query"][0])["_submission_time"]["$gt"] if "query" in query else ""
        if not since:
            return 200, fixture("data-page2.json" if query.get("start") == ["3"] else "data-page1.json")
        if since < "2014-02-08":
            return 200, fixture("data-later.json")
        return 200, fixture("data-empty.json")


class KoboPullTests(IntakeCase):
    def pull(self, transport, **kw):
        return kobo_pull(
            operation=self.operation,
            round=self.round,
            user=self.imani,
            server=SERVER,
            asset_uid=ASSET,
            token="secret",
            page_size=3,
            transport=transport,
            **kw,
        )

    def test_the_first_request_is_the_documented_data_url(self):
        url = data_url(SERVER, ASSET, since="2014-02-07T12:22:00", limit=1000)
        query = parse_qs(urlsplit(url).query)
        self.assertEqual(urlsplit(url).path, f"/api/v2/assets/{ASSET}/data/")
        self.assertEqual(query["format"], ["json"])
        self.assertEqual(query["limit"], ["1000"])
        self.assertEqual(json.loads(query["query"][0]), {"_submission_time": {"$gt": "2014-02-07T12:22:00"}})
        self.assertEqual(json.loads(query["sort"][0]), {"_submission_time": 1})

    def test_a_pull_follows_next_imports_every_page_and_remembers_the_newest_submission(self):
        kobo = FakeKobo()
        result = self.pull(kobo)
        self.assertEqual((result.pages, result.submissions), (2, 5))
        self.assertEqual(len(kobo.requests), 2)
        self.assertEqual(kobo.requests[0][1]["Authorization"], "Token secret")
        self.assertEqual(SiteAssessment.objects.filter(round=self.round).count(), 5)
        self.assertEqual(ImportRun.objects.filter(source=ImportSource.KOBO).count(), 2)
        state = KoboPullState.objects.get()
        self.assertEqual(state.last_submission_time, "2014-02-07T12:22:00")
        self.assertEqual(state.next_url, "")

    def test_the_next_pull_asks_only_for_newer_submissions(self):
        self.pull(FakeKobo())
        kobo = FakeKobo()
        result = self.pull(kobo)
        self.assertIn("%24gt", kobo.requests[0][0])
        self.assertIn("2014-02-07T12%3A22%3A00", kobo.requests[0][0])
        self.assertEqual(result.submissions, 2)
        self.assertEqual(SiteAssessment.objects.filter(round=self.round).count(), 7)
        # And then nothing is new.
        self.assertEqual(self.pull(FakeKobo()).submissions, 0)

    def test_a_pull_that_stops_resumes_from_the_page_after_the_last_one_imported(self):
        kobo = FakeKobo()
        kobo.fail_on = 2  # page 1 lands, then the network fails
        with self.assertRaises(KoboError) as caught:
            self.pull(kobo)
        self.assertEqual(caught.exception.rule, "timeout")
        self.assertEqual(SiteAssessment.objects.filter(round=self.round).count(), 3)
        state = KoboPullState.objects.get()
        self.assertIn("start=3", state.next_url)
        again = FakeKobo()
        result = self.pull(again)
        self.assertIn("start=3", again.requests[0][0])
        self.assertEqual(result.submissions, 2)
        self.assertEqual(SiteAssessment.objects.filter(round=self.round).count(), 5)

    def test_a_refused_token_says_so_and_imports_nothing(self):
        with self.assertRaises(KoboError) as caught:
            self.pull(FakeKobo(token="other"))
        self.assertEqual(caught.exception.rule, "auth")
        self.assertIn("KOBO_API_TOKEN", caught.exception.message)
        self.assertFalse(RawSubmission.objects.exists())

    def test_an_unknown_asset_is_a_not_found_error(self):
        with self.assertRaises(KoboError) as caught:
            kobo_pull(
                operation=self.operation,
                round=self.round,
                user=self.imani,
                server=SERVER,
                asset_uid="aNoSuchAsset",
                token="secret",
                transport=FakeKobo(),
            )
        self.assertEqual(caught.exception.rule, "not_found")

    def test_an_answer_that_is_not_json_is_a_clear_error(self):
        def broken(url, headers, timeout):
            return 200, b"<html>Bad gateway</html>"

        with self.assertRaises(KoboError) as caught:
            self.pull(broken)
        self.assertEqual(caught.exception.rule, "malformed_json")
        self.assertFalse(SiteAssessment.objects.exists())

    @override_settings(KOBO_API_TOKEN="secret", KOBO_SERVER=SERVER)
    def test_the_command_reads_the_token_from_settings_and_prints_a_summary(self):
        out = StringIO()
        with mock.patch("sitetrack.intake.kobo.urllib_transport", FakeKobo()):
            call_command(
                "kobo-pull",
                asset=ASSET,
                operation=self.operation.slug,
                round="weekly:1",
                page_size=3,
                stdout=out,
                stderr=StringIO(),
            )
        self.assertIn("5 submissions in 2 pages: 5 new", out.getvalue())

    @override_settings(KOBO_API_TOKEN="wrong", KOBO_SERVER=SERVER)
    def test_the_command_turns_errors_into_a_message(self):
        with (
            mock.patch("sitetrack.intake.kobo.urllib_transport", FakeKobo()),
            self.assertRaisesMessage(CommandError, "[auth]"),
        ):
            call_command(
                "kobo-pull", asset=ASSET, operation=self.operation.slug, round="weekly:1", stderr=StringIO()
            )
