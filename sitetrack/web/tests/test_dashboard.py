"""The coordinator's dashboard on the home page: figures with coverage, filters, the map's
data, the cache that follows the data, and who sees it."""

from __future__ import annotations

from unittest import mock

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from sitetrack.assessments.models import SiteAssessment
from sitetrack.core.testing import BaseCase
from sitetrack.reports.selectors import weekly_report


class DashboardTest(BaseCase):
    """On the weekly fixture of the reports tests: round 2 has 3 validated sites of 4 open,
    2,450 people, +150 over the 2 sites validated in both rounds."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        from sitetrack.reports.tests.fixtures import build_weekly_fixture

        build_weekly_fixture(cls)

    def setUp(self) -> None:
        cache.clear()

    def home(self, user, **params):
        self.login(user)
        return self.client.get(reverse("web:home"), params, HTTP_ACCEPT_LANGUAGE="en")

    def test_it_shows_the_weekly_reports_figures_each_linking_to_its_table(self):
        page = self.home(self.victor)
        kf = weekly_report(self.round2).key_figures
        c = page.context["coordinator"]
        self.assertEqual(
            (c["figures"].individuals, c["figures"].sites_assessed), (kf.individuals, kf.sites_assessed)
        )
        self.assertContains(page, 'id="home-people">2,450<')
        self.assertContains(page, 'id="home-coverage">75%<')
        self.assertContains(page, 'id="home-missing">1<')
        self.assertContains(page, f'href="{reverse("reports:weekly", args=[2])}#kf-individuals"')
        self.assertContains(
            page, f'href="{reverse("assessments:board", args=[self.round2.pk])}?state=missing"'
        )
        self.assertContains(page, 'id="trend-table"')
        self.assertContains(page, 'src="data:image/svg+xml;base64,')
        self.assertContains(page, 'id="dashboard-map"')

    def test_the_trend_compares_the_same_sites_round_after_round(self):
        c = self.home(self.victor).context["coordinator"]
        (r1, t1), (r2, t2) = c["trend_rounds"]
        self.assertEqual((r1, r2), (self.round1, self.round2))
        self.assertEqual(
            (t1.individuals, t2.individuals, t2.change_individuals, t2.compared_sites), (1800, 2450, 150, 2)
        )
        self.assertEqual(c["panel_sites"], 2)  # M'Poko and Boy-Rabe, validated in both

    def test_filters_by_admin_area_and_site_type_narrow_the_figures(self):
        bimbo = self.home(self.victor, area="CF11").context["coordinator"]["figures"]
        self.assertEqual((bimbo.individuals, bimbo.sites_assessed, bimbo.open_sites), (0, 0, 1))
        collective = self.home(self.victor, site_type="collective_centre").context["coordinator"]["figures"]
        self.assertEqual((collective.individuals, collective.open_sites), (1250, 2))  # Boy-Rabe + Don Bosco
        arr1 = self.home(self.victor, area="CF711", site_type="spontaneous_site").context["coordinator"][
            "figures"
        ]
        self.assertEqual(arr1.individuals, 1200)  # M'Poko
        page = self.home(self.victor, area="CF711")
        self.assertContains(page, 'id="dashboard-clear"')
        self.assertContains(page, '<option value="CF711" selected>')

    def test_the_area_filter_lists_admin_1_areas_and_the_admin_2_areas_of_the_one_chosen(self):
        page = self.home(self.victor).content.decode()
        self.assertIn('<option value="CF71">', page)
        self.assertIn('<option value="CF11">', page)
        self.assertNotIn('value="CF711"', page)  # an admin 2 area, listed once its admin 1 is chosen
        self.assertIn('id="f-area-hint"', page)
        for chosen in ("CF71", "CF711"):
            page = self.home(self.victor, area=chosen).content.decode()
            self.assertIn('value="CF711"', page)
            self.assertIn('value="CF11"', page)  # the other admin 1 areas stay
            self.assertNotIn('value="CF111"', page)  # Bimbo, under Ombella M'Poko
        self.assertIn('value="CF111"', self.home(self.victor, area="CF11").content.decode())

    def test_a_sector_filter_keeps_that_sectors_gaps_only(self):
        c = self.home(self.victor, sector="wash").context["coordinator"]
        self.assertEqual([g.sector.code for g in c["worst_gaps"]], ["wash"])

    def test_unknown_filters_are_left_out_and_said_so(self):
        page = self.home(self.victor, area="XX99", sector="nonsense")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'id="dashboard-dropped"')
        self.assertEqual(page.context["coordinator"]["figures"].individuals, 2450)

    def test_the_map_data_sizes_sites_by_population_and_names_their_worst_gap(self):
        self.login(self.victor)
        data = self.client.get(reverse("web:dashboard-map")).json()
        sites = {s[0]: s for s in data["sites"]}
        self.assertEqual(data["round"], 2)
        self.assertEqual(sites["CF7111-S001"][4], 1200)  # M'Poko has coordinates
        self.assertIn(sites["CF7111-S001"][5], ("gap", "under_covered", "covered"))  # 10 l/person/day
        only_bimbo = self.client.get(reverse("web:dashboard-map"), {"area": "CF11"}).json()
        self.assertNotIn("CF7111-S001", {s[0] for s in only_bimbo["sites"]})

    def test_a_saved_assessment_shows_at_once(self):
        self.assertContains(self.home(self.victor), 'id="home-people">2,450<')
        assessment = SiteAssessment.objects.get(round=self.round2, site=self.mpoko)
        assessment.individuals = 1300
        assessment.save()
        self.assertContains(self.home(self.victor), 'id="home-people">2,550<')

    def test_a_write_of_another_process_shows_at_the_next_request_with_nothing_cleared(self):
        from simple_history.utils import bulk_update_with_history

        self.assertContains(self.home(self.victor), 'id="home-people">2,450<')
        # Another process (the import, another web worker) writes in bulk with its history
        # rows, as the application's bulk writers do: no signal reaches this process, and
        # no cache is cleared here.
        assessment = SiteAssessment.objects.get(round=self.round2, site=self.mpoko)
        assessment.individuals, assessment.updated_at = 1100, timezone.now()
        with mock.patch("django.db.models.signals.post_save.send") as sent:
            bulk_update_with_history([assessment], SiteAssessment, ["individuals", "updated_at"])
        sent.assert_not_called()
        self.assertContains(self.home(self.victor), 'id="home-people">2,350<')

    def test_a_change_made_by_hand_in_sql_shows_within_the_recheck_interval(self):
        import time

        from sitetrack.monthly.cache import RECHECK_SECONDS

        self.assertContains(self.home(self.victor), 'id="home-people">2,450<')
        # No history row, no signal: only the periodic re-read of operation_stamp sees it.
        SiteAssessment.objects.filter(round=self.round2, site=self.mpoko).update(
            individuals=1100, updated_at=timezone.now()
        )
        later = time.time() + RECHECK_SECONDS + 1
        with mock.patch("time.time", return_value=later):
            self.assertContains(self.home(self.victor), 'id="home-people">2,350<')

    def test_the_page_is_in_french(self):
        self.login(self.victor)
        page = self.client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(page, 'id="home-people">2\u00a0450<')
        self.assertContains(page, "Zone administrative")

    def test_facilitators_and_people_without_a_role_do_not_get_it(self):
        self.assertIsNone(self.home(self.fatou).context["coordinator"])  # scoped to CF711
        self.login(self.fatou)
        self.assertEqual(self.client.get(reverse("web:dashboard-map")).status_code, 404)
        self.login(self.olga)
        self.assertIn(self.client.get(reverse("web:dashboard-map")).status_code, (403, 404))
        self.assertIsNotNone(self.home(self.imani).context["coordinator"])
