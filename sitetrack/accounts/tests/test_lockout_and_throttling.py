"""Thirty wrong passwords lock the account: the right one no longer logs in, on the login
page or on the token API; the token API is throttled."""

from __future__ import annotations

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from sitetrack.core.testing import BaseCase


class LockoutTests(BaseCase):
    def setUp(self) -> None:
        cache.clear()
        # The base case's passwords were hashed before the tests' fast hasher was set.
        for user in (self.imani, self.victor, self.fatou, self.paul):
            user.set_password(self.password)
            user.save(update_fields=["password"])

    def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(self):
        for _attempt in range(30):
            self.client.post(reverse("login"), {"username": "imani", "password": "wrong"})
        response = self.client.post(reverse("login"), {"username": "imani", "password": self.password})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "locked", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_right_password_after_a_few_typos_logs_in(self):
        for _attempt in range(3):
            self.client.post(reverse("login"), {"username": "imani", "password": "wrong"})
        response = self.client.post(reverse("login"), {"username": "imani", "password": self.password})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.imani.pk)

    def test_another_user_is_not_locked_out_by_someone_elses_failures(self):
        for _attempt in range(30):
            self.client.post(reverse("login"), {"username": "imani", "password": "wrong"})
        response = self.client.post(reverse("login"), {"username": "victor", "password": self.password})
        self.assertEqual(response.status_code, 302)

    @override_settings(
        REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": {"auth": "1000/minute", "tokens": "1000/minute"}}
    )
    def test_the_token_api_is_locked_out_with_the_login_page(self):
        client = APIClient()
        url = reverse("api-token-obtain")
        for _attempt in range(30):
            self.assertIn(
                client.post(url, {"username": "fatou", "password": "wrong"}, format="json").status_code,
                (401, 429),
            )
        response = client.post(url, {"username": "fatou", "password": self.password}, format="json")
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("key", response.json())


class ThrottleTests(BaseCase):
    def setUp(self) -> None:
        cache.clear()

    def tearDown(self) -> None:
        cache.clear()

    def test_the_token_api_answers_429_past_its_rate(self):
        client = APIClient()
        url = reverse("api-token-obtain")
        codes = [
            client.post(url, {"username": f"nobody{i}", "password": "x"}, format="json").status_code
            for i in range(15)
        ]
        self.assertEqual(codes[:10], [401] * 10)
        self.assertEqual(set(codes[10:]), {429})
