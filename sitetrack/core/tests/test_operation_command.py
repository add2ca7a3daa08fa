"""`sitetrack operation create|list` and `sitetrack round create|list`."""

from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError

from sitetrack.assessments.models import Round
from sitetrack.core.models import Operation
from sitetrack.core.testing import BaseCase, make_area


class OperationCommandTest(BaseCase):
    def call(self, *args: str) -> str:
        out = StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    def test_it_creates_an_operation_and_says_what_comes_next(self):
        make_area("MZ", "Mozambique", 0)
        out = self.call(
            "operation",
            "create",
            "--name",
            "Cabo Delgado 2024",
            "--country",
            "MOZ",
            "--languages",
            "en,fr,pt",
        )
        operation = Operation.objects.get(slug="cabo-delgado-2024")
        self.assertEqual(operation.language_codes, ["en", "fr", "pt"])
        self.assertIn("import-sites FILE --operation cabo-delgado-2024", out)
        self.assertIn("cabo-delgado-2024\tCabo Delgado 2024\tMZ\ten,fr,pt", self.call("operation", "list"))

    def test_an_unknown_country_is_an_error_not_a_traceback(self):
        with self.assertRaisesMessage(CommandError, "country: No admin areas for “SOM” yet"):
            self.call("operation", "create", "--name", "Somalia", "--country", "SOM")

    def test_a_round_is_created_for_a_user_who_may(self):
        out = self.call(
            "round", "create", "--operation", "car-bangui-2014", "--kind", "weekly",
            "--start", "2014-02-03", "--end", "2014-02-09", "--user", "imani",
        )  # fmt: skip
        self.assertIn("Created round weekly:1", out)
        self.assertTrue(Round.objects.filter(operation=self.operation, kind="weekly", number=1).exists())
        with self.assertRaisesMessage(CommandError, "does not allow"):
            self.call(
                "round", "create", "--operation", "car-bangui-2014", "--kind", "weekly",
                "--start", "2014-02-10", "--end", "2014-02-16", "--user", "victor",
            )  # fmt: skip

    def test_an_unknown_operation_says_how_to_create_one(self):
        with self.assertRaisesMessage(CommandError, "sitetrack operation create --name NAME --country ISO3"):
            self.call("round", "list", "--operation", "nope")
