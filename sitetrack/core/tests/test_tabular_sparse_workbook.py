"""read_sheets streams XLSX: one cell at row 20,000, column 2,000 made python-calamine fill
the 40-million-cell rectangle above it (1.5 GB); the streaming reader keeps only the rows
the file holds. Measured in a subprocess (its peak resident memory), so nothing the test
process already holds counts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from django.test import SimpleTestCase

from sitetrack.core.tabular import read_sheets
from sitetrack.core.xlsx import column_letter

ROW, COLUMN = 20_000, 2_000


def sparse_workbook(path: Path) -> Path:
    """A minimal XLSX: a header row, then one cell at (ROW, COLUMN)."""
    far = f"{column_letter(COLUMN - 1)}{ROW}"
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{far}"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Site code</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Site name</t></is></c></row>'
        f'<row r="{ROW}"><c r="{far}"><v>7</v></c></row>'
        "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheets><sheet name="Sites" sheetId="1"/></sheets></workbook>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


PROBE = r"""
import json, resource, sys
import django
django.setup()
from sitetrack.core.tabular import read_sheets
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sheets = read_sheets(sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
rows = sheets[0].rows
print(json.dumps({"before_kb": before, "after_kb": after, "rows": len(rows), "far": rows[-1][-1],
                  "width": len(rows[-1])}))
"""


class SparseWorkbookTests(SimpleTestCase):
    def test_one_far_cell_is_read_with_little_memory(self):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = sparse_workbook(Path(tmp) / "sparse.xlsx")
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sitetrack.settings"}
            done = subprocess.run(
                [sys.executable, "-c", PROBE, str(path)], env=env, capture_output=True, text=True, timeout=300
            )
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        seen = json.loads(done.stdout.strip().splitlines()[-1])
        self.assertEqual((seen["rows"], seen["width"], seen["far"]), (ROW, COLUMN, "7"))
        grown_mb = (seen["after_kb"] - seen["before_kb"]) / 1024
        self.assertLess(grown_mb, 60, f"reading the sparse workbook grew the process by {grown_mb:.0f} MB")

    def test_the_far_cell_is_where_the_file_puts_it(self):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            sheet = read_sheets(sparse_workbook(Path(tmp) / "sparse.xlsx"))[0]
        self.assertEqual(sheet.name, "Sites")
        self.assertEqual(sheet.rows[0], ["Site code", "Site name"])
        self.assertEqual(sheet.rows[1], [])
        self.assertEqual(sheet.rows[ROW - 1][COLUMN - 1], "7")
        self.assertEqual(set(sheet.rows[ROW - 1][: COLUMN - 1]), {""})
