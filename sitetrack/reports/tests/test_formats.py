"""Must show: the key figures of a hand-built round appear, the same, in the web page,
the PDF, the XLSX workbook and the HXL CSV; the PDF fits its pages."""

from __future__ import annotations

import csv
import io
import subprocess
import tempfile
from pathlib import Path

import hxl
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from sitetrack.core.testing import BaseCase
from sitetrack.reports.renderers.pdf import render_pdf, render_pdf_document
from sitetrack.reports.selectors import weekly_report
from sitetrack.reports.tests.fixtures import build_weekly_fixture
from sitetrack.sites.models import Site, SiteType

# Computed by hand from the fixture (see fixtures.py).
SITES = 3
PEOPLE = 1200 + 450 + 800  # 2,450
HOUSEHOLDS = 240 + 90 + 160  # 490
# Like with like: M'Poko and Boy-Rabe, the two sites validated in both rounds.
CHANGE = (1200 + 450) - (1000 + 500)  # +150
ARRIVALS = 250 + 10 + 800  # 1,060
DEPARTURES = 50 + 60  # 110
CRITICAL = 2  # M'Poko (water), Boy-Rabe (latrines)
EN_FIGURES = ["2,450", "490", "+150", "1,060", "110"]


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


class WeeklyReportFormatTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)

    def setUp(self) -> None:
        self.login(self.imani)

    def download(self, fmt: str, lang: str = "en", **params) -> bytes:
        url = reverse("reports:weekly-download", args=[2, fmt])
        response = self.client.get(url, {"lang": lang, **params})
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response.content

    def test_the_web_page_shows_the_key_figures(self):
        response = self.client.get(reverse("reports:weekly", args=[2]))
        self.assertEqual(response.status_code, 200)
        html = flat(response.content.decode())
        for figure in EN_FIGURES:
            self.assertIn(figure, html)
        self.assertIn('id="kf-critical"><div class="value">2<', html)
        self.assertIn('id="kf-sites"><div class="value">3<', html)
        # Coverage beside the totals, and the change over the sites in both rounds.
        self.assertIn("of 4 open sites (75%)", html)
        self.assertIn("in 3 of 4 open sites", html)
        self.assertIn("in the 2 sites validated in both rounds", html)
        # The unassessed site is listed with its round-1 figures, clearly marked.
        self.assertIn("Site de Bimbo", html)
        self.assertIn("LAST KNOWN FIGURES", html)
        self.assertIn("round 1 (ended 12 Jan 2014)", html)
        # The submitted (not validated) figure never appears.
        self.assertNotIn("9,999", html)
        # Critical gaps are flagged with a symbol, not colour alone.
        self.assertIn("⚠ CF7111-S001", html)
        for fmt in ("pdf", "xlsx", "hxl", "html"):
            self.assertIn(reverse("reports:weekly-download", args=[2, fmt]) + "?lang=fr", html)

    def test_the_pdf_shows_the_key_figures_and_the_round(self):
        text = flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(self.download("pdf"))).pages))
        for figure in EN_FIGURES:
            self.assertIn(figure, text)
        self.assertIn("Sites with critical gaps", text)
        self.assertIn("of 4 open sites (75%)", text)
        self.assertIn("in the 2 sites validated in both rounds", text)
        self.assertIn("Central African Republic — Bangui 2014", text)
        self.assertIn("Round 2 · 13 Jan 2014 – 19 Jan 2014", text)
        self.assertIn("Site de Bimbo", text)
        self.assertIn("Water, sanitation and hygiene — 2 sites, 1,650 people", text)

    def test_the_pdf_names_the_operation_and_round_on_every_page(self):
        reader = PdfReader(io.BytesIO(self.download("pdf")))
        self.assertGreater(len(reader.pages), 1)
        for page in reader.pages:
            text = flat(page.extract_text())
            self.assertIn("Central African Republic — Bangui 2014", text)
            self.assertIn("Round 2 · 13 Jan 2014 – 19 Jan 2014", text)

    def test_the_french_pdf_groups_thousands_the_french_way(self):
        text = flat(
            "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(self.download("pdf", "fr"))).pages)
        )
        self.assertIn("2 450", text)
        self.assertIn("1 060", text)
        self.assertIn("+150", text)

    def test_the_xlsx_shows_the_key_figures_and_one_sheet_per_sector(self):
        book = load_workbook(io.BytesIO(self.download("xlsx")), read_only=True)
        self.assertEqual(len(book.sheetnames), 11)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        figures = {r[0]: r[1] for r in rows if r and len(r) > 1}
        self.assertEqual(figures["Sites assessed"], SITES)
        self.assertEqual(figures["People (individuals)"], PEOPLE)
        self.assertEqual(figures["Households"], HOUSEHOLDS)
        change = "Change in people since the previous round, over the sites validated in both rounds"
        self.assertEqual(figures[change], CHANGE)
        coverage = {r[0]: tuple(r[1:5]) for r in rows if r and len(r) > 3}
        self.assertEqual(coverage["People (individuals)"], (PEOPLE, 3, 4, 75))
        self.assertEqual(coverage[change][:3], (CHANGE, 2, 4))
        self.assertEqual(figures["Arrivals"], ARRIVALS)
        self.assertEqual(figures["Departures"], DEPARTURES)
        self.assertEqual(figures["Sites with critical gaps"], CRITICAL)
        wash = list(book["Water, sanitation and hygiene"].iter_rows(values_only=True))
        codes = [r[0] for r in wash[4:]]
        self.assertEqual(codes, ["CF7111-S001", "CF7131-S001"])
        self.assertEqual(wash[4][6], "Water per person per day")
        self.assertAlmostEqual(wash[4][7], 10.0)
        self.assertAlmostEqual(wash[4][9], 5.0)  # 15 - 10 l/person/day
        self.assertEqual(wash[4][10], "DRC")

    def test_the_hxl_csv_has_a_hashtag_row_under_the_header(self):
        lines = list(csv.reader(io.StringIO(self.download("hxl", "fr").decode("utf-8-sig"))))
        header, tags, rows = lines[0], lines[1], lines[2:]
        self.assertEqual(header[6], "Code du site")
        self.assertEqual(tags[:3], ["#country+code", "#country+name", "#adm1+code"])
        people = tags.index("#affected+idps+ind")
        status = tags.index("#status+figures")
        self.assertEqual(sum(int(r[people]) for r in rows if r[status] == "assessed"), PEOPLE)

    def test_the_hxl_csv_parses_with_libhxl_and_shows_the_figures(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "weekly.csv"
            path.write_bytes(self.download("hxl"))
            dataset = hxl.data(str(path), hxl.InputOptions(allow_local=True))
            tags = dataset.display_tags
            for tag in (
                "#loc+name",
                "#loc+code",
                "#adm1+code",
                "#adm2+code",
                "#affected+idps+ind",
                "#affected+idps+hh",
                "#severity+num+wash",
            ):
                self.assertIn(tag, tags)
            rows = list(dataset)
            assessed = [r for r in rows if r.get("#status+figures") == "assessed"]
            self.assertEqual(len(assessed), SITES)
            self.assertEqual(sum(int(r.get("#affected+idps+ind")) for r in assessed), PEOPLE)
            self.assertEqual(sum(int(r.get("#affected+idps+hh")) for r in assessed), HOUSEHOLDS)
            self.assertEqual(sum(int(r.get("#indicator+x_arrivals_ind")) for r in assessed), ARRIVALS)
            mpoko = next(r for r in rows if r.get("#loc+code") == "CF7111-S001")
            self.assertEqual(mpoko.get("#adm1+code"), "CF71")
            self.assertEqual(mpoko.get("#adm2+code"), "CF711")
            self.assertEqual(mpoko.get("#severity+wash"), "5")
            self.assertEqual(mpoko.get("#country+code"), "CF")
            bimbo = next(r for r in rows if r.get("#loc+code") == "CF111-S001")
            self.assertEqual(bimbo.get("#status+figures"), "last_known")
            self.assertEqual(bimbo.get("#meta+round"), "1")
            self.assertEqual(bimbo.get("#population+idps+ind+x_lastknown"), "300")
            self.assertIsNone(bimbo.get("#affected+idps+ind"))
        # No attribute starts with a digit.
        for tag in tags:
            for attribute in tag.split("+")[1:]:
                self.assertFalse(attribute[:1].isdigit(), tag)


class PdfLayoutTests(BaseCase):
    """Tables fit the page: nothing extends past its cell or the page's content area."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)
        # A long name with no space to break at, and enough sites to need several pages.
        site = Site.objects.get(code="CF7111-S002")
        site.name = "Site-des-déplacés-de-la-paroisse-Saint-Jacques-de-Kpetene-et-environs"
        site.save()
        Site.objects.bulk_create(
            Site(
                operation=cls.operation,
                code=f"CF7131-S{n:03d}",
                name=f"Quartier {n}",
                site_type=SiteType.SPONTANEOUS_SITE,
                admin_area=cls.arr3_3,
            )
            for n in range(2, 60)
        )

    def test_no_box_extends_past_its_cell_or_the_page(self):
        document = render_pdf_document(weekly_report(self.round2, language="fr"))
        self.assertGreater(len(document.pages), 2)
        checked = 0
        for page in document.pages:
            page_box = page._page_box
            left = page_box.content_box_x()
            right = left + page_box.width
            root = page_box.children[0]
            for box in root.descendants():
                if getattr(box, "width", None) is None or box.position_x is None:
                    continue
                box_right = box.position_x + box.margin_width()
                self.assertLessEqual(box_right, right + 0.5, f"{type(box).__name__} past the page")
                if type(box).__name__ == "TableCellBox":
                    cell_right = box.border_box_x() + box.border_width()
                    for inner in box.descendants():
                        if inner is box or getattr(inner, "width", None) is None:
                            continue
                        if type(inner).__name__ == "TextBox":
                            checked += 1
                            self.assertLessEqual(
                                inner.position_x + inner.width,
                                cell_right + 0.5,
                                f"text {getattr(inner, 'text', '')!r} overflows its cell",
                            )
        self.assertGreater(checked, 100)

    def test_the_rendered_page_keeps_a_blank_right_margin(self):
        from PIL import Image

        pdf = render_pdf(weekly_report(self.round2, language="en"))
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "weekly.pdf"
            source.write_bytes(pdf)
            subprocess.run(["pdftoppm", "-r", "50", "-png", str(source), str(Path(tmp) / "page")], check=True)
            pages = sorted(Path(tmp).glob("page-*.png"))
            self.assertGreater(len(pages), 1)
            for png in pages:
                image = Image.open(png).convert("L")
                width, height = image.size
                # A4 landscape at 50 dpi is about 585 px wide; the right margin is 10 mm
                # (about 20 px): its outer 12 px must be white from top to bottom.
                self.assertGreater(width, height)
                strip = image.crop((width - 12, 0, width, height))
                # Pillow 12 renamed getdata (deprecated) to get_flattened_data.
                pixels = getattr(strip, "get_flattened_data", strip.getdata)()
                self.assertGreaterEqual(min(pixels), 250, f"{png.name}: ink in the right margin")
