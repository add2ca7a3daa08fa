import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site


class ImportSitesCommandTest(BaseCase):
    def write(self, text: str) -> str:
        path = Path(tempfile.mkdtemp()) / "list.csv"
        path.write_text(text, encoding="utf-8-sig")
        return str(path)

    def test_it_imports_with_a_mapping(self) -> None:
        path = self.write("Lieu,type,pcode\nPadre Pio,collective centre,CF7131\n")
        out = StringIO()
        call_command("import-sites", path, "--operation", "car-bangui-2014", "--map", "name=Lieu", stdout=out)
        self.assertIn("1 new", out.getvalue())
        self.assertTrue(Site.objects.filter(name="Padre Pio", code="CF7131-S002").exists())

    def test_a_dry_run_reports_without_writing(self) -> None:
        path = self.write("name,type,pcode\nPadre Pio,collective centre,CF7131\n")
        out = StringIO()
        call_command("import-sites", path, "--operation", "car-bangui-2014", "--dry-run", stdout=out)
        self.assertIn("nothing was written", out.getvalue())
        self.assertFalse(Site.objects.filter(name="Padre Pio").exists())

    def test_errors_fail_the_command(self) -> None:
        path = self.write("name,type,pcode\nX,castle,CF7131\n")
        out = StringIO()
        with self.assertRaisesMessage(CommandError, "1 error: nothing was imported"):
            call_command("import-sites", path, "--operation", "car-bangui-2014", stdout=out)
        self.assertIn("row 2, column “type”, value “castle”: Unknown value", out.getvalue())

    def test_an_unknown_operation_is_named(self) -> None:
        with self.assertRaisesMessage(CommandError, "No operation 'nope'") as caught:
            call_command("import-sites", "x.csv", "--operation", "nope")
        self.assertIn("sitetrack operation create --name NAME --country ISO3", str(caught.exception))
