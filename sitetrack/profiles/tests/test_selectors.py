"""The figures of a profile, computed by the selectors (fixtures.py says them by hand)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sitetrack.core.testing import BaseCase
from sitetrack.profiles.selectors import round_site_profiles, site_profile
from sitetrack.profiles.tests.fixtures import MPOKO_BANDS, assess, build_profile_fixture
from sitetrack.sites.models import Site, SiteType


class SiteProfileTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_profile_fixture(cls)

    def profile(self, language: str = "en"):
        return site_profile(self.mpoko, self.round3, language=language)

    def test_it_gives_the_identity_of_the_site(self) -> None:
        p = self.profile()
        self.assertEqual(
            (p.code, p.name, p.site_type, p.status),
            ("CF7111-S001", "Aéroport M'Poko", "Spontaneous site", "Open"),
        )
        self.assertEqual([a.pcode for a in p.admin_areas], ["CF71", "CF711", "CF7111"])
        self.assertEqual(p.management_agency, "Danish Refugee Council")
        self.assertEqual((p.latitude, p.longitude), (4.3986, 18.5189))

    def test_it_gives_population_households_and_average_size(self) -> None:
        p = self.profile()
        self.assertEqual((p.individuals, p.households, p.average_household_size), (1200, 240, 5.0))
        self.assertEqual((p.arrivals, p.departures), (250, 50))

    def test_the_pyramid_holds_the_bands_as_assessed(self) -> None:
        p = self.profile()
        self.assertEqual(
            {f"f_{b.band}": b.female for b in p.pyramid} | {f"m_{b.band}": b.male for b in p.pyramid},
            MPOKO_BANDS,
        )
        self.assertEqual(p.pyramid_total, sum(MPOKO_BANDS.values()))

    def test_the_trend_lists_the_same_site_over_the_last_monthly_rounds(self) -> None:
        p = self.profile()
        self.assertEqual([(t.round_number, t.individuals) for t in p.trend], [(1, 900), (2, 1000), (3, 1200)])
        self.assertIn("#1", p.trend_rounds)
        self.assertIn("#3", p.trend_rounds)

    def test_shelter_shares_are_of_the_households(self) -> None:
        shelter = {s.code: s for s in self.profile().shelter}
        self.assertEqual(shelter["hh_tent"].households, 100)
        self.assertAlmostEqual(shelter["hh_tent"].percent, 100 * 100 / 240)
        self.assertIsNone(shelter["hh_open_air"].households)

    def test_service_indicators_have_value_threshold_and_status(self) -> None:
        ind = {i.code: i for i in self.profile().indicators}
        self.assertEqual(
            (ind["litres_per_person_day"].value, ind["litres_per_person_day"].status), (15.0, "green")
        )
        self.assertEqual((ind["people_per_latrine"].value, ind["people_per_latrine"].threshold), (24.0, 20.0))
        self.assertEqual(ind["people_per_latrine"].status, "amber")
        self.assertEqual(ind["covered_m2_per_person"].status, "red")
        self.assertEqual(ind["site_area_per_person"].status, "green")
        self.assertEqual(ind["people_per_water_point"].status, "unknown")
        # Never colour alone: a symbol and a word go with each status.
        self.assertEqual({i.symbol for i in ind.values()}, {"✔", "▲", "✖", "–"})

    def test_needs_carry_severity_severe_flag_and_priority(self) -> None:
        needs = {n.sector: n for n in self.profile().needs}
        self.assertEqual((needs["wash"].severity, needs["wash"].severe, needs["wash"].priority), (5, True, 1))
        self.assertEqual((needs["health"].severe, needs["health"].priority), (False, 2))
        self.assertIsNone(needs["education"].severity)

    def test_partners_are_organisations_with_an_ongoing_activity(self) -> None:
        partners = {p.sector: p.organisations for p in self.profile().partners}
        self.assertEqual(partners, {"wash": ("DRC",)})

    def test_committees_and_feedback_come_from_the_assessment_or_say_not_recorded(self) -> None:
        items = {x.code: x for x in self.profile().participation}
        self.assertIs(items["site_committee"].value, True)
        self.assertIsNone(items["complaints_mechanism"].value)
        self.assertEqual(items["complaints_mechanism"].text, "not recorded")

    def test_it_gives_date_and_method_of_collection(self) -> None:
        p = self.profile()
        self.assertEqual(str(p.visit_date), "2014-03-12")
        self.assertEqual(p.method, "Key informant interview")

    def test_labels_follow_the_language(self) -> None:
        p = self.profile("fr")
        self.assertEqual(p.site_type, "Site spontané")
        self.assertEqual(p.participation[1].text, "non renseigné")

    def test_only_validated_assessments_have_a_profile(self) -> None:
        self.assertIsNone(site_profile(self.don_bosco, self.round3))
        self.assertEqual([p.code for p in round_site_profiles(self.round3)], ["CF7111-S001", "CF7131-S001"])

    def test_the_batch_selector_reads_a_fixed_number_of_queries(self) -> None:
        round_site_profiles(self.round3)  # the catalogue is cached after its first read
        with CaptureQueriesContext(connection) as few:
            round_site_profiles(self.round3)
        for n in range(3, 13):
            site = Site.objects.create(
                operation=self.operation,
                code=f"CF7111-S{n:03d}",
                name=f"Site {n}",
                site_type=SiteType.PLANNED_CAMP,
                admin_area=self.arr1_3,
                management_agency=self.ngo,
            )
            assess(self.round3, site, individuals=100 + n, households=20)
            assess(self.round2, site, individuals=90 + n, households=20)
        with CaptureQueriesContext(connection) as many:
            profiles = round_site_profiles(self.round3)
        self.assertEqual(len(profiles), 12)
        self.assertEqual(len(many.captured_queries), len(few.captured_queries))
