from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.core.management import call_command
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from sitetrack.intake.tests.helpers import IntakeCase
from sitetrack.intake.xlsform.build import form_for, xlsform_bytes


class XlsformTests(IntakeCase):
    def test_the_generated_site_assessment_form_converts_with_pyxform(self):
        data = xlsform_bytes(form_for(self.operation), ["en", "fr"])
        result = convert(xlsform=io.BytesIO(data), file_type=".xlsx")
        xform = result.xform
        self.assertIn("<h:html", xform)
        self.assertIn('lang="French (fr)"', xform)
        self.assertIn("CF7111-S001", xform)  # sites from the registry
        self.assertIn("site_code", xform)
        self.assertIn("jr:template", xform)  # the repeat group of arrivals and departures

    def test_it_has_cascading_selects_and_the_validation_constraints(self):
        wb = load_workbook(io.BytesIO(xlsform_bytes(form_for(self.operation), ["en", "fr"])))
        survey = list(wb["survey"].iter_rows(values_only=True))
        header = survey[0]
        rows = {r[header.index("name")]: dict(zip(header, r, strict=False)) for r in survey[1:]}
        self.assertEqual(rows["admin2"]["choice_filter"], "admin1=${admin1}")
        self.assertEqual(rows["site_code"]["choice_filter"], "admin2=${admin2}")
        self.assertIn("${individuals}", rows["households"]["constraint"])
        self.assertIn("= ${individuals}", rows["m_60_plus"]["constraint"])  # SADD sum
        self.assertTrue(rows["water_points"]["label::French (fr)"])
        choices = list(wb["choices"].iter_rows(values_only=True))
        site_rows = [r for r in choices if r[0] == "site"]
        self.assertIn(("site", "CF7111-S001"), [(r[0], r[1]) for r in site_rows])

    def test_the_command_writes_a_workbook_pyxform_accepts(self):
        out = Path(tempfile.mkdtemp()) / "form.xlsx"
        call_command(
            "xlsform", "site-assessment", lang="en,fr", operation=self.operation.slug, output=str(out)
        )
        self.assertTrue(convert(xlsform=str(out)).xform)

    def test_a_french_only_form_converts_too(self):
        result = convert(xlsform=io.BytesIO(xlsform_bytes(form_for(None), ["fr"])), file_type=".xlsx")
        self.assertIn("Site", result.xform)
