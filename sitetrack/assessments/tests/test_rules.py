"""The state rules: status after save, correct or save, and what each role may do."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase

from sitetrack.assessments import rules, services
from sitetrack.assessments.models import AssessmentStatus, RoundStatus
from sitetrack.assessments.tests.fixtures import good_values, make_round
from sitetrack.core.testing import BaseCase

DRAFT, SUBMITTED, VALIDATED, RETURNED, LOCKED = (
    AssessmentStatus.DRAFT,
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.VALIDATED,
    AssessmentStatus.RETURNED,
    AssessmentStatus.LOCKED,
)


class StatusAfterSaveTests(SimpleTestCase):
    def test_a_new_assessment_saved_from_the_form_is_a_draft_even_without_errors(self):
        self.assertEqual(rules.status_after_save(None, error_count=0, submitted=False), DRAFT)

    def test_a_field_submission_without_errors_is_submitted_and_with_errors_a_draft(self):
        self.assertEqual(rules.status_after_save(None, error_count=0, submitted=True), SUBMITTED)
        self.assertEqual(rules.status_after_save(None, error_count=2, submitted=True), DRAFT)

    def test_a_returned_assessment_resubmitted_without_errors_is_submitted_again(self):
        self.assertEqual(rules.status_after_save(RETURNED, error_count=0, submitted=True), SUBMITTED)
        self.assertEqual(rules.status_after_save(RETURNED, error_count=0, submitted=False), RETURNED)

    def test_a_submitted_assessment_that_gets_errors_goes_back_to_draft(self):
        self.assertEqual(rules.status_after_save(SUBMITTED, error_count=1, submitted=False), DRAFT)
        self.assertEqual(rules.status_after_save(SUBMITTED, error_count=0, submitted=False), SUBMITTED)

    def test_validated_and_locked_assessments_keep_their_status(self):
        for status in (VALIDATED, LOCKED):
            self.assertEqual(rules.status_after_save(status, error_count=3, submitted=True), status)

    def test_validated_figures_are_corrected_and_submitted_ones_only_with_a_reason(self):
        self.assertEqual(rules.write_mode(VALIDATED), rules.WriteMode.CORRECT)
        self.assertEqual(rules.write_mode(SUBMITTED), rules.WriteMode.SAVE)
        self.assertEqual(rules.write_mode(SUBMITTED, reason_given=True), rules.WriteMode.CORRECT)
        self.assertEqual(rules.write_mode(DRAFT, reason_given=True), rules.WriteMode.SAVE)
        self.assertEqual(rules.write_mode(None), rules.WriteMode.SAVE)

    def test_the_history_columns_of_a_bulk_write_cut_the_reason_to_the_column(self):
        when = datetime.datetime(2014, 1, 6, tzinfo=datetime.UTC)
        columns = rules.history_columns(
            history_type=rules.HistoryType.CREATED, when=when, user_id=7, reason="x" * 300
        )
        self.assertEqual(columns["history_type"], "+")
        self.assertEqual(columns["history_user_id"], 7)
        self.assertEqual(len(columns["history_change_reason"]), rules.HISTORY_REASON_LENGTH)
        self.assertTrue(columns["history_change_reason"].endswith("…"))


class PermissionTests(BaseCase):
    def setUp(self) -> None:
        self.round = make_round(self.operation)

    def test_a_facilitator_may_edit_drafts_and_returned_ones_but_not_submitted_ones(self):
        for status, expected in ((None, True), (DRAFT, True), (RETURNED, True), (SUBMITTED, False)):
            with self.subTest(status=status):
                self.assertEqual(rules.may_edit(self.fatou, self.operation, self.round, status), expected)
        self.assertTrue(rules.may_edit(self.imani, self.operation, self.round, SUBMITTED))
        self.assertFalse(rules.may_edit(self.imani, self.operation, self.round, VALIDATED))

    def test_viewers_partners_and_people_without_a_role_may_do_nothing(self):
        assessment = services.assessment_save(
            site=self.mpoko, round=self.round, user=self.fatou, values=good_values()
        )
        for user in (self.victor, self.paul, self.olga):
            with self.subTest(user=user.username):
                self.assertFalse(rules.permissions(user, self.round, assessment).any)

    def test_only_an_imo_validates_returns_and_corrects_a_submitted_assessment(self):
        assessment = services.assessment_save(
            site=self.mpoko, round=self.round, user=self.fatou, values=good_values()
        )
        assessment = services.assessment_submit(assessment=assessment, user=self.fatou)
        imo = rules.permissions(self.imani, self.round, assessment)
        facilitator = rules.permissions(self.fatou, self.round, assessment)
        self.assertEqual((imo.validate, imo.return_, imo.correct, imo.submit), (True, True, True, False))
        self.assertFalse(facilitator.any)

    def test_nothing_may_be_done_once_the_round_is_closed(self):
        self.round.status = RoundStatus.CLOSED
        for status in (None, DRAFT, SUBMITTED, VALIDATED):
            with self.subTest(status=status):
                self.assertFalse(rules.may_edit(self.ada, self.operation, self.round, status))
                self.assertFalse(rules.may_validate(self.ada, self.operation, self.round, status))

    def test_an_imo_edit_that_brings_errors_sends_a_submitted_assessment_back_to_draft(self):
        assessment = services.assessment_save(
            site=self.mpoko, round=self.round, user=self.fatou, values=good_values()
        )
        services.assessment_submit(assessment=assessment, user=self.fatou)
        changed = services.assessment_save(
            site=self.mpoko, round=self.round, user=self.imani, values={"f_18_59": 410}
        )
        self.assertEqual((changed.status, changed.error_count), (DRAFT, 1))
