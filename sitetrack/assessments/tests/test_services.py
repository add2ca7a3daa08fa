"""The validation workflow: draft → submitted → validated / returned → locked."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sitetrack.assessments import services
from sitetrack.assessments.history import reason_text
from sitetrack.assessments.models import AssessmentStatus, PopulationFlow, RoundStatus, SiteAssessment
from sitetrack.assessments.tests.fixtures import good_values, make_round
from sitetrack.core.catalogue import catalogue_for, catalogue_version_create
from sitetrack.core.testing import BaseCase


class WorkflowTests(BaseCase):
    def setUp(self) -> None:
        self.round = make_round(self.operation)

    def save(self, user=None, site=None, **overrides) -> SiteAssessment:
        return services.assessment_save(
            site=site or self.mpoko,
            round=self.round,
            user=user or self.fatou,
            values=good_values(**overrides),
        )

    def test_a_facilitator_saves_and_submits_for_a_site_in_scope(self):
        assessment = services.assessment_submit(assessment=self.save(), user=self.fatou)
        self.assertEqual(assessment.status, AssessmentStatus.SUBMITTED)
        self.assertEqual(assessment.facilitator, self.fatou)
        self.assertEqual(assessment.catalogue_version, catalogue_for(self.operation).version)

    def test_a_facilitator_cannot_assess_a_site_outside_scope(self):
        with self.assertRaises(PermissionDenied):
            self.save(site=self.boy_rabe)
        self.assertFalse(SiteAssessment.objects.exists())

    def test_a_facilitator_cannot_submit_for_a_site_outside_scope(self):
        other = self.save(user=self.imani, site=self.boy_rabe)
        with self.assertRaises(PermissionDenied):
            services.assessment_submit(assessment=other, user=self.fatou)

    def test_viewers_and_partners_cannot_assess(self):
        for user in (self.victor, self.paul, self.olga):
            with self.assertRaises(PermissionDenied):
                self.save(user=user)

    def test_errors_are_stored_and_block_submission(self):
        assessment = self.save(f_18_59=410)
        self.assertEqual(assessment.error_count, 1)
        self.assertEqual(assessment.issues[0]["rule"], "sadd_sum")
        with self.assertRaises(ValidationError) as raised:
            services.assessment_submit(assessment=assessment, user=self.fatou)
        self.assertIn("1,180", str(raised.exception))
        self.assertEqual(SiteAssessment.objects.get().status, AssessmentStatus.DRAFT)

    def test_warnings_need_a_comment_to_submit(self):
        assessment = self.save(households=80)
        self.assertEqual(assessment.warning_count, 1)
        with self.assertRaises(ValidationError):
            services.assessment_submit(assessment=assessment, user=self.fatou)
        submitted = services.assessment_submit(
            assessment=assessment, user=self.fatou, warnings_comment="Large families from Boali, checked."
        )
        self.assertEqual(submitted.status, AssessmentStatus.SUBMITTED)

    def test_values_that_cannot_be_stored_are_refused_with_field_errors(self):
        with self.assertRaises(ValidationError) as raised:
            self.save(households=-3, need_wash=9)
        self.assertEqual(set(raised.exception.message_dict), {"households", "need_wash"})

    def test_a_returned_assessment_carries_the_reason(self):
        assessment = services.assessment_submit(assessment=self.save(), user=self.fatou)
        with self.assertRaises(ValidationError):
            services.assessment_return(assessment=assessment, user=self.imani, reason="  ")
        returned = services.assessment_return(
            assessment=assessment, user=self.imani, reason="Latrine count looks doubled; recount block C."
        )
        self.assertEqual(returned.status, AssessmentStatus.RETURNED)
        self.assertEqual(returned.return_reason, "Latrine count looks doubled; recount block C.")
        self.assertIn("recount block C", reason_text(returned.history.first().history_change_reason))
        # The facilitator fixes and resubmits; the reason stays on record.
        fixed = services.assessment_save(
            site=self.mpoko, round=self.round, user=self.fatou, values={"observations": "Recounted"}
        )
        resubmitted = services.assessment_submit(assessment=fixed, user=self.fatou)
        self.assertEqual(resubmitted.return_reason, "Latrine count looks doubled; recount block C.")

    def test_only_imos_validate(self):
        assessment = services.assessment_submit(assessment=self.save(), user=self.fatou)
        with self.assertRaises(PermissionDenied):
            services.assessment_validate(assessment=assessment, user=self.fatou)
        validated = services.assessment_validate(assessment=assessment, user=self.imani)
        self.assertTrue(validated.was_validated)
        self.assertEqual(list(SiteAssessment.objects.validated()), [validated])

    def test_a_validated_assessment_is_changed_only_by_an_imo_correction_with_a_reason(self):
        assessment = services.assessment_submit(assessment=self.save(), user=self.fatou)
        services.assessment_validate(assessment=assessment, user=self.imani)
        with self.assertRaises(ValidationError):
            self.save(individuals=1100)
        with self.assertRaises(ValidationError):
            services.assessment_correct(
                assessment=assessment, user=self.imani, values={"arrivals": 130}, reason=""
            )
        corrected = services.assessment_correct(
            assessment=assessment, user=self.imani, values={"arrivals": 130}, reason="Typo in the arrivals"
        )
        self.assertEqual(corrected.arrivals, 130)
        self.assertEqual(corrected.status, AssessmentStatus.VALIDATED)
        latest, before = corrected.history.all()[:2]
        with translation.override("en"):
            self.assertEqual(reason_text(latest.history_change_reason), "Corrected: Typo in the arrivals")
        self.assertEqual((before.arrivals, latest.arrivals), (120, 130))

    def test_closing_a_round_locks_its_assessments_and_refuses_changes(self):
        validated = services.assessment_submit(assessment=self.save(), user=self.fatou)
        services.assessment_validate(assessment=validated, user=self.imani)
        draft = self.save(user=self.imani, site=self.boy_rabe)
        services.round_close(round=self.round, user=self.imani)
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, RoundStatus.CLOSED)
        statuses = dict(SiteAssessment.objects.values_list("site__code", "status"))
        self.assertEqual(statuses, {"CF7111-S001": "locked", "CF7131-S001": "locked"})
        # Validated figures still feed reports; the draft never will.
        self.assertEqual([a.pk for a in SiteAssessment.objects.validated()], [validated.pk])
        with self.assertRaises(ValidationError):
            self.save(individuals=1100)
        with self.assertRaises(ValidationError):
            services.assessment_submit(assessment=draft, user=self.imani)
        with self.assertRaises(ValidationError):
            services.assessment_correct(
                assessment=validated, user=self.imani, values={"arrivals": 1}, reason="x"
            )
        with translation.override("en"):
            self.assertEqual(reason_text(validated.history.first().history_change_reason), "Round closed")

    def test_only_imos_manage_rounds(self):
        with self.assertRaises(PermissionDenied):
            services.round_close(round=self.round, user=self.fatou)
        created = services.round_create(
            operation=self.operation,
            user=self.imani,
            kind="weekly",
            period_start=self.round.period_end,
            period_end=self.round.period_end,
        )
        self.assertEqual(created.number, 2)

    def test_flows_are_stored_and_fill_the_totals(self):
        values = good_values()
        del values["arrivals"], values["departures"]
        assessment = services.assessment_save(
            site=self.mpoko,
            round=self.round,
            user=self.fatou,
            values=values,
            flows=[
                {"direction": "arrival", "area": "CF713", "individuals": 80, "reason": "violence"},
                {"direction": "arrival", "area": "CF111", "individuals": 40, "reason": "violence"},
            ],
        )
        self.assertEqual(assessment.arrivals, 120)
        self.assertEqual(PopulationFlow.objects.filter(assessment=assessment).count(), 2)
        with self.assertRaises(ValidationError) as raised:
            services.assessment_save(
                site=self.mpoko,
                round=self.round,
                user=self.fatou,
                values={},
                flows=[{"direction": "arrival", "area": "CF999", "individuals": 3}],
            )
        self.assertIn("CF999", str(raised.exception))

    def test_outliers_compare_with_the_previous_round_of_the_same_kind(self):
        first = services.assessment_submit(assessment=self.save(), user=self.fatou)
        services.assessment_validate(assessment=first, user=self.imani)
        second_round = make_round(self.operation, number=2)
        values = good_values(**{k: v * 2 for k, v in good_values().items() if k.startswith(("f_", "m_"))})
        values.update(individuals=2000, households=400, arrivals=1000, departures=0)
        second = services.assessment_save(site=self.mpoko, round=second_round, user=self.fatou, values=values)
        self.assertEqual([i["rule"] for i in second.issues], ["outlier_change"])


class CatalogueVersionTests(BaseCase):
    def test_an_assessment_keeps_its_catalogue_version_after_an_imo_adjusts_a_threshold(self):
        round = make_round(self.operation)
        assessment = services.assessment_save(
            site=self.mpoko, round=round, user=self.fatou, values=good_values()
        )
        first_version = assessment.catalogue_version
        new = catalogue_version_create(
            operation=self.operation,
            user=self.imani,
            changes={"people_per_latrine": {"threshold": 30}},
            notes="Cluster agreed 30 for the first months",
        )
        self.assertNotEqual(new, first_version)
        self.assertEqual(catalogue_for(self.operation).version, new)
        self.assertEqual(catalogue_for(self.operation).indicators["people_per_latrine"].threshold, 30)
        # Editing the old assessment keeps its version; a new site uses the new one.
        edited = services.assessment_save(
            site=self.mpoko, round=round, user=self.fatou, values={"arrivals": 100}
        )
        self.assertEqual(edited.catalogue_version, first_version)
        other = services.assessment_save(
            site=self.boy_rabe, round=round, user=self.imani, values=good_values()
        )
        self.assertEqual(other.catalogue_version, new)
