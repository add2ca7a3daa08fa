from __future__ import annotations

import tempfile
from pathlib import Path

from sitetrack.assessments.models import PopulationFlow, SiteAssessment
from sitetrack.intake.fake_export import write_kobo_csv, write_kobo_xlsx
from sitetrack.intake.models import ChangeType, CleaningLogEntry, ImportStatus, RawSubmission
from sitetrack.intake.services import import_file
from sitetrack.intake.tests.helpers import IntakeCase


def snapshot() -> list[tuple]:
    fields = [
        f.attname
        for f in SiteAssessment._meta.concrete_fields
        if f.attname not in ("id", "created_at", "updated_at", "submitted_at")
    ]
    return sorted(SiteAssessment.objects.values_list(*fields))


class ImportTests(IntakeCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())

    def xlsx(self, n: int = 7, seed: int = 1) -> Path:
        return write_kobo_xlsx(
            self.tmp / "export.xlsx", submissions=n, sites=self.sites_for_export(), seed=seed
        )

    def run_import(self, path: Path, **kw):
        return import_file(operation=self.operation, round=self.round, user=self.imani, path=path, **kw)

    def test_it_imports_a_kobo_xlsx_export_with_its_repeat_group(self):
        run = self.run_import(self.xlsx())
        self.assertEqual(run.status, ImportStatus.DONE, run.error)
        self.assertEqual((run.new, run.rejected, run.held), (7, 0, 0))
        self.assertEqual(SiteAssessment.objects.filter(round=self.round).count(), 7)
        self.assertTrue(PopulationFlow.objects.exists())
        a = SiteAssessment.objects.get(site=self.mpoko, round=self.round)
        self.assertEqual(
            a.individuals,
            sum(
                getattr(a, f)
                for f in (
                    "f_0_4",
                    "f_5_11",
                    "f_12_17",
                    "f_18_59",
                    "f_60_plus",
                    "m_0_4",
                    "m_5_11",
                    "m_12_17",
                    "m_18_59",
                    "m_60_plus",
                )
            ),
        )
        self.assertIn("water_points", a.indicators)
        self.assertEqual(a.history.count(), 1)
