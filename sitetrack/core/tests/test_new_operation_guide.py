"""docs/new-operation.md walked end to end for Mozambique: the commands of its "Walk it"
block, run as written (operation → areas → sites → round → import → weekly report)."""

import os
import re
import shlex
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase

from sitetrack.assessments.models import Round, RoundKind, SiteAssessment
from sitetrack.assessments.services import assessment_validate
from sitetrack.core.models import Operation
from sitetrack.geo.models import AdminArea
from sitetrack.sites.models import Site, SiteType

GUIDE = Path(settings.BASE_DIR) / "docs" / "new-operation.md"
FIXTURES = Path(__file__).parent / "fixtures" / "new_operation"


def walk_commands() -> list[str]:
    """The indented `sitetrack ...` lines of the guide's "Walk it" section, in order."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Walk it", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in section.splitlines() if re.match(r"^    (\w+=\S+ )?sitetrack ", line)]


class NewOperationGuideTest(TestCase):
    def run_line(self, line: str, out_dir: str) -> str:
        words = shlex.split(line.replace("$FIXTURES", str(FIXTURES)).replace("$OUT", out_dir))
        env = {}
        while "=" in words[0]:
            key, value = words.pop(0).split("=", 1)
            env[key] = value
        self.assertEqual(words[0], "sitetrack")
        out = StringIO()
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        try:
            call_command(*words[1:], stdout=out, stderr=StringIO())
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        return out.getvalue()

    def test_the_guide_sets_up_mozambique_from_admin_areas_to_the_weekly_report(self):
        commands = walk_commands()
        self.assertEqual(
            [shlex.split(c.split("sitetrack ", 1)[1])[0] for c in commands],
            ["import-admin-areas", "operation", "createsuperuser", "round", "import-sites", "import-sites", "import", "report"],
        )  # fmt: skip
        out_dir = tempfile.mkdtemp()
        outputs = {}
        for line in commands:
            if line.split("sitetrack ", 1)[1].startswith("report"):
                # The IMO validates the submissions on the Validation board.
                admin = User.objects.get(username="admin")
                for assessment in SiteAssessment.objects.filter(round__kind=RoundKind.WEEKLY):
                    assessment_validate(assessment=assessment, user=admin)
            outputs.setdefault(line.split()[1 if "=" not in line.split()[0] else 2], []).append(
                self.run_line(line, out_dir)
            )

        # 1. Admin areas of a country other than CAR.
        self.assertEqual(
            [AdminArea.objects.filter(pcode__startswith="MZ", level=n).count() for n in range(4)],
            [1, 1, 3, 4],
        )
        # 2. The operation, in Mozambique, with Portuguese.
        operation = Operation.objects.get(slug="moz-cabo-delgado")
        self.assertEqual((operation.country.pcode, operation.language_codes), ("MZ", ["en", "fr", "pt"]))
        # 3.-5. The sites: the dry run wrote nothing, the import all six.
        dry, real = outputs["import-sites"]
        self.assertIn("nothing was written", dry)
        self.assertIn("6 rows — 6 new", real)
        self.assertIn("Coordinates checked against the outline of Mozambique (MOZ", real)
        self.assertNotIn("Likely duplicate", real)
        sites = {s.code: s for s in Site.objects.filter(operation=operation)}
        self.assertEqual(len(sites), 6)
        self.assertEqual(sites["MZ010202-S001"].admin_area.pcode, "MZ010202")  # from the SSID
        self.assertEqual(sites["MZ010202-S001"].site_type, SiteType.SPONTANEOUS_SITE)  # no type: the default
        self.assertEqual(sites["MZ010101-S001"].site_type, SiteType.HOST_COMMUNITY)
        self.assertEqual(sites["MZ010201-S001"].names["pt"], "25 de Junho")
        baseline = Round.objects.get(operation=operation, kind=RoundKind.BASELINE)
        self.assertEqual(
            dict(SiteAssessment.objects.filter(round=baseline).values_list("site__code", "individuals")),
            {"MZ010201-S001": 5897, "MZ010201-S002": 3105, "MZ010201-S003": 2870, "MZ010202-S001": 1460,
             "MZ010101-S001": 11020},
        )  # fmt: skip
        # The field export fills the weekly round.
        weekly = Round.objects.get(operation=operation, kind=RoundKind.WEEKLY, number=1)
        self.assertEqual(SiteAssessment.objects.validated().filter(round=weekly).count(), 5)
        # The weekly report: its files, with the sites and the total.
        files = sorted(p.name for p in Path(out_dir).iterdir())
        self.assertEqual(
            files,
            [
                "weekly-report-moz-cabo-delgado-round-1-en.html",
                "weekly-report-moz-cabo-delgado-round-1-en.hxl.csv",
                "weekly-report-moz-cabo-delgado-round-1-en.xlsx",
            ],
        )
        html = (Path(out_dir) / files[0]).read_text(encoding="utf-8")
        self.assertIn("Paquitequete", html)
        self.assertIn("24,535", html)
