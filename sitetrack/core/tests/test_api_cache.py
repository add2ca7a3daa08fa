"""List endpoints answered from the process's cache (`core.api.cached_list`): the same
bytes while the data has not changed, fresh ones as soon as any write commits, and never
one user's (or one language's) page for another."""

from unittest import mock

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sitetrack.core.api import Rows
from sitetrack.core.tests.committed_world import CommittedWorld
from sitetrack.sites.models import Site

URL = "/api/sites/?operation=car"


class CachedListTests(CommittedWorld):

    def api(self, user, **headers):
        client = APIClient(**headers)
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client

    def codes(self, response):
        self.assertEqual(response.status_code, 200)
        return [row["code"] for row in response.json()["results"]]

    def test_the_same_request_is_answered_from_the_cache(self):
        api = self.api(self.imani)
        with mock.patch.object(Rows, "render", autospec=True, side_effect=Rows.render) as render:
            first = api.get(URL)
            second = api.get(URL)
        self.assertEqual(render.call_count, 1)
        self.assertEqual(second.content, first.content)
        self.assertEqual(second["Content-Type"], "application/json")

    def test_a_committed_write_of_any_kind_is_seen_at_once(self):
        api = self.api(self.imani)
        self.assertIn("M'Poko", api.get(URL).content.decode())
        # A queryset update sends no signal: the version still moves.
        Site.objects.filter(pk=self.mpoko.pk).update(name="Aéroport M'Poko")
        names = [row["name"] for row in api.get(URL).json()["results"]]
        self.assertIn("Aéroport M'Poko", names)

    def test_each_user_gets_their_own_scope(self):
        self.assertEqual(sorted(self.codes(self.api(self.imani).get(URL))), ["CF711-S001", "CF713-S001"])
        self.assertEqual(self.codes(self.api(self.fatou).get(URL)), ["CF711-S001"])

    def test_each_language_gets_its_own_labels(self):
        english = self.api(self.imani).get(URL).json()["results"]
        french = self.api(self.imani, HTTP_ACCEPT_LANGUAGE="fr").get(URL).json()["results"]
        self.assertNotEqual(
            {r["code"]: r["site_type_label"] for r in english},
            {r["code"]: r["site_type_label"] for r in french},
        )
