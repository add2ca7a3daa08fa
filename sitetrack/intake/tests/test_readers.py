"""Every export format of the same submissions imports to the same assessments: Kobo XLSX
(with its repeat sheet), Kobo API JSON, ODK Central CSV zip, Kobo CSV exported with
labels instead of names; and a DTM form through the shipped mapping."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

from sitetrack.assessments.models import PopulationFlow, SiteAssessment
from sitetrack.demo.fake_export import (
    kobo_api_records,
    write_kobo_csv,
    write_kobo_label_csv,
    write_kobo_xlsx,
    write_odk_zip,
)
from sitetrack.intake.models import ImportStatus, RawSubmission
from sitetrack.intake.readers import open_reader
from sitetrack.intake.services import field_mapping_install_shipped, import_file
from sitetrack.intake.tests.helpers import IntakeCase
from sitetrack.intake.tests.test_import_service import snapshot


def flows() -> list[tuple]:
    return sorted(
        PopulationFlow.objects.values_list(
            "assessment__site__code", "direction", "area__pcode", "individuals"
        )
    )


class ReaderTests(IntakeCase):
    N = 7

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())

    def run_import(self, path: Path, **kw):
        run = import_file(operation=self.operation, round=self.round, user=self.imani, path=path, **kw)
        self.assertEqual(run.status, ImportStatus.DONE, run.error)
        return run

    def reference(self) -> tuple[list, list]:
        self.run_import(
            write_kobo_xlsx(self.tmp / "ref.xlsx", submissions=self.N, sites=self.sites_for_export())
        )
        result = snapshot(), flows()
        SiteAssessment.objects.all().delete()
        RawSubmission.objects.all().delete()
        return result

    def test_a_kobo_api_json_page_imports_like_the_xlsx_export_with_its_repeat_group(self):
        assessments, repeat = self.reference()
        records = kobo_api_records(submissions=self.N, sites=self.sites_for_export())
        path = self.tmp / "data.json"
        path.write_text(json.dumps({"count": self.N, "next": None, "previous": None, "results": records}))
        self.assertEqual(open_reader(path).format, "kobo_json")
        run = self.run_import(path)
        self.assertEqual(run.new, self.N)
        self.assertEqual(snapshot(), assessments)
        self.assertEqual(flows(), repeat)
        self.assertTrue(repeat)

    def test_an_odk_central_csv_zip_imports_like_the_xlsx_export_with_its_repeat_group(self):
        assessments, repeat = self.reference()
        path = write_odk_zip(self.tmp / "odk.zip", submissions=self.N, sites=self.sites_for_export())
        self.assertEqual(open_reader(path).format, "odk_zip")
        run = self.run_import(path)
        self.assertEqual(run.new, self.N)
        self.assertEqual(snapshot(), assessments)
        self.assertEqual(flows(), repeat)

    def test_a_csv_exported_with_labels_instead_of_names_imports_like_one_with_names(self):
        self.run_import(
            write_kobo_csv(self.tmp / "names.csv", submissions=self.N, sites=self.sites_for_export())
        )
        expected = snapshot()
        SiteAssessment.objects.all().delete()
        RawSubmission.objects.all().delete()
        for lang in ("en", "fr"):
            path = write_kobo_label_csv(
                self.tmp / f"labels-{lang}.csv", submissions=self.N, sites=self.sites_for_export(), lang=lang
            )
            with open(path, encoding="utf-8-sig") as fh:
                header = next(csv.reader(fh, delimiter=";"))
            self.assertNotIn("grp_population/individuals", header)  # really labels
            self.assertIn("Individuals on the site" if lang == "en" else "Individus sur le site", header)
            run = self.run_import(path)
            self.assertEqual(run.new, self.N, lang)
            self.assertEqual(snapshot(), expected, lang)
            SiteAssessment.objects.all().delete()
            RawSubmission.objects.all().delete()

    def test_a_dtm_form_with_m_coded_fields_imports_through_the_shipped_mapping(self):
        mapping = next(
            m
            for m in field_mapping_install_shipped(operation=self.operation, user=self.imani)
            if m.name == "dtm-site-assessment"
        )
        path = self.tmp / "dtm.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(
                [
                    "m0302_meta_adm0_pcode",
                    "m0303_meta_adm1_pcode",
                    "m0304_meta_adm2_pcode",
                    "m0489_meta_survey_round",
                    "m0445_loc_site_id_ssid",
                    "m0448_loc_site_name",
                    "m0309_loc_num_idp_hh",
                    "m0310_loc_num_idp_ind",
                    "m1536_loc_num_arrival_ind_period",
                    "m1540_loc_num_depart_ind_period",
                    "s2878_loc_top_3_priority_need_idp",
                    "_uuid",
                    "_submission_time",
                ]
            )
            writer.writerow(
                [
                    "CF",
                    "CF71",
                    "CF711",
                    "B2_01",
                    self.mpoko.code,
                    "M'Poko",
                    "410",
                    "2050",
                    "120",
                    "35",
                    "food water health",
                    "dtm-0001",
                    "2014-02-05T10:00:00",
                ]
            )
            writer.writerow(
                [
                    "CF",
                    "CF71",
                    "CF711",
                    "B2_01",
                    "cf7111-s002",
                    "Site 2",
                    "20",
                    "95",
                    "0",
                    "3",
                    "shelter",
                    "dtm-0002",
                    "2014-02-05T11:00:00",
                ]
            )
        run = self.run_import(path, mapping=mapping)
        self.assertEqual((run.new, run.rejected), (2, 0))
        a = SiteAssessment.objects.get(round=self.round, site=self.mpoko)
        self.assertEqual((a.households, a.individuals, a.arrivals, a.departures), (410, 2050, 120, 35))
        self.assertEqual((a.priority_1, a.priority_2, a.priority_3), ("food_security", "wash", "health"))
        b = SiteAssessment.objects.get(round=self.round, site__code="CF7111-S002")
        self.assertEqual(b.priority_1, "shelter_nfi")
        # The site code written in lower case was matched, and the change logged.
        self.assertTrue(run.log.filter(rule="site_code_case", old_value="cf7111-s002").exists())
        # The site name, an unmapped field, stays only in the raw submission.
        self.assertIn("M'Poko", RawSubmission.objects.get(uuid="dtm-0001").data)

    def test_fields_derived_from_the_raw_record_equal_the_fields_read_directly(self):
        """Large imports read the XLSX in a second process that sends only the raw record
        (as JSON); the importing process derives fields and repeat rows from it."""
        path = write_kobo_xlsx(self.tmp / "x.xlsx", submissions=self.N, sites=self.sites_for_export())
        direct = list(open_reader(path))
        reader = open_reader(path)
        reader.defer_fields = True
        deferred = list(reader)
        self.assertEqual(len(deferred), self.N)
        self.assertTrue(all(s.fields is None and s.repeats is None for s in deferred))
        completed = [reader.complete(s, json.loads(json.dumps(s.raw))) for s in deferred]
        self.assertEqual([s.fields for s in completed], [s.fields for s in direct])
        self.assertEqual([s.repeats for s in completed], [s.repeats for s in direct])
        self.assertTrue(any(rows for s in direct for rows in s.repeats.values()))
        self.assertEqual([s.raw for s in deferred], [s.raw for s in direct])
