"""Pages answered from the process's cache (`core.pagecache.cached_page`): the same HTML
while nothing changed, fresh HTML once any write commits, never another user's page, and
never a page that carries a one-time message; each request gets its own CSRF token."""

import re
from unittest import mock

from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client, RequestFactory

from sitetrack.core.pagecache import CSRF_PLACEHOLDER
from sitetrack.core.tests.committed_world import CommittedWorld
from sitetrack.sites import views as site_views
from sitetrack.sites.models import Site

URL = "/sites/"


class CachedPageTests(CommittedWorld):

    def browser(self, user):
        client = Client()
        client.force_login(user)
        return client

    def counted(self):
        return mock.patch.object(site_views, "site_list", wraps=site_views.site_list)

    def test_the_same_page_is_answered_from_the_cache(self):
        browser = self.browser(self.imani)
        with self.counted() as listed:
            first = browser.get(URL)
            second = browser.get(URL)
        self.assertEqual(listed.call_count, 1)
        self.assertEqual(second.status_code, 200)

        def without_tokens(response):
            return re.sub(r'value="[^"]+"', "", response.content.decode())

        self.assertEqual(without_tokens(second), without_tokens(first))

    def test_a_committed_write_is_seen_at_once(self):
        browser = self.browser(self.imani)
        self.assertContains(browser.get(URL), "M&#x27;Poko")
        Site.objects.filter(pk=self.mpoko.pk).update(name="Aéroport M'Poko")
        self.assertContains(browser.get(URL), "Aéroport M&#x27;Poko")

    def test_each_user_gets_their_own_page(self):
        self.assertContains(self.browser(self.imani).get(URL), "CF713-S001")
        self.assertNotContains(self.browser(self.fatou).get(URL), "CF713-S001")

    def test_a_page_with_a_waiting_message_is_computed_and_shows_it(self):
        browser = self.browser(self.imani)
        browser.get(URL)
        # What a view's messages.success() leaves for the next page (the cookie storage).
        storage = CookieStorage(RequestFactory().get(URL))
        storage.add(constants.SUCCESS, "The import finished.")
        carrier = HttpResponse()
        storage.update(carrier)
        browser.cookies["messages"] = carrier.cookies["messages"].value
        with self.counted() as listed:
            self.assertContains(browser.get(URL), "The import finished.")
            self.assertNotContains(browser.get(URL), "The import finished.")
        # Computed for the message; the next request is the page kept before it.
        self.assertEqual(listed.call_count, 1)

    def test_a_cached_page_carries_a_csrf_token_valid_for_its_own_request(self):
        # Two sessions of one user (signing in writes last_login: sign both in first).
        first = self.browser(self.imani)
        other = Client(enforce_csrf_checks=True)
        other.force_login(self.imani)
        first.get(URL)  # renders and keeps the page
        with self.counted() as listed:
            page = other.get(URL).content.decode()
        self.assertEqual(listed.call_count, 0)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.assertNotIn(CSRF_PLACEHOLDER, page)
        answer = other.post("/i18n/setlang/", {"language": "fr", "next": URL, "csrfmiddlewaretoken": token})
        self.assertEqual(answer.status_code, 302)
