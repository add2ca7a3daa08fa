"""CurrentOperationMiddleware: the operation of a signed-in user's pages, kept in the
session, which is written only when the operation changes (not on every page)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sitetrack.core.models import Membership, Operation, Role
from sitetrack.core.testing import BaseCase


def session_writes(queries) -> int:
    return sum(
        1
        for q in queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


class CurrentOperationMiddlewareTests(BaseCase):
    def test_a_page_does_not_write_the_session_when_the_operation_is_unchanged(self):
        self.login(self.imani)
        self.client.get("/sites/")
        self.assertEqual(self.client.session["operation"], self.operation.slug)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get("/sites/").status_code, 200)
        self.assertEqual(session_writes(queries.captured_queries), 0)

    def test_choosing_another_operation_is_kept_in_the_session(self):
        other = Operation.objects.create(slug="car-bria-2017", name="Bria 2017", country=self.car)
        Membership.objects.create(user=self.imani, operation=other, role=Role.VIEWER)
        self.login(self.imani)
        self.client.get("/sites/", {"op": self.operation.slug})
        self.assertEqual(self.client.session["operation"], self.operation.slug)
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/sites/", {"op": other.slug})
        self.assertEqual(session_writes(queries.captured_queries), 1)
        self.assertEqual(self.client.session["operation"], other.slug)
        self.assertEqual(self.client.get("/sites/").wsgi_request.operation, other)
