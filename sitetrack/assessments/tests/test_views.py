"""Pages: rounds, the round board, the phone form with inline messages, the actions, the
catalogue page."""

from __future__ import annotations

from sitetrack.assessments import services
from sitetrack.assessments.models import AssessmentStatus, SiteAssessment
from sitetrack.assessments.tests.fixtures import good_values, make_round
from sitetrack.core.catalogue import catalogue_for
from sitetrack.core.testing import BaseCase


def form_data(**overrides) -> dict:
    values = good_values(**overrides)
    data = {k: v for k, v in values.items() if k != "indicators"}
    data.update({f"ind_{k}": ("yes" if v is True else v) for k, v in values["indicators"].items()})
    data.update({"flows-TOTAL_FORMS": "0", "flows-INITIAL_FORMS": "0"})
    return data


class AssessmentPagesTests(BaseCase):
    def setUp(self) -> None:
        self.round = make_round(self.operation)
        self.form_url = f"/assessments/rounds/{self.round.pk}/sites/CF7111-S001/"

    def test_the_board_shows_each_site_in_scope_with_its_state(self):
        services.assessment_save(site=self.mpoko, round=self.round, user=self.fatou, values=good_values())
        self.login(self.imani)
        html = self.client.get(f"/assessments/rounds/{self.round.pk}/").content.decode()
        self.assertIn('data-site="CF7111-S001" data-state="draft"', html)
        self.assertIn('data-site="CF7131-S001" data-state="missing"', html)
        self.login(self.fatou)
        html = self.client.get(f"/assessments/rounds/{self.round.pk}/").content.decode()
        self.assertNotIn("CF7131-S001", html)

    def test_the_form_shows_guidance_and_validation_messages_inline(self):
        self.login(self.fatou)
        response = self.client.post(self.form_url, {**form_data(f_18_59=410), "save": "1"})
        self.assertEqual(response.status_code, 302)
        html = self.client.get(self.form_url).content.decode()
        self.assertIn("Sex and age figures add up to 1,180 but individuals is 1,000.", html)
        self.assertIn('data-rule="sadd_sum"', html)
        guidance = catalogue_for(self.operation).indicators["latrines_functional"].guidance_en
        self.assertIn(guidance, html)
        self.assertIn('name="viewport"', html)

    def test_errors_keep_the_assessment_from_being_submitted_from_the_form(self):
        self.login(self.fatou)
        response = self.client.post(self.form_url, {**form_data(f_18_59=410), "submit": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Correct the 1 error(s) first")
        self.assertEqual(SiteAssessment.objects.get().status, AssessmentStatus.DRAFT)

    def test_a_facilitator_submits_and_an_imo_returns_with_a_reason(self):
        self.login(self.fatou)
        self.client.post(self.form_url, {**form_data(), "submit": "1"})
        assessment = SiteAssessment.objects.get()
        self.assertEqual(assessment.status, AssessmentStatus.SUBMITTED)
        self.login(self.imani)
        self.client.post(f"/assessments/{assessment.pk}/return/", {"reason": "Check latrine count"})
        assessment.refresh_from_db()
        self.assertEqual((assessment.status, assessment.return_reason), ("returned", "Check latrine count"))
        self.login(self.fatou)
        self.assertContains(self.client.get(f"/assessments/{assessment.pk}/"), "Check latrine count")

    def test_a_facilitator_cannot_open_the_form_for_a_site_outside_scope(self):
        self.login(self.fatou)
        self.assertEqual(
            self.client.get(f"/assessments/rounds/{self.round.pk}/sites/CF7131-S001/").status_code, 404
        )

    def test_an_imo_adjusts_a_threshold_on_the_catalogue_page(self):
        self.login(self.imani)
        page = self.client.get("/assessments/catalogue/")
        forms = page.context["thresholds"].forms
        data = {
            "t-TOTAL_FORMS": str(len(forms)),
            "t-INITIAL_FORMS": str(len(forms)),
            "notes": "Cluster decision",
        }
        for i, form in enumerate(forms):
            for name in ("code", "threshold", "threshold_direction", "threshold_source"):
                value = form.initial.get(name)
                data[f"t-{i}-{name}"] = "" if value is None else value
            if form.initial["code"] == "people_per_latrine":
                data[f"t-{i}-threshold"] = "30"
        response = self.client.post("/assessments/catalogue/", data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertEqual(float(catalogue_for(self.operation).indicators["people_per_latrine"].threshold), 30)
        self.login(self.fatou)
        self.assertEqual(self.client.post("/assessments/catalogue/", data).status_code, 403)

    def test_the_rounds_page_lets_imos_create_rounds(self):
        self.login(self.imani)
        response = self.client.post(
            "/assessments/", {"kind": "monthly", "period_start": "2014-01-01", "period_end": "2014-01-31"}
        )
        self.assertEqual(response.status_code, 302)
        self.login(self.victor)
        self.assertEqual(self.client.get("/assessments/").status_code, 200)

    def test_the_board_offers_a_facilitator_no_edit_link_for_a_submitted_assessment(self):
        assessment = services.assessment_save(
            site=self.mpoko, round=self.round, user=self.fatou, values=good_values()
        )
        services.assessment_submit(assessment=assessment, user=self.fatou)
        self.login(self.fatou)
        html = self.client.get(f"/assessments/rounds/{self.round.pk}/").content.decode()
        self.assertIn('data-state="submitted"', html)
        self.assertNotIn(self.form_url, html)
        detail = self.client.get(f"/assessments/{assessment.pk}/").content.decode()
        self.assertNotIn(self.form_url, detail)
        self.login(self.imani)
        html = self.client.get(f"/assessments/rounds/{self.round.pk}/").content.decode()
        self.assertIn(self.form_url, html)
