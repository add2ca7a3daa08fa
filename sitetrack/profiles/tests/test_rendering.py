"""The printed profile shows the selectors' figures, on one A4 page, in English and French."""

from __future__ import annotations

import re

from weasyprint import HTML

from sitetrack.core.testing import BaseCase
from sitetrack.profiles.rendering import render_profile_html
from sitetrack.profiles.selectors import site_profile
from sitetrack.profiles.tests.fixtures import build_profile_fixture
from sitetrack.reports.formatting import decimal, number


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1)


def indicator(html: str, code: str) -> str:
    match = re.search(rf'data-indicator="{code}">([^<]*)<', html)
    assert match, code
    return match.group(1)


class ProfileRenderingTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_profile_fixture(cls)

    def test_the_page_shows_the_selectors_figures_for_the_site(self) -> None:
        for site in (self.mpoko, self.boy_rabe):
            profile = site_profile(site, self.round3)
            html = render_profile_html(profile)
            self.assertEqual(figure(html, "individuals"), number(profile.individuals))
            self.assertEqual(figure(html, "households"), number(profile.households))
            self.assertEqual(figure(html, "average_household_size"), decimal(profile.average_household_size))
            self.assertEqual(figure(html, "arrivals"), number(profile.arrivals))
            for i in profile.indicators:
                self.assertEqual(indicator(html, i.code), decimal(i.value))
            for need in profile.needs:
                cell = re.search(rf'data-need="{need.sector}">(.*?)</td>', html).group(1)
                self.assertIn("–" if need.severity is None else str(need.severity), cell)
            self.assertIn(profile.code, html)

    def test_the_page_shows_statuses_with_a_word_and_a_symbol(self) -> None:
        html = render_profile_html(site_profile(self.mpoko, self.round3))
        self.assertIn("1,200", html)
        self.assertIn("✔</span> met", html)
        self.assertIn("▲</span> close", html)
        self.assertIn("✖</span> not met", html)
        self.assertIn("DRC", html)
        self.assertIn("Monthly rounds #1 to #3", html)
        self.assertIn("Key informant interview", html)

    def test_the_pdf_is_one_a4_page(self) -> None:
        document = HTML(string=render_profile_html(site_profile(self.mpoko, self.round3))).render()
        self.assertEqual(len(document.pages), 1)
        page = document.pages[0]
        self.assertAlmostEqual(page.width * 25.4 / 96, 210, delta=1)
        self.assertAlmostEqual(page.height * 25.4 / 96, 297, delta=1)

    def test_it_renders_in_french(self) -> None:
        profile = site_profile(self.mpoko, self.round3, language="fr")
        html = render_profile_html(profile)
        self.assertIn('lang="fr"', html)
        self.assertIn("Profil mensuel de site", html)
        self.assertIn("Besoins et partenaires par secteur", html)
        self.assertIn("non atteint", html)
        self.assertEqual(figure(html, "individuals"), "1\u00a0200")
        self.assertEqual(figure(html, "average_household_size"), "5,0")
        self.assertNotIn("Services against thresholds", html)

    def test_a_site_without_boundary_or_pyramid_still_prints(self) -> None:
        profile = site_profile(self.boy_rabe, self.round3)
        html = render_profile_html(profile)
        self.assertEqual(figure(html, "individuals"), "450")
        self.assertEqual(len(HTML(string=html).render().pages), 1)
