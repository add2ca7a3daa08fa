from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db.models import F, Sum

from sitetrack.assessments.models import SAD_FIELDS, SHELTER_FIELDS, AssessmentStatus, SiteAssessment
from sitetrack.core.sectors import Sector
from sitetrack.core.testing import BaseCase
from sitetrack.demo.scenario import SITES_PER_REPLICA, generate_scenario, scenario_size, write_kobo_export
from sitetrack.geo.models import AdminArea
from sitetrack.sites.models import Site


class ScenarioTests(BaseCase):
    def test_it_writes_one_validated_assessment_per_site_and_round(self) -> None:
        scenario = generate_scenario(sites=30, rounds=3, operation_slug="bench-test")
        rows = SiteAssessment.objects.filter(round__operation=scenario.operation)
        self.assertEqual((scenario.sites, scenario.rounds, scenario.assessments), (30, 3, 90))
        self.assertEqual(rows.count(), 90)
        self.assertEqual(rows.validated().count(), 90)
        self.assertFalse(rows.exclude(status=AssessmentStatus.VALIDATED).exists())

    def test_its_figures_add_up_like_a_clean_field_submission(self) -> None:
        scenario = generate_scenario(sites=40, rounds=2, operation_slug="bench-test")
        for a in SiteAssessment.objects.filter(round__operation=scenario.operation):
            self.assertEqual(sum(getattr(a, f) for f in SAD_FIELDS), a.individuals)
            self.assertEqual(sum(getattr(a, f) for f in SHELTER_FIELDS), a.households)
            self.assertLessEqual(a.households, a.individuals)
            values = a.indicators
            self.assertEqual(
                values["latrines_female"] + values["latrines_male"], values["latrines_functional"]
            )
            self.assertGreater(values["water_litres_per_day"], 0)
            self.assertGreater(values["covered_area_m2"], 0)
            priorities = [a.priority_1, a.priority_2, a.priority_3]
            self.assertEqual(len(set(priorities)), 3)
            self.assertTrue(set(priorities) <= set(Sector.values))
            for sector in Sector.values:
                self.assertIn(getattr(a, f"need_{sector}"), range(1, 6))

    def test_population_changes_by_arrivals_and_departures(self) -> None:
        scenario = generate_scenario(sites=10, rounds=3, operation_slug="bench-test")
        site = Site.objects.filter(operation=scenario.operation).first()
        weeks = list(SiteAssessment.objects.filter(site=site).order_by("round__number"))
        for before, after in zip(weeks, weeks[1:], strict=False):
            self.assertEqual(after.individuals, before.individuals + after.arrivals - after.departures)

    def test_the_same_seed_writes_the_same_figures(self) -> None:
        first = generate_scenario(sites=12, rounds=2, operation_slug="bench-one", seed=3)
        second = generate_scenario(sites=12, rounds=2, operation_slug="bench-two", seed=3)

        def figures(operation):
            return list(
                SiteAssessment.objects.filter(round__operation=operation)
                .order_by("round__number", "site_id")
                .values_list("individuals", "need_wash", "priority_1")
            )

        self.assertEqual(figures(first.operation), figures(second.operation))
        other = generate_scenario(sites=12, rounds=2, operation_slug="bench-three", seed=4)
        self.assertNotEqual(figures(first.operation), figures(other.operation))

    def test_site_codes_follow_the_admin3_pcode_and_skip_codes_in_use(self) -> None:
        scenario = generate_scenario(sites=SITES_PER_REPLICA, rounds=1, operation_slug="bench-test")
        codes = Site.objects.filter(operation=scenario.operation).values_list("code", "admin_area__pcode")
        for code, pcode in codes:
            self.assertTrue(code.startswith(f"{pcode}-S"), code)
        # The base case's CF7111-S001 exists already: the scenario numbers on after it.
        self.assertEqual(Site.objects.filter(code="CF7111-S001").count(), 1)
        self.assertEqual(Site.objects.get(code="CF7111-S001").operation, self.operation)

    def test_a_larger_country_clones_the_car_tree_with_its_quirks(self) -> None:
        scenario = generate_scenario(sites=2 * SITES_PER_REPLICA + 1, rounds=1, operation_slug="bench-test")
        self.assertEqual(scenario.admin3_areas, 3 * 177)
        clone = AdminArea.objects.get(pcode="CFR011251")
        # Real quirk, replicated: adm3 CF1251 (Boganda) sits under adm2 CF124.
        self.assertEqual(clone.parent.pcode, "CFR01124")
        self.assertEqual(clone.path, "/CF/CFR0112/CFR01124/CFR011251/")
        self.assertEqual(AdminArea.objects.within(clone.parent.parent).filter(level=3).count(), 13)
        used = Site.objects.filter(operation=scenario.operation).values("admin_area").distinct().count()
        self.assertGreater(used, 177)

    def test_the_national_size_is_260000_assessments(self) -> None:
        size = scenario_size("national")
        self.assertEqual(size.sites * size.rounds, 260_000)
        self.assertEqual(scenario_size("small", scale=2).sites, 400)

    def test_population_totals_are_plausible(self) -> None:
        scenario = generate_scenario(sites=50, rounds=1, operation_slug="bench-test")
        rows = SiteAssessment.objects.filter(round__operation=scenario.operation)
        total = rows.aggregate(total=Sum("individuals"))["total"]
        self.assertGreater(total, 50 * 30)
        self.assertFalse(rows.filter(individuals__lt=F("households")).exists())


class GenerateScenarioCommandTests(BaseCase):
    def test_the_command_says_what_it_made(self) -> None:
        out = io.StringIO()
        call_command(
            "generate-scenario", "--sites", "8", "--rounds", "2", "--operation-slug", "cmd", stdout=out
        )
        self.assertIn("cmd: 8 sites, 2 rounds, 16 validated assessments", out.getvalue())
        self.assertEqual(SiteAssessment.objects.filter(round__operation__slug="cmd").count(), 16)

    def test_the_command_refuses_an_operation_that_exists(self) -> None:
        with self.assertRaisesMessage(CommandError, "exists already"):
            call_command(
                "generate-scenario",
                "--sites",
                "2",
                "--operation-slug",
                self.operation.slug,
                stdout=io.StringIO(),
            )

    def test_the_command_writes_a_kobo_export_for_the_scenario_sites(self) -> None:
        import python_calamine

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.xlsx"
            call_command(
                "generate-scenario",
                "--sites",
                "6",
                "--rounds",
                "1",
                "--operation-slug",
                "kobo",
                "--kobo-export",
                str(path),
                "--submissions",
                "12",
                stdout=io.StringIO(),
            )
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            rows = book.get_sheet_by_index(0).to_python()
        header, body = rows[0], rows[1:]
        self.assertEqual(len(body), 12)
        column = header.index("grp_location/site_code")
        codes = set(Site.objects.filter(operation__slug="kobo").values_list("code", flat=True))
        self.assertEqual({row[column] for row in body}, codes)

    def test_the_export_function_writes_a_file_for_the_operation(self) -> None:
        scenario = generate_scenario(sites=3, rounds=1, operation_slug="bench-test")
        with tempfile.TemporaryDirectory() as folder:
            path = write_kobo_export(Path(folder) / "x.xlsx", operation=scenario.operation, submissions=3)
            self.assertTrue(path.exists())
