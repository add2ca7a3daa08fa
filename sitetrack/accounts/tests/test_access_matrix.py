"""Every URL of the project, requested by every role of the base case, answers what the
access matrix (access_matrix.py) says it should; a URL without an entry fails.

Each URL is requested with GET and with an empty POST (inside a rolled-back savepoint,
so one role's POST never changes what the next role sees). Pages use the session, API
URLs a token. Run with ACCESS_MATRIX_DUMP=1 to print the observed table, ready to paste.
Object-level scope is checked separately with guessed ids: Fatou (facilitator of CF711)
gets 404 for everything that belongs to the site outside her area.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass

from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from sitetrack.accounts.tests import access_fixtures
from sitetrack.accounts.tests.access_matrix import MATRIX, PREFIXES, ROLES, SCOPE
from sitetrack.core.testing import BaseCase

MATRIX_FILE = "sitetrack/accounts/tests/access_matrix.py"


@dataclass(frozen=True)
class Route:
    key: str  # the URL name with its namespace, or the route when it has no name
    route: str
    kwarg_names: tuple[str, ...]
    positional: int = 0  # unnamed groups (e.g. simple_history's admin views): filled with "1"

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                key = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else route
                regex = pattern.pattern.regex
                names = tuple(regex.groupindex)
                found.append(Route(key, route, names, regex.groups - len(names)))

    walk(get_resolver().url_patterns, "", "")
    return found


def expected_for(route: Route) -> tuple[str, str] | None:
    if route.key in MATRIX:
        return MATRIX[route.key]
    for prefix, codes in PREFIXES.items():
        if route.key.startswith(prefix) or route.route.startswith(prefix):
            return codes
    return None


class AccessMatrixTests(BaseCase):
    def setUp(self) -> None:
        self.objects = access_fixtures.build(self)
        self.clients = {"anonymous": (Client(), APIClient())}
        for name in ROLES[1:]:
            user = getattr(self, name)
            page = Client()
            page.force_login(user)
            self.clients[name] = (page, self.api_as(user))

    def url_for(self, route: Route) -> str:
        kwargs = access_fixtures.kwargs_for(route.key, list(route.kwarg_names), self, self.objects)
        missing = [k for k in route.kwarg_names if k not in kwargs]
        self.assertFalse(
            missing,
            f"{route.key} ({route.route}) needs {missing}: add them to kwargs_for in "
            "sitetrack/accounts/tests/access_fixtures.py",
        )
        if route.key == route.route:  # unnamed: build the path from the route itself
            path = route.route.lstrip("^").rstrip("$")
            for k, v in kwargs.items():
                path = path.replace(f"(?P<{k}>.*)", str(v)).replace(f"<{k}>", str(v))
            return "/" + path
        if route.positional:
            return reverse(
                route.key, args=[kwargs.get(k, "1") for k in route.kwarg_names] + ["1"] * route.positional
            )
        return reverse(route.key, kwargs=kwargs)

    def observe(self, route: Route, url: str, method: str) -> str:
        codes = []
        for role in ROLES:
            page, api = self.clients[role]
            client = api if route.is_api else page
            cookies = copy.deepcopy(client.cookies)  # a POST to logout or set_language changes them
            for each in caches.all():  # throttle counts (in their own cache)
                each.clear()
            with transaction.atomic():
                if method == "GET":
                    response = client.get(url)
                elif route.is_api:
                    response = client.post(url, {}, format="json")
                else:
                    response = client.post(url, {})
                codes.append(str(response.status_code))
                transaction.set_rollback(True)
            client.cookies = cookies
        return " ".join(codes)

    def test_every_url_answers_every_role_as_the_matrix_says(self):
        dump = os.getenv("ACCESS_MATRIX_DUMP")
        problems, rows = [], []
        for route in routes():
            url = self.url_for(route)
            expected = expected_for(route)
            skip_post = expected is not None and expected[1] is None
            observed = (
                self.observe(route, url, "GET"),
                None if skip_post else self.observe(route, url, "POST"),
            )
            rows.append(f'    "{route.key}": ("{observed[0]}", "{observed[1]}"),')
            if expected is None:
                problems.append(
                    f"{route.key} ({url}) has no entry in the access matrix. Decide who may reach it and "
                    f"add it to MATRIX in {MATRIX_FILE} (roles: {' '.join(ROLES)}); what it answers now:\n"
                    f'    "{route.key}": ("{observed[0]}", "{observed[1]}"),'
                )
                continue
            for method, want, got in zip(("GET", "POST"), expected, observed, strict=True):
                if want is not None and want != got:
                    diff = ", ".join(
                        f"{role} expected {w} got {g}"
                        for role, w, g in zip(ROLES, want.split(), got.split(), strict=True)
                        if w != g
                    )
                    problems.append(f"{method} {url} ({route.key}): {diff}")
        if dump:
            print("\n".join(rows))
        self.assertFalse(problems, "\n" + "\n".join(problems))

    def test_the_matrix_names_no_url_that_does_not_exist(self):
        keys = {route.key for route in routes()}
        self.assertEqual(sorted(set(MATRIX) - keys), [], f"remove these entries from {MATRIX_FILE}")

    def test_a_facilitator_gets_404_for_objects_outside_her_areas_by_guessed_ids(self):
        outside = {
            "code": self.boy_rabe.code,
            "assessment": self.objects.assessment_outside.pk,
            "round": self.objects.round.pk,
        }
        page, api = self.clients["fatou"]
        inside_codes = []
        for name, method, args, want in SCOPE:
            url = reverse(name, kwargs={k: outside[v] for k, v in args.items()})
            client = api if url.startswith("/api/") else page
            with self.subTest(url=url, method=method), transaction.atomic():
                response = client.get(url) if method == "GET" else client.post(url, {})
                self.assertEqual(response.status_code, want, f"{method} {url}")
                transaction.set_rollback(True)
            inside_codes.append(name)
        self.assertTrue(inside_codes)
