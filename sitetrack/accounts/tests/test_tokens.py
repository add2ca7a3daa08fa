"""API tokens expire, can be revoked by their owner or an administrator, and die with the
session on logout."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sitetrack.accounts.models import ApiToken
from sitetrack.accounts.services import api_token_create, api_token_revoke
from sitetrack.core.testing import BaseCase


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


class TokenAuthenticationTests(BaseCase):
    def setUp(self) -> None:
        cache.clear()
        # The base case's passwords were hashed before the tests' fast hasher was set.
        for user in (self.imani, self.victor, self.fatou, self.paul):
            user.set_password(self.password)
            user.save(update_fields=["password"])

    def test_a_new_token_reads_the_api_and_only_its_digest_is_stored(self):
        token, key = api_token_create(user=self.imani, name="Power BI")
        self.assertEqual(client_with(key).get(reverse("api-tokens")).status_code, 200)
        self.assertFalse(ApiToken.objects.filter(digest=key).exists())
        self.assertNotIn(key, str(ApiToken.objects.filter(pk=token.pk).values().get()))
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)

    def test_an_expired_token_is_refused_with_its_expiry_date(self):
        token, key = api_token_create(user=self.imani, name="old", days=1)
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
        response = client_with(key).get(reverse("api-tokens"))
        self.assertEqual(response.status_code, 401)
        self.assertIn("expired", response.json()["detail"])

    def test_a_revoked_token_is_refused(self):
        token, key = api_token_create(user=self.imani, name="laptop")
        api_token_revoke(token=token, by=self.imani)
        response = client_with(key).get(reverse("api-tokens"))
        self.assertEqual(response.status_code, 401)
        self.assertIn("revoked", response.json()["detail"])

    @override_settings(SITETRACK_TOKEN_DAYS=30)
    def test_the_older_single_token_expires_too(self):
        token = Token.objects.create(user=self.victor)
        self.assertEqual(client_with(token.key).get(reverse("api-tokens")).status_code, 200)
        Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=31))
        self.assertEqual(client_with(token.key).get(reverse("api-tokens")).status_code, 401)

    def test_it_refuses_a_lifetime_beyond_the_maximum(self):
        for days in (0, -1, 10_000, True):
            with self.subTest(days=days), self.assertRaises(ValidationError):
                api_token_create(user=self.imani, name="x", days=days)

    def test_logging_out_ends_every_token_of_the_user(self):
        _token, key = api_token_create(user=self.fatou, name="phone")
        legacy = Token.objects.create(user=self.fatou)
        other, other_key = api_token_create(user=self.victor, name="other")
        self.login(self.fatou)
        self.client.post(reverse("logout"))
        self.assertEqual(client_with(key).get(reverse("api-tokens")).status_code, 401)
        self.assertEqual(client_with(legacy.key).get(reverse("api-tokens")).status_code, 401)
        self.assertEqual(client_with(other_key).get(reverse("api-tokens")).status_code, 200)

    @override_settings(SITETRACK_TOKENS_END_WITH_SESSION=False)
    def test_the_logout_policy_can_keep_tokens(self):
        _token, key = api_token_create(user=self.fatou, name="phone")
        self.login(self.fatou)
        self.client.post(reverse("logout"))
        self.assertEqual(client_with(key).get(reverse("api-tokens")).status_code, 200)

    def test_the_token_api_gives_a_token_for_the_right_password_only(self):
        client = APIClient()
        response = client.post(
            reverse("api-token-obtain"),
            {"username": "paul", "password": self.password, "name": "R script", "days": 7},
            format="json",
        )
        self.assertEqual(response.status_code, 201)
        body = response.json()
        self.assertEqual(client_with(body["key"]).get(reverse("api-tokens")).json()[0]["name"], "R script")
        wrong = client.post(reverse("api-token-obtain"), {"username": "paul", "password": "x"}, format="json")
        self.assertEqual(wrong.status_code, 401)

    def test_the_api_revokes_own_tokens_and_hides_other_peoples(self):
        mine, key = api_token_create(user=self.paul, name="mine")
        theirs, _key = api_token_create(user=self.victor, name="theirs")
        client = client_with(key)
        self.assertEqual(client.delete(reverse("api-token-revoke", args=[theirs.pk])).status_code, 404)
        self.assertEqual(
            client.delete(reverse("api-token-revoke", args=[mine.pk])).json()["state"], "revoked"
        )
        theirs.refresh_from_db()
        self.assertIsNone(theirs.revoked_at)


class TokenPageTests(BaseCase):
    def test_a_user_makes_sees_and_revokes_their_tokens(self):
        self.login(self.victor)
        response = self.client.post(
            reverse("accounts:tokens"), {"create": "1", "name": "Excel", "days": "30"}
        )
        key = response.context["new_key"]
        self.assertTrue(key.startswith("st_"))
        self.assertContains(response, key)
        self.assertEqual(response["Cache-Control"], "no-store")
        token = ApiToken.objects.get(user=self.victor)
        self.assertNotContains(self.client.get(reverse("accounts:tokens")), key)
        self.client.post(reverse("accounts:tokens"), {"revoke": str(token.pk)})
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)

    def test_a_user_cannot_revoke_someone_elses_token_by_guessing_its_id(self):
        token, _key = api_token_create(user=self.imani, name="imani's")
        self.login(self.victor)
        response = self.client.post(reverse("accounts:tokens"), {"revoke": str(token.pk)})
        self.assertEqual(response.status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)

    def test_an_administrator_sees_and_revokes_any_token_of_their_operation(self):
        token, _key = api_token_create(user=self.paul, name="partner's")
        legacy = Token.objects.create(user=self.victor)
        self.login(self.ada)
        page = self.client.get(reverse("accounts:tokens-manage"))
        self.assertContains(page, "partner&#x27;s")
        self.client.post(reverse("accounts:tokens-manage"), {"revoke": str(token.pk)})
        self.client.post(reverse("accounts:tokens-manage"), {"revoke_legacy": str(self.victor.pk)})
        token.refresh_from_db()
        self.assertEqual(token.revoked_by, self.ada)
        self.assertFalse(Token.objects.filter(pk=legacy.pk).exists())

    def test_only_administrators_reach_the_management_page(self):
        for user in (self.imani, self.fatou, self.paul, self.victor, self.olga):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(reverse("accounts:tokens-manage")).status_code, 403)
