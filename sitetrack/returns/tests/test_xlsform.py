"""`sitetrack xlsform return-intentions --lang en,fr --operation SLUG`: generated through
intake's XLSForm writer from the same definitions, and valid for real pyxform."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.core.management import call_command
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from sitetrack.core.testing import BaseCase
from sitetrack.returns.choices import Intention


class ReturnIntentionFormTests(BaseCase):
    def write_form(self, path: Path) -> None:
        call_command(
            "xlsform", "return-intentions", lang="en,fr", operation=self.operation.slug, output=str(path)
        )

    def test_the_form_converts_with_pyxform_in_english_and_french(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "ri.xlsx"
            self.write_form(path)
            result = convert(xlsform=str(path), validate=False)
        xml = result.xform
        self.assertIn("return_intentions", xml)
        self.assertIn("Retour au lieu d'origine", xml)
        self.assertIn("Return to place of origin", xml)
        for name in (
            "site_code",
            "intention",
            "timing",
            "destination_adm2",
            "conditions",
            "obstacles",
            "hh_size",
        ):
            self.assertIn(f"/{name}", xml)

    def test_its_choice_lists_are_the_models_choices_and_the_registry(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "ri.xlsx"
            self.write_form(path)
            book = load_workbook(path)
        rows = list(book["choices"].iter_rows(values_only=True))
        intentions = [r[1] for r in rows if r[0] == "intention"]
        self.assertEqual(intentions, list(Intention.values))
        sites = [r[1] for r in rows if r[0] == "site"]
        self.assertEqual(sites, [self.mpoko.code, self.boy_rabe.code])
        areas2 = {r[1] for r in rows if r[0] == "area2"}
        self.assertTrue({"CF711", "CF713", "CF111"} <= areas2)

    def test_without_an_operation_the_form_still_converts(self):
        out = io.BytesIO()
        from sitetrack.intake.xlsform.build import form_for, xlsform_bytes

        out.write(xlsform_bytes(form_for(None, "return-intentions"), ["fr", "en"]))
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
            fh.write(out.getvalue())
            fh.flush()
            self.assertIn("<h:title>SiteTrack enquête", convert(xlsform=fh.name, validate=False).xform)
