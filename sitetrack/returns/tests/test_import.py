"""`sitetrack import FILE --operation SLUG --survey ri:YYYY-MM`: KoboToolbox exports of the
return intention form (codes or labels, English or French, group prefixes), all or
nothing, idempotent, with errors that say where."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from sitetrack.core.testing import BaseCase
from sitetrack.returns.choices import Intention, Timing
from sitetrack.returns.importer import ImportRefused, households_import
from sitetrack.returns.models import HouseholdAnswer, HouseholdResponse, Survey
from sitetrack.returns.tests.helpers import make_survey

FIXTURES = Path(__file__).parent / "fixtures"


def run_import(path, **kw) -> str:
    out = io.StringIO()
    call_command("import", str(path), operation="car-bangui-2014", survey="ri:2014-03", stdout=out, **kw)
    return out.getvalue()


class CodeExportTests(BaseCase):
    def test_a_code_export_with_group_prefixes_lands_whole(self):
        output = run_import(FIXTURES / "ri_kobo_codes.csv")
        self.assertIn("3 new", output)
        survey = Survey.objects.get(operation=self.operation, month="2014-03-01")
        first = HouseholdResponse.objects.get(survey=survey, response_id="0a1b2c3d-0001")
        self.assertEqual((first.household_size, first.f_0_4, first.head_age), (6, 1, 34))
        self.assertEqual(first.intention, Intention.RETURN)
        self.assertEqual(first.timing, Timing.ONE_TO_THREE)
        self.assertEqual(first.destination_area.pcode, "CF7131")
        self.assertEqual(first.destination_admin2.pcode, "CF713")
        self.assertEqual(first.site_admin2.pcode, "CF711")
        self.assertTrue(first.visited_origin)
        conditions = set(
            HouseholdAnswer.objects.filter(household=first, question="conditions").values_list(
                "code", flat=True
            )
        )
        self.assertEqual(conditions, {"security", "shelter_rebuilt"})
        second = HouseholdResponse.objects.get(survey=survey, response_id="0a1b2c3d-0002")
        self.assertIsNone(second.destination_area)  # NULL
        self.assertEqual(second.origin_area.pcode, "CF713")  # admin 3 NULL: the admin 2
        # The household that refused consent is not kept.
        self.assertFalse(HouseholdResponse.objects.filter(response_id="0a1b2c3d-0004").exists())
        self.assertEqual(first.history.count(), 1)

    def test_importing_the_same_export_again_changes_nothing(self):
        run_import(FIXTURES / "ri_kobo_codes.csv")
        before = list(HouseholdResponse.objects.values_list("pk", "updated_at"))
        output = run_import(FIXTURES / "ri_kobo_codes.csv")
        self.assertIn("0 new, 0 updated, 3 unchanged", output)
        self.assertEqual(before, list(HouseholdResponse.objects.values_list("pk", "updated_at")))
        self.assertEqual(HouseholdAnswer.objects.count(), 8 + 4 + 4)

    def test_an_edited_answer_updates_the_household(self):
        run_import(FIXTURES / "ri_kobo_codes.csv")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "edited.csv"
            path.write_text(
                (FIXTURES / "ri_kobo_codes.csv").read_text().replace(",integrate_locally,", ",undecided,"),
                encoding="utf-8",
            )
            output = run_import(path)
        self.assertIn("0 new, 1 updated, 2 unchanged", output)
        self.assertEqual(
            HouseholdResponse.objects.get(response_id="0a1b2c3d-0002").intention, Intention.UNDECIDED
        )


class LabelExportTests(BaseCase):
    def test_an_unknown_choice_is_reported_by_value_row_and_column_and_nothing_is_written(self):
        with self.assertRaises(CommandError) as caught:
            run_import(FIXTURES / "ri_kobo_labels_fr.xlsx")
        message = str(caught.exception)
        self.assertIn("Nothing imported", message)
        self.assertIn("row 7", message)
        self.assertIn("Peut-être", message)
        self.assertIn("Que le ménage a-t-il l'intention de faire ?", message)
        self.assertIn("unknown_choice", message)
        self.assertFalse(HouseholdResponse.objects.exists())
        self.assertFalse(Survey.objects.exists())  # not even the survey it would have created

    def test_french_labels_title_rows_null_and_padded_numbers_are_read(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "fr.xlsx"
            shutil.copy(FIXTURES / "ri_kobo_labels_fr.xlsx", path)
            book = load_workbook(path)
            book.active.delete_rows(7)  # the row with the unknown answer
            book.save(path)
            output = run_import(path)
        self.assertIn("2 new", output)
        first = HouseholdResponse.objects.get(response_id="fr-0001")  # instanceID, no _uuid
        self.assertEqual(first.intention, Intention.RETURN)
        self.assertEqual(first.timing, Timing.WITHIN_MONTH)
        self.assertEqual(first.head_sex, "female")
        self.assertEqual(first.household_size, 5)  # " 5 "
        self.assertAlmostEqual(first.weight, 1250.5)  # "1,250.5"
        self.assertEqual(first.destination_admin2.pcode, "CF713")
        self.assertEqual(
            set(first.answers.values_list("question", "code")),
            {("obstacles", "insecurity"), ("conditions", "security"), ("conditions", "shelter_rebuilt")},
        )
        second = HouseholdResponse.objects.get(response_id="fr-0002")
        self.assertIsNone(second.head_age)  # NULL
        self.assertEqual(second.intention, Intention.UNDECIDED)


class CommandTests(BaseCase):
    def test_import_needs_a_round_or_a_survey(self):
        with self.assertRaises(CommandError) as caught:
            call_command("import", str(FIXTURES / "ri_kobo_codes.csv"), operation=self.operation.slug)
        self.assertIn("--survey ri:YYYY-MM", str(caught.exception))

    def test_a_survey_month_must_be_a_month(self):
        with self.assertRaises(CommandError) as caught:
            call_command(
                "import",
                str(FIXTURES / "ri_kobo_codes.csv"),
                operation=self.operation.slug,
                survey="ri:March",
            )
        self.assertIn("YYYY-MM", str(caught.exception))


class ProblemTests(BaseCase):
    def write(self, text: str) -> Path:
        self.tmp = tempfile.TemporaryDirectory()
        path = Path(self.tmp.name) / "export.csv"
        path.write_text(text, encoding="utf-8")
        return path

    def tearDown(self) -> None:
        if hasattr(self, "tmp"):
            self.tmp.cleanup()

    def problems(self, text: str):
        survey = make_survey(self.operation)
        with self.assertRaises(ImportRefused) as caught:
            households_import(survey=survey, path=self.write(text))
        return caught.exception.problems

    def test_an_export_without_any_response_id_is_refused(self):
        problems = self.problems(
            "site_code,visit_date,intention,hh_size\nCF7111-S001,2014-03-02,undecided,3\n"
        )
        self.assertEqual([p.rule for p in problems], ["no_response_id"])

    def test_each_bad_value_names_file_row_column_value_and_rule(self):
        problems = self.problems(
            "site_code,visit_date,intention,hh_size,_id\n"
            "CF9999-S999,2014-03-02,undecided,3,1\n"
            "CF7111-S001,2014-04-02,undecided,3,2\n"
            "CF7111-S001,2014-03-02,undecided,12.5,3\n"
            "CF7111-S001,2014-03-02,undecided,3,9\n"
            "CF7111-S001,2014-03-02,undecided,3,9\n"
        )
        found = {(p.rule, p.row, p.column, str(p.value)) for p in problems}
        self.assertIn(("unknown_site", 2, "site_code", "CF9999-S999"), found)
        self.assertIn(("outside_month", 3, "visit_date", "2014-04-02"), found)
        self.assertIn(("not_whole", 4, "hh_size", "12.5"), found)
        self.assertIn(("duplicate_response", 6, "kobo:9"), {(p.rule, p.row, str(p.value)) for p in problems})
        self.assertTrue(all(p.file == "export.csv" for p in problems))
        self.assertFalse(HouseholdResponse.objects.exists())

    def test_bands_that_do_not_add_up_are_refused(self):
        problems = self.problems(
            "site_code,visit_date,intention,hh_size,f_18_59,m_18_59,_id\nCF7111-S001,2014-03-02,undecided,4,1,1,1\n"
        )
        self.assertEqual([p.rule for p in problems], ["composition_total"])
