"""The printed report at scale: every site in the site table, sector gap lists ranked by
how critical the gaps are and capped with a note pointing to the full lists."""

from __future__ import annotations

import io
from unittest import mock

from pypdf import PdfReader

from sitetrack.assessments.models import SiteAssessment
from sitetrack.core.testing import BaseCase
from sitetrack.reports.renderers.listing import Bold, Column, Listing
from sitetrack.reports.renderers.pdf import render_pdf, render_pdf_html
from sitetrack.reports.selectors import weekly_report
from sitetrack.reports.tests.fixtures import build_weekly_fixture
from sitetrack.sites.models import Site, SiteType


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u00a0", " ").split())


def section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


WASH = "Water, sanitation and hygiene —"
AFTER_WASH = "Health —"


class PrintedGapListTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)
        # Boy-Rabe now misses two WASH thresholds (8.9 l/person/day, 30 people per
        # latrine) and M'Poko one: Boy-Rabe comes first although its code sorts last.
        SiteAssessment.objects.filter(round=cls.round2, site=cls.boy_rabe).update(
            indicators={"water_litres_per_day": 4000, "latrines_functional": 15}
        )

    def test_the_sector_list_puts_the_site_missing_the_most_thresholds_first(self):
        wash = weekly_report(self.round2, language="en").gaps_for("wash")
        ranked = wash.ranked()
        self.assertEqual([g.site.code for g in ranked], ["CF7131-S001", "CF7111-S001"])
        self.assertEqual(len(ranked[0].gaps), 2)
        # The list itself (web page, XLSX) keeps site-code order.
        self.assertEqual([g.site.code for g in wash.by_site()], ["CF7111-S001", "CF7131-S001"])

    def test_the_printed_gap_list_is_ranked(self):
        text = pdf_text(render_pdf(weekly_report(self.round2, language="en")))
        wash = section(text, WASH, AFTER_WASH)
        self.assertLess(wash.index("CF7131-S001"), wash.index("CF7111-S001"))
        self.assertIn("Water per person per day", wash)
        self.assertIn("≥ 15.0", wash)

    def test_a_capped_gap_list_says_where_the_other_sites_are(self):
        with mock.patch("sitetrack.reports.renderers.pdf.GAP_SITES", 1):
            text = pdf_text(render_pdf(weekly_report(self.round2, language="en")))
        wash = section(text, WASH, AFTER_WASH)
        self.assertIn("CF7131-S001", wash)
        self.assertNotIn("CF7111-S001", wash)
        self.assertIn("1 more site is in the XLSX workbook and on the web page", wash)
        # The heading still counts every site of the list.
        self.assertIn("2 sites, 1,650 people", wash)
        # The site table is never capped.
        sites = section(text, "Sites assessed this round", "Open sites not assessed")
        for code in ("CF7111-S001", "CF7111-S002", "CF7131-S001"):
            self.assertIn(code, sites)

    def test_a_sector_edition_prints_only_that_sector(self):
        html = render_pdf_html(weekly_report(self.round2, language="en"), sector="wash")
        self.assertIn('id="gaps-wash"', html)
        self.assertNotIn('id="gaps-health"', html)
        self.assertNotIn("Sites assessed this round", html)

    def test_the_french_note_names_the_other_formats(self):
        with mock.patch("sitetrack.reports.renderers.pdf.GAP_SITES", 1):
            html = render_pdf_html(weekly_report(self.round2, language="fr"))
        self.assertIn("1 site de plus figure dans le classeur XLSX et sur la page web", html)


class PrintedSiteTableTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)
        Site.objects.bulk_create(
            Site(
                operation=cls.operation,
                code=f"CF7131-S{n:03d}",
                name=f"Quartier {n}",
                site_type=SiteType.SPONTANEOUS_SITE,
                admin_area=cls.arr3_3,
            )
            for n in range(2, 120)
        )

    def test_every_site_is_printed(self):
        report = weekly_report(self.round2, language="en")
        text = pdf_text(render_pdf(report))
        for row in report.sites + report.not_assessed:
            self.assertIn(row.code, text)
        self.assertEqual(len(report.not_assessed), 119)

    def test_severe_needs_and_critical_sites_are_marked_without_colour(self):
        html = render_pdf_html(weekly_report(self.round2, language="en"))
        self.assertIn("<b>[5]</b>", html)  # M'Poko's WASH severity
        self.assertIn("<b>⚠ CF7111-S001", html)
        self.assertNotIn("gradient", html)


class ListingTests(BaseCase):
    def test_columns_fit_the_line_and_long_text_wraps_without_loss(self):
        name = "Site-des-déplacés-de-la-paroisse-Saint-Jacques-de-Kpetene-et-environs"
        columns = [Column("Code"), Column("Site", flex=True, least=10), Column("People", ">")]
        rows = [["CF7111-S001", name, "1,200"], ["CF7111-S002", "Don Bosco", "800"]]
        listing = Listing(columns, rows, line_chars=40)
        lines = listing.row(rows[0]).split("\n")
        self.assertGreater(len(lines), 1)
        self.assertTrue(all(len(line) <= 40 for line in lines), lines)
        self.assertEqual("".join(line[12:33].strip() for line in lines), name)
        self.assertTrue(lines[0].endswith("1,200"))

    def test_bold_text_is_marked_and_escaped(self):
        listing = Listing([Column("Code"), Column("Site")], [["<S1>", "A&B"]], line_chars=40)
        html = listing.row([Bold("<S1>"), "A&B"])
        self.assertTrue(html.startswith("<b>&lt;S1&gt;"), html)
        self.assertTrue(html.endswith("</b>A&amp;B"), html)
