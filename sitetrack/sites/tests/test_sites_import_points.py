"""A master list's GPS point that lies outside the site's admin area does not hold the
list back: the site lands without it and a warning gives the point and the area."""

import tempfile
from pathlib import Path

from sitetrack.core.testing import BaseCase
from sitetrack.geo.spatial import bbox_polygon
from sitetrack.sites.models import Site
from sitetrack.sites.services import sites_import


class PointOutsideItsAreaTest(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # The 1er arrondissement's boundary is known; CF7111 has none and inherits it.
        cls.arr1.boundary = bbox_polygon(18.50, 4.35, 18.60, 4.42)
        cls.arr1.save()

    def run_import(self, text: str):
        path = Path(tempfile.mkdtemp()) / "list.csv"
        path.write_text(text, encoding="utf-8")
        return sites_import(operation=self.operation, user=self.imani, path=str(path))

    def test_the_site_lands_without_the_point_and_a_warning_names_the_area(self):
        report = self.run_import(
            "name;type;pcode;latitude;longitude\n"
            "Inside;camp;CF7111;4.38;18.55\n"
            "Beside;camp;CF7111;4.38;18.70\n"
        )
        self.assertEqual(report.errors, [])
        inside, beside = Site.objects.get(name="Inside"), Site.objects.get(name="Beside")
        self.assertEqual((float(inside.latitude), float(inside.longitude)), (4.38, 18.55))
        self.assertEqual((beside.latitude, beside.longitude), (None, None))
        self.assertEqual(beside.admin_area.pcode, "CF7111")
        (warning,) = [w for w in report.warnings if w.rule == "point_outside_area"]
        self.assertEqual((warning.row, warning.value), (3, "4.38, 18.70"))
        self.assertIn("CF711", warning.message)
        self.assertIn("imported without a point", warning.message)

    def test_a_re_import_changes_nothing_and_says_the_same(self):
        text = "code;name;type;pcode;latitude;longitude\nCF7111-S900;Beside;camp;CF7111;4.38;18.70\n"
        self.run_import(text)
        again = self.run_import(text)
        self.assertEqual((again.created, again.updated, again.unchanged), ([], [], ["CF7111-S900"]))
        self.assertEqual([w.rule for w in again.warnings if w.rule.startswith("point_")], ["point_outside_area"])
