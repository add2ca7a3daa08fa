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
        self.assertContains(response, "Correct the 1 error first")
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

    def blank_flow_rows(self, count: int = 2) -> dict:
        """What a browser sends for the table's empty rows: the direction select has a value."""
        data = {"flows-TOTAL_FORMS": str(count), "flows-INITIAL_FORMS": "0"}
        for i in range(count):
            data.update(
                {f"flows-{i}-direction": "arrival", f"flows-{i}-area": "", f"flows-{i}-individuals": ""}
            )
            data[f"flows-{i}-reason"] = ""
        return data

    def test_the_form_saves_with_the_blank_rows_of_the_flows_table(self):
        self.login(self.fatou)
        response = self.client.post(self.form_url, {**form_data(), **self.blank_flow_rows(), "submit": "1"})
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        assessment = SiteAssessment.objects.get()
        self.assertEqual(assessment.status, AssessmentStatus.SUBMITTED)
        self.assertFalse(assessment.flows.exists())

    def test_the_blank_rows_the_form_renders_are_ignored_when_posted_back(self):
        self.login(self.fatou)
        page = self.client.get(self.form_url)
        flow_set = page.context["flow_set"]
        data = {**form_data(), "save": "1", "flows-TOTAL_FORMS": str(len(flow_set.forms))}
        data["flows-INITIAL_FORMS"] = "0"
        for form in flow_set.forms:
            for name, field in form.fields.items():
                value = form[name].value()
                if value is None and hasattr(field, "choices"):
                    value = list(field.choices)[0][0]  # a browser sends a select's first option
                if value not in (None, False):
                    data[form.add_prefix(name)] = value
                self.assertIn(f'for="{form[name].id_for_label}"', page.content.decode())
        self.assertEqual(self.client.post(self.form_url, data).status_code, 302)

    def test_a_flow_row_error_is_named_in_the_summary_at_the_top(self):
        self.login(self.fatou)
        rows = self.blank_flow_rows()
        rows["flows-1-area"] = "CF711"
        response = self.client.post(self.form_url, {**form_data(), **rows, "save": "1"})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        summary = html[html.index('id="error-summary"') : html.index("<fieldset")]
        self.assertIn("Arrivals and departures by area, row 2, Individuals: This field is required.", summary)
        self.assertFalse(SiteAssessment.objects.exists())

    def test_filled_flow_rows_are_saved(self):
        self.login(self.fatou)
        rows = self.blank_flow_rows()
        rows.update({"flows-0-area": "CF711", "flows-0-individuals": "120", "flows-0-reason": "conflict"})
        response = self.client.post(self.form_url, {**form_data(), **rows, "save": "1"})
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        flow = SiteAssessment.objects.get().flows.get()
        self.assertEqual((flow.direction, flow.area.pcode, flow.individuals), ("arrival", "CF711", 120))

    def test_a_save_over_a_newer_version_is_refused_with_a_clear_message(self):
        self.login(self.fatou)
        self.client.post(self.form_url, {**form_data(), "save": "1"})
        opened = self.client.get(self.form_url).context["form"]["version"].value()
        services.assessment_save(site=self.mpoko, round=self.round, user=self.imani, values={"arrivals": 121})
        response = self.client.post(self.form_url, {**form_data(), "version": opened, "save": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Someone else changed this assessment after you opened it")
        self.assertEqual(SiteAssessment.objects.get().arrivals, 121)
        fresh = self.client.get(self.form_url).context["form"]["version"].value()
        response = self.client.post(self.form_url, {**form_data(), "version": fresh, "save": "1"})
        self.assertEqual(response.status_code, 302)

    def test_a_facilitators_board_totals_count_only_the_sites_listed_below(self):
        for site, people in ((self.mpoko, 1000), (self.boy_rabe, 2000)):
            values = good_values(individuals=people, f_18_59=230 + people - 1000, households=people // 5)
            saved = services.assessment_save(site=site, round=self.round, user=self.imani, values=values)
            submitted = services.assessment_submit(assessment=saved, user=self.imani, warnings_comment="ok")
            services.assessment_validate(assessment=submitted, user=self.imani)
        self.login(self.fatou)
        totals = self.client.get(f"/assessments/rounds/{self.round.pk}/").context["totals"]
        self.assertEqual((totals["sites"], totals["individuals"]), (1, 1000))
        self.login(self.imani)
        totals = self.client.get(f"/assessments/rounds/{self.round.pk}/").context["totals"]
        self.assertEqual((totals["sites"], totals["individuals"]), (2, 3000))


class RoundBoardListTests(BaseCase):
    """The board lists the open sites and every site assessed in the round, once each,
    with the state of this round's assessment, a page of them at a time."""

    def setUp(self) -> None:
        self.round = make_round(self.operation, number=2)
        self.url = f"/assessments/rounds/{self.round.pk}/"

    def states(self, **params) -> dict[str, str]:
        import re

        html = self.client.get(self.url, params).content.decode()
        return dict(re.findall(r'data-site="([^"]+)" data-state="([^"]+)"', html))

    def test_a_closed_site_is_listed_only_when_assessed_in_the_round(self):
        from sitetrack.sites.models import Site, SiteStatus

        earlier = make_round(self.operation, number=1)
        services.assessment_save(site=self.boy_rabe, round=earlier, user=self.imani, values=good_values())
        Site.objects.filter(pk=self.boy_rabe.pk).update(status=SiteStatus.CLOSED)
        self.login(self.imani)
        self.assertEqual(self.states(), {"CF7111-S001": "missing"})
        services.assessment_save(site=self.boy_rabe, round=self.round, user=self.imani, values=good_values())
        self.assertEqual(self.states(), {"CF7111-S001": "missing", "CF7131-S001": "draft"})

    def test_a_site_assessed_in_other_rounds_is_listed_once_with_this_rounds_state(self):
        for number in (1, 3):
            other = make_round(self.operation, number=number)
            services.assessment_save(site=self.mpoko, round=other, user=self.imani, values=good_values())
        self.login(self.imani)
        html = self.client.get(self.url).content.decode()
        self.assertEqual(html.count('data-site="CF7111-S001"'), 1)
        self.assertEqual(self.states()["CF7111-S001"], "missing")
        board = self.client.get(self.url).context["board"]
        self.assertEqual((board["counts"]["missing"], board["total"]), (2, 2))

    def test_the_state_filter_and_the_counts_agree(self):
        services.assessment_save(site=self.mpoko, round=self.round, user=self.imani, values=good_values())
        self.login(self.imani)
        self.assertEqual(self.states(state="draft"), {"CF7111-S001": "draft"})
        self.assertEqual(self.states(state="missing"), {"CF7131-S001": "missing"})
        counts = self.client.get(self.url).context["board"]["counts"]
        self.assertEqual((counts["draft"], counts["missing"], counts["validated"]), (1, 1, 0))

    def test_a_long_board_comes_in_pages_that_keep_the_state_filter(self):
        from sitetrack.assessments import views
        from sitetrack.sites.models import Site, SiteType

        Site.objects.bulk_create(
            Site(
                operation=self.operation,
                code=f"CF7111-S{n:03d}",
                name=f"Site {n}",
                site_type=SiteType.SPONTANEOUS_SITE,
                admin_area=self.arr1_3,
            )
            for n in range(2, views.BOARD_PAGE_SIZE + 2)
        )
        self.login(self.imani)
        first, second = self.states(state="missing"), self.states(state="missing", page=2)
        self.assertEqual(len(first), views.BOARD_PAGE_SIZE)
        self.assertEqual(len(first) + len(second), views.BOARD_PAGE_SIZE + 2)
        self.assertFalse(set(first) & set(second))
        self.assertContains(self.client.get(self.url, {"state": "missing"}), "state=missing&amp;page=2")
