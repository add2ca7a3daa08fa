"""Schemathesis against our own OpenAPI schema (/api/schema/), as every role of the base
case and anonymously: generated requests for every operation must never get a server
error, and every response must match the schema we publish.

Bounded: FUZZ_EXAMPLES examples per operation and role (derandomized, so a run is
reproducible and independent of test order), no shrinking. Set FUZZ_EXAMPLES higher for a
longer hunt. Requests go through Django's WSGI handler inside the test's transaction.
"""

from __future__ import annotations

import os
from collections import Counter

import schemathesis
from django.core import signals
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from sitetrack.accounts.tests import access_fixtures
from sitetrack.core.testing import BaseCase

EXAMPLES = int(os.getenv("FUZZ_EXAMPLES", "5"))
ROLES = ("ada", "imani", "fatou", "paul", "victor", "olga", None)


def _essence(error: BaseException) -> str:
    """The lines that say what failed (not the response body, which differs per case)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    keep = [line for line in lines if not line.startswith(("[", "`", "Reproduce", "curl"))]
    return " | ".join(keep[:8])[:500]


class ApiFuzzTests(BaseCase):
    def setUp(self) -> None:
        access_fixtures.build(self)
        self.login(self.imani)
        self.schema = schemathesis.openapi.from_dict(self.client.get("/api/schema/?format=json").json())
        self.app = WSGIHandler()
        # As Django's test client does: keep the test's connection (and transaction) open.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)

    def tearDown(self) -> None:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        for each in caches.all():
            each.clear()

    def fuzz(self, operation, headers: dict[str, str], calls: Counter, failures: dict) -> None:
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def one(case) -> None:
            for each in caches.all():  # the throttles' cache too: they would answer 429
                each.clear()
            response = case.call(app=self.app, headers=headers)
            calls[response.status_code] += 1
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            except BaseException as error:  # a failed check (a FailureGroup): record it, go on
                if isinstance(error, KeyboardInterrupt | SystemExit):
                    raise
                failures[(operation.label, _essence(error))] = case.as_curl_command(headers=headers)

        one()

    def test_no_server_error_and_no_schema_violation_for_any_role(self):
        calls: Counter = Counter()
        failures: dict[tuple[str, str], str] = {}
        operations = [result.ok() for result in self.schema.get_all_operations()]
        for username in ROLES:
            headers = {}
            if username:
                token, _created = Token.objects.get_or_create(user=getattr(self, username))
                headers = {"Authorization": f"Token {token.key}"}
            for operation in operations:
                self.fuzz(operation, headers, calls, failures)
        print(
            f"schemathesis: {len(operations)} operations x {len(ROLES)} roles, {sum(calls.values())} requests, "
            f"statuses {dict(sorted(calls.items()))}, {len(failures)} failures"
        )
        self.assertGreater(sum(calls.values()), len(operations) * len(ROLES))
        report = [f"{label}: {essence}\n    {curl}" for (label, essence), curl in sorted(failures.items())]
        self.assertEqual(report, [], "\n\n".join(report))
