"""admin_areas_import on hostile files: a GeoJSON nested thousands deep, a header of
20,000 columns. Each is refused with a short message naming the file; nothing written."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.test import TestCase

from sitetrack.geo.models import AdminArea
from sitetrack.geo.services import AdminAreaImportError, admin_areas_import


class HostileCodFilesTests(TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def refusal(self, name: str, content: bytes) -> str:
        path = self.tmp / name
        path.write_bytes(content)
        with self.assertRaises(AdminAreaImportError) as caught:
            admin_areas_import(paths=[path])
        self.assertEqual(AdminArea.objects.count(), 0)
        return "\n".join(str(p) for p in caught.exception.problems)

    def test_a_geojson_nested_5000_deep_is_refused_not_a_recursion_error(self):
        body = b'{"type":"FeatureCollection","features":' + b"[" * 5000 + b"]" * 5000 + b"}"
        message = self.refusal("adm.geojson", body)
        self.assertIn("adm.geojson", message)
        self.assertIn("too_deep", message)

    def test_a_header_of_20000_columns_gives_a_short_message_with_the_count(self):
        header = b",".join(b"c%d" % i for i in range(20_000))
        message = self.refusal("wide.csv", header + b"\n" + b"1" * 10 + b"\n")
        self.assertIn("wide.csv", message)
        self.assertIn("c0, c1", message)
        self.assertIn("19,990", message)
        self.assertNotIn("c10,", message)
        self.assertLess(len(message), 1000)
