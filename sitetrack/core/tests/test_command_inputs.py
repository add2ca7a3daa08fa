"""What every command says when it is given an operation, a round or a file that is not
there: what is wrong and what to do, never a traceback, and nothing written."""

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from sitetrack.assessments.tests.fixtures import make_round
from sitetrack.core.testing import BaseCase
from sitetrack.intake.models import ImportRun
from sitetrack.sites.models import Site


class CommandInputsTest(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.operation, number=3)

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.file = self.tmp / "export.csv"
        self.file.write_text("a,b\n1,2\n", encoding="utf-8")

    def refused(self, *args: str) -> str:
        with self.assertRaises(CommandError) as caught:
            call_command(*args, stdout=StringIO(), stderr=StringIO())
        return str(caught.exception)

    def test_every_command_says_how_to_create_an_unknown_operation(self):
        commands = [
            ("import", str(self.file), "--operation", "nowhere", "--round", "weekly:3"),
            ("import-sites", str(self.file), "--operation", "nowhere"),
            ("xlsform", "site-assessment", "--operation", "nowhere"),
            ("import-activities", str(self.file), "--operation", "nowhere"),
            ("activities-template", "--operation", "nowhere"),
            ("report", "weekly", "--round", "1", "--operation", "nowhere"),
            ("returns-survey", "--operation", "nowhere", "--month", "2014-03"),
        ]
        for args in commands:
            with self.subTest(command=args[0]):
                message = self.refused(*args)
                self.assertIn("No operation 'nowhere'", message)
                self.assertIn(self.operation.slug, message)  # the operations there are
                self.assertIn("sitetrack operation create", message)

    def test_a_missing_file_or_a_folder_is_named_and_no_run_is_left(self):
        sites = Site.objects.count()
        for name in ("import", "import-sites"):
            for path, expected in ((self.tmp / "nothere.csv", "No file"), (self.tmp, "is a folder")):
                with self.subTest(command=name, path=path.name):
                    args = [name, str(path), "--operation", self.operation.slug]
                    if name == "import":
                        args += ["--round", "weekly:3"]
                    self.assertIn(expected, self.refused(*args))
        self.assertIn("No file", self.refused("import-admin-areas", str(self.tmp / "cod.csv")))
        self.assertEqual((ImportRun.objects.count(), Site.objects.count()), (0, sites))

    def test_an_unknown_round_lists_the_rounds_and_how_to_create_one(self):
        for text in ("weekly:9", "weekly:x", "#abc", "9"):
            with self.subTest(round=text):
                message = self.refused("import", str(self.file), "--operation", self.operation.slug, "--round", text)
                self.assertIn(f"No round {text!r}", message)
                self.assertIn(f"{self.round.kind}:{self.round.number}", message)
                self.assertIn("sitetrack round create", message)
