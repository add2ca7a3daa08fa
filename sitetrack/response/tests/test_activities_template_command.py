"""The 3W template: codes and dropdowns of the operation, English and French."""

from __future__ import annotations

import tempfile
from io import BytesIO, StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from sitetrack.core.testing import BaseCase
from sitetrack.response.threew.columns import TEMPLATE_COLUMNS
from sitetrack.response.threew.template import HEADER_ROW, HXL_ROW, activities_template


class ActivitiesTemplateTests(BaseCase):
    def test_it_has_the_header_hxl_row_codes_and_dropdowns(self):
        book = load_workbook(BytesIO(activities_template(operation=self.operation)))
        self.assertEqual(book.sheetnames, ["Activities", "Codes", "Instructions"])
        sheet = book["Activities"]
        tags = [c.value for c in sheet[HXL_ROW]]
        self.assertEqual(tags, [c.hxl[0] for c in TEMPLATE_COLUMNS])
        self.assertEqual(sheet.cell(row=HEADER_ROW, column=2).value, "Implementing organisation (acronym)")
        codes = book["Codes"]
        values = {c.value for row in codes.iter_rows() for c in row}
        self.assertTrue({"DRC", "CF7111-S001", "CF7131-S001", "wash-latrines", "CF711", "wash"} <= values)
        lists = {dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"}
        self.assertIn("='Codes'!$A$2:$A$2", lists)  # one organisation
        self.assertEqual(len(lists), 6)

    def test_it_is_in_french_when_asked(self):
        book = load_workbook(BytesIO(activities_template(operation=self.operation, language="fr")))
        self.assertEqual(book.sheetnames, ["Activités", "Codes", "Mode d'emploi"])
        sheet = book["Activités"]
        self.assertEqual(sheet.cell(row=HEADER_ROW, column=2).value, "Organisation de mise en œuvre (sigle)")
        self.assertIn("En cours", {c.value for row in book["Codes"].iter_rows() for c in row})

    def test_the_command_writes_the_file_and_names_unknown_operations(self):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "3w.xlsx"
            call_command(
                "activities-template",
                "--operation",
                self.operation.slug,
                "--lang",
                "fr",
                "--out",
                str(out),
                stderr=StringIO(),
            )
            self.assertEqual(load_workbook(out).sheetnames[0], "Activités")
        with self.assertRaisesMessage(CommandError, "car-bangui-2014"):
            call_command("activities-template", "--operation", "nowhere", "--out", "x.xlsx")
