from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site, SiteType
from sitetrack.sites.services import site_change_status


class HomeTest(BaseCase):
    def test_it_shows_open_sites_by_type_and_admin1(self) -> None:
        Site.objects.create(
            operation=self.operation,
            code="CF111-S001",
            name="Bimbo",
            site_type=SiteType.TRANSIT_CENTRE,
            admin_area=self.bimbo,
            capacity=500,
        )
        site_change_status(site=self.boy_rabe, user=None, status="closed", date="2014-03-01")
        self.login(self.imani)
        page = self.client.get(reverse("web:home"))
        figures = page.context["figures"]
        self.assertEqual(
            (figures["all_sites"], figures["open_sites"], figures["open_capacity"]), (3, 2, 100500)
        )
        by_admin1 = {row["admin1"]: (row["sites"], row["capacity"]) for row in figures["by_admin1"]}
        self.assertEqual(by_admin1, {"CF11": (1, 500), "CF71": (1, 100000)})
        by_type = {row["site_type"]: row["sites"] for row in figures["by_type"]}
        self.assertEqual(by_type, {"spontaneous_site": 1, "transit_centre": 1})
        self.assertContains(page, "Ombella M&#x27;Poko")

    def test_the_admin_1_table_shows_the_15_with_most_open_sites_and_says_how_many_more(self) -> None:
        from sitetrack.core.testing import make_area as area

        for n in range(16):  # 16 more admin 1 areas, area n with n + 1 open sites
            admin1 = area(f"CF9{n:02d}", f"Zone {n}", 1, self.car)
            for k in range(n + 1):
                Site.objects.create(
                    operation=self.operation,
                    code=f"CF9{n:02d}-S{k:03d}",
                    name=f"Site {n}-{k}",
                    site_type=SiteType.SPONTANEOUS_SITE,
                    admin_area=admin1,
                )
        self.login(self.imani)
        page = self.client.get(reverse("web:home")).content.decode()
        table = page[page.index('id="by-admin1"') : page.index("</table>", page.index('id="by-admin1"'))]
        self.assertEqual(table.count("<tr>") - 1, 15)  # the header row, then 15 areas
        self.assertLess(table.index("Zone 15"), table.index("Zone 14"))  # most open sites first
        self.assertNotIn("Zone 0<", table)
        self.assertIn("2 more are in the site list", page)  # Zone 0, and Zone 1 or Bangui (2 sites each)

    def test_before_any_validated_round_the_home_page_says_what_comes(self) -> None:
        self.login(self.victor)
        self.assertContains(self.client.get(reverse("web:home")), 'id="no-key-figures"')

    def test_a_facilitator_sees_figures_for_their_scope(self) -> None:
        self.login(self.fatou)
        self.assertEqual(self.client.get(reverse("web:home")).context["figures"]["open_sites"], 1)

    def test_someone_without_operation_is_told_so(self) -> None:
        self.login(self.olga)
        self.assertContains(self.client.get(reverse("web:home")), "You are not a member of any operation")


class HomePerRoleTest(BaseCase):
    """On the weekly fixture of the reports tests: round 2 has 3 validated sites of 4 open,
    2,450 people (+650 since round 1) and Bimbo's assessment submitted, not validated."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        from sitetrack.reports.tests.fixtures import build_weekly_fixture

        build_weekly_fixture(cls)

    def home(self, user):
        self.login(user)
        return self.client.get(reverse("web:home"))

    def test_a_coordinator_sees_population_with_coverage_trend_and_worst_gaps(self) -> None:
        page = self.home(self.victor)
        c = page.context["coordinator"]
        self.assertEqual(c["round"], self.round2)
        self.assertEqual((c["figures"].individuals, c["coverage"]), (2450, 75))
        # Like with like: the change is over the 2 sites validated in both rounds.
        self.assertEqual((c["figures"].change_individuals, c["figures"].compared_sites), (150, 2))
        self.assertContains(page, 'id="home-trend">+150<')
        self.assertContains(page, 'id="home-coverage">75%<')
        self.assertContains(page, "on the 2 sites validated in both rounds")
        self.assertContains(page, f'href="{reverse("reports:weekly", args=[2])}#kf-individuals"')
        self.assertTrue(c["worst_gaps"])
        self.assertContains(page, f"#gaps-{c['worst_gaps'][0].sector.code}")
        self.assertNotIn("to_validate", page.context)
        self.assertNotIn("to_collect", page.context)

    def test_a_falling_population_is_shown_with_a_real_minus_sign(self) -> None:
        from sitetrack.web.templatetags.web import signed

        self.assertEqual(signed(-1250), "\u22121,250")

    def test_an_imo_sees_what_to_validate_import_and_publish(self) -> None:
        from sitetrack.assessments.models import RoundStatus

        self.round1.status = RoundStatus.CLOSED
        self.round1.save()
        page = self.home(self.imani)
        self.assertEqual([(r["round__number"], r["waiting"]) for r in page.context["to_validate"]], [(2, 1)])
        self.assertContains(
            page, f'href="{reverse("assessments:board", args=[self.round2.pk])}?state=submitted"'
        )
        self.assertEqual(page.context["to_publish"], [self.round1])
        self.assertIn("intake", page.context)
        self.assertNotIn("to_collect", page.context)

    def test_a_facilitator_sees_the_sites_of_their_areas_still_to_collect(self) -> None:
        page = self.home(self.fatou)
        by_round = {item.round.number: item for item in page.context["to_collect"]}
        self.assertEqual([s.code for s in by_round[1].missing], ["CF7111-S002"])
        self.assertEqual(by_round[2].counts["missing"], 0)
        self.assertContains(page, reverse("assessments:form", args=[self.round1.pk, "CF7111-S002"]))
        self.assertNotContains(page, "CF111-S001")
        self.assertNotIn("to_validate", page.context)
        # The weekly report covers the whole operation: not shown to someone scoped to areas.
        self.assertIsNone(page.context["coordinator"])

    def test_a_partner_sees_the_referrals_and_activities_their_organisation_must_report(self) -> None:
        import datetime

        from sitetrack.response.models import Referral, ReferralStatus
        from sitetrack.response.tests.helpers import make_activity, other_organisation

        make_activity(self, self.ngo)
        make_activity(self, other_organisation())
        for status, due in [
            (ReferralStatus.OPEN, datetime.date(2014, 1, 10)),
            (ReferralStatus.IN_PROGRESS, datetime.date(2999, 1, 1)),
            (ReferralStatus.RESOLVED, datetime.date(2014, 1, 10)),
        ]:
            Referral.objects.create(
                operation=self.operation,
                sector="wash",
                to_organisation=self.ngo,
                title="Latrines",
                status=status,
                due_date=due,
            )
        page = self.home(self.paul)
        partner = page.context["partner"]
        self.assertEqual(partner["organisation"], self.ngo)
        self.assertEqual(partner["referrals"], {"open": 2, "overdue": 1})
        self.assertEqual(partner["activities"], {"ongoing": 1, "planned": 0})
        self.assertContains(page, reverse("response:activities") + "?organisation=DRC&amp;status=ongoing")
        self.assertNotIn("intake", page.context)
