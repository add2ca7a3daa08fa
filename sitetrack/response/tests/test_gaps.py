"""The gap matrix of a hand-built round matches the expectation computed by hand (see
gap_fixture.py)."""

from __future__ import annotations

import tempfile
from io import BytesIO, StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from sitetrack.core.testing import BaseCase, as_if_committed
from sitetrack.response.gaps import COVERED, GAP, OVER, UNDER, gap_matrix
from sitetrack.response.tests.gap_fixture import build_gap_fixture

EXPECTED = {
    # site: {sector: (status, partners, reached, coverage)}
    "CF7111-S001": {"wash": (UNDER, 2, 400, 0.4), "health": (GAP, 0, 0, None)},
    "CF7111-S002": {"education": (OVER, 3, 0, None)},
    "CF7131-S001": {"protection": (COVERED, 1, 0, None)},
}


class GapMatrixTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_gap_fixture(cls)

    def test_the_matrix_matches_the_hand_computed_expectation(self):
        matrix = gap_matrix(self.round)
        found = {
            row.code: {
                cell.sector: (cell.status, cell.partners, cell.reached, cell.coverage)
                for cell in row.cells
                if cell.status
            }
            for row in matrix.rows
        }
        self.assertEqual(found, EXPECTED)
        self.assertEqual([r.population for r in matrix.rows], [1000, 200, 400])
        wash = next(c for c in matrix.rows[0].cells if c.sector == "wash")
        self.assertEqual((wash.severity, wash.gap_count), (5, 1))
        self.assertEqual(matrix.totals["wash"], {GAP: 0, UNDER: 1, COVERED: 0, OVER: 0})
        self.assertEqual(matrix.totals["health"][GAP], 1)

    def test_a_facilitator_sees_only_the_sites_in_their_scope(self):
        self.assertEqual(
            [r.code for r in gap_matrix(self.round, user=self.fatou).rows], ["CF7111-S001", "CF7111-S002"]
        )

    def test_a_lower_severity_threshold_turns_more_needs_into_gaps(self):
        matrix = gap_matrix(self.round, severe_from=2)
        boy_rabe = next(r for r in matrix.rows if r.code == "CF7131-S001")
        self.assertEqual(next(c for c in boy_rabe.cells if c.sector == "wash").status, GAP)

    def test_the_operation_setting_of_severe_need_is_the_one_rule(self):
        # No threshold given: the matrix asks assessments.severity (SITETRACK_SEVERE_NEED).
        with self.settings(SITETRACK_SEVERE_NEED=2):
            matrix = gap_matrix(self.round)
        boy_rabe = next(r for r in matrix.rows if r.code == "CF7131-S001")
        self.assertEqual(next(c for c in boy_rabe.cells if c.sector == "wash").status, GAP)


class GapMatrixPageTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_gap_fixture(cls)

    def test_the_page_shows_the_cells_and_the_xlsx_has_them(self):
        self.login(self.victor)
        response = self.client.get("/response/gaps/?round=1&status=gap")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "CF7111-S001")
        self.assertNotContains(response, "CF7131-S001")
        self.assertContains(response, 'class="gm gap"')
        download = self.client.get("/response/gaps/?round=1&format=xlsx")
        book = load_workbook(BytesIO(download.content))
        rows = list(book["Gap matrix"].iter_rows(values_only=True))
        header = rows[0]
        mpoko = rows[1]
        self.assertEqual(mpoko[0], "CF7111-S001")
        self.assertEqual(mpoko[header.index("HEAL: status")], "Need, no partner")
        self.assertEqual(mpoko[header.index("WASH: partners")], 2)
        self.assertEqual(mpoko[header.index("WASH: reached")], 400)


class ReportGapsCommandTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_gap_fixture(cls)

    def test_report_gaps_writes_the_xlsx(self):
        with tempfile.TemporaryDirectory() as folder:
            out = StringIO()
            call_command("report", "gaps", "--round", "1", "--out", folder, "--lang", "fr", stdout=out)
            self.assertIn("1 site-sector gaps", out.getvalue())
            path = Path(folder) / "gap-matrix-car-bangui-2014-round-1.xlsx"
            self.assertIn("Matrice des manques", load_workbook(path).sheetnames)
        with self.assertRaisesMessage(CommandError, "Weekly rounds: 1"):
            call_command("report", "gaps", "--round", "7", "--out", "x")


class GapMatrixApiTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_gap_fixture(cls)

    def test_the_api_gives_the_same_cells(self):
        body = self.api_as(self.victor).get("/api/gaps/?round=1&status=gap").json()
        self.assertEqual(body["count"], 1)
        row = body["results"][0]
        self.assertEqual(row["code"], "CF7111-S001")
        health = next(c for c in row["cells"] if c["sector"] == "health")
        self.assertEqual((health["status"], health["severity"], health["partners"]), ("gap", 4, 0))
        self.assertEqual(self.api_as(self.victor).get("/api/gaps/?round=9").status_code, 404)

    def test_the_rows_page_with_a_next_link_and_an_exact_count(self):
        # Fewer rows than sites would show as a missing page; a crash here was a 500.
        first = self.api_as(self.victor).get("/api/gaps/?round=1&page_size=1").json()
        total = first["count"]
        self.assertGreater(total, 1)
        self.assertIsNotNone(first["next"])
        codes = {first["results"][0]["code"]}
        for page in range(2, total + 1):
            body = self.api_as(self.victor).get(f"/api/gaps/?round=1&page_size=1&page={page}").json()
            codes.add(body["results"][0]["code"])
        self.assertEqual(len(codes), total)


class GapMatrixCacheTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_gap_fixture(cls)

    def test_a_change_to_an_activity_shows_at_once(self):
        from sitetrack.response.models import Activity
        from sitetrack.response.services import activity_update

        before = gap_matrix(self.round)
        health = next(c for c in before.rows[0].cells if c.sector == "health")
        self.assertEqual(health.status, GAP)
        planned = Activity.objects.get(activity_type__code="health-mobile-clinic")
        activity_update(activity=planned, user=None, status="ongoing")
        after = gap_matrix(self.round)
        health = next(c for c in after.rows[0].cells if c.sector == "health")
        self.assertEqual((health.status, health.partners), (COVERED, 1))


class CachedGapMatrixTests(BaseCase):
    """With caching on (as for committed data), scopes never leak between users and a
    committed change moves the matrix."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_gap_fixture(cls)

    def setUp(self) -> None:
        as_if_committed(self)

    def codes(self, user, path="/api/gaps/?round=1"):
        return [row["code"] for row in self.api_as(user).get(path).json()["results"]]

    def test_each_scope_gets_its_own_rows_whoever_asked_first(self):
        self.assertEqual(self.codes(self.fatou), ["CF7111-S001", "CF7111-S002"])
        self.assertEqual(len(self.codes(self.imani)), 3)
        self.assertEqual(self.codes(self.fatou), ["CF7111-S001", "CF7111-S002"])
        self.login(self.fatou)
        self.assertNotContains(self.client.get("/response/gaps/?round=1"), "CF7131-S001")
        self.login(self.victor)
        self.assertContains(self.client.get("/response/gaps/?round=1"), "CF7131-S001")

    def test_a_committed_change_shows_on_the_api_and_the_page(self):
        from sitetrack.response.models import Activity
        from sitetrack.response.services import activity_update

        def health(body):
            return next(c for c in body["results"][0]["cells"] if c["sector"] == "health")["status"]

        api = self.api_as(self.victor)
        self.assertEqual(health(api.get("/api/gaps/?round=1").json()), GAP)
        planned = Activity.objects.get(activity_type__code="health-mobile-clinic")
        with self.captureOnCommitCallbacks(execute=True):
            activity_update(activity=planned, user=None, status="ongoing")
        self.assertEqual(health(api.get("/api/gaps/?round=1").json()), COVERED)
