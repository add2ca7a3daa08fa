"""The main paths in Chromium, as the people who walk them: an IMO registers a site; a
facilitator on a 360 px phone finds it on their home page and submits its assessment (one
with a flow row, one without); the IMO validates one and returns the other; the IMO imports
a field export and watches its progress, downloads the weekly report; a viewer switches to
French."""

from __future__ import annotations

from pathlib import Path

from sitetrack.web.tests.browser.conftest import PHONE, page_errors, shoot

NEW_SITE = "CF7111-S010"


def weekly_world(world) -> None:
    """The reports tests' weekly fixture (two weekly rounds, round 2 with 3 validated
    sites) and the default indicator catalogue."""
    from sitetrack.core.catalogue import catalogue_ensure_default
    from sitetrack.reports.tests.fixtures import build_weekly_fixture

    catalogue_ensure_default()
    build_weekly_fixture(world)


def fill_assessment(page, values: dict) -> None:
    for name, value in values.items():
        field = page.locator(f"form.assessment-form [name='{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))


def skip_flow_rows(page, rows) -> None:
    """Mark blank flow rows deleted: on a form where a row's direction select always sends
    a value, an untouched row would otherwise be read as an incomplete one."""
    for row in rows:
        page.check(f"[name='flows-{row}-DELETE']")


def test_a_site_registered_by_the_imo_is_assessed_on_a_phone_then_validated_or_returned(
    world, context_for
) -> None:
    from sitetrack.assessments.models import AssessmentStatus, SiteAssessment
    from sitetrack.assessments.tests.fixtures import good_values

    weekly_world(world)
    imo = context_for(world.imani).new_page()
    errors = page_errors(imo)

    # The IMO registers a site in Fatou's arrondissement.
    imo.goto("/sites/new/")
    imo.fill("#id_code", NEW_SITE)
    imo.fill("#id_name", "Camp <b>Test</b>")
    imo.select_option("#id_site_type", "planned_camp")
    imo.fill("#id_admin_area", "CF7111")
    imo.fill("#id_latitude", "4.37")
    imo.fill("#id_longitude", "18.57")
    imo.click("form.siteform button[type=submit]")
    imo.wait_for_url(f"**/sites/{NEW_SITE}/")
    assert "Camp <b>Test</b>" in imo.inner_text("h1")

    # Fatou, on a phone, sees it among the sites to collect in round 2.
    phone = context_for(world.fatou, viewport=PHONE).new_page()
    phone_errors = page_errors(phone)
    phone.goto("/")
    todo = phone.locator("#to-collect")
    assert "Camp <b>Test</b>" in todo.inner_text()
    phone.click(f"#to-collect a[href='/assessments/rounds/{world.round2.pk}/sites/{NEW_SITE}/']")
    values = {k: v for k, v in good_values().items() if not isinstance(v, dict)}
    fill_assessment(phone, values)
    # One arrival row: 120 people from Bimbo, as the arrivals figure says.
    phone.select_option("[name='flows-0-direction']", "arrival")
    phone.fill("[name='flows-0-area']", "CF111")
    phone.fill("[name='flows-0-individuals']", "120")
    skip_flow_rows(phone, [1])
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "assessment-form-360")
    phone.click("button[name=submit]")
    phone.wait_for_url("**/assessments/*/")
    first = SiteAssessment.objects.get(site__code=NEW_SITE, round=world.round2)
    assert first.status == AssessmentStatus.SUBMITTED
    assert list(first.flows.values_list("individuals", flat=True)) == [120]

    # Don Bosco is still missing in round 1: submitted without any flow row.
    phone.goto(f"/assessments/rounds/{world.round1.pk}/sites/{world.don_bosco.code}/")
    fill_assessment(phone, {**values, "arrivals": 0, "departures": 0})
    skip_flow_rows(phone, [0, 1])
    phone.click("button[name=submit]")
    phone.wait_for_url("**/assessments/*/")
    second = SiteAssessment.objects.get(site=world.don_bosco, round=world.round1)
    assert second.status == AssessmentStatus.SUBMITTED
    assert second.flows.count() == 0

    # The IMO validates the first and returns the second with a reason.
    imo.goto(f"/assessments/{first.pk}/")
    imo.click("form[action$='/validate/'] button")
    imo.wait_for_url(f"**/assessments/{first.pk}/")
    imo.goto(f"/assessments/{second.pk}/")
    imo.fill("form[action$='/return/'] textarea", "Households and individuals do not match last week.")
    imo.click("form[action$='/return/'] button")
    imo.wait_for_url(f"**/assessments/{second.pk}/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (AssessmentStatus.VALIDATED, AssessmentStatus.RETURNED)

    # Fatou's home now lists the returned one to correct.
    phone.goto("/")
    assert world.don_bosco.name in phone.locator("#to-collect").inner_text()
    shoot(phone, "home-facilitator-after-return-360")
    assert errors == [] and phone_errors == []


def test_an_imo_imports_an_export_watches_it_and_downloads_the_weekly_report(
    world, context_for, tmp_path
) -> None:
    from sitetrack.demo.fake_export import write_kobo_xlsx
    from sitetrack.intake.models import ImportRun, ImportStatus

    weekly_world(world)
    sites = [
        (s.code, s.admin_area.parent.parent.pcode, s.admin_area.parent.pcode)
        for s in (world.mpoko, world.boy_rabe, world.don_bosco)
    ]
    export = write_kobo_xlsx(tmp_path / "kobo-export.xlsx", submissions=6, sites=sorted(sites), seed=3)
    page = context_for(world.imani).new_page()
    errors = page_errors(page)
    page.goto("/intake/")
    assert page.locator("#id_round option").first.inner_text() != "---------"
    with page.expect_download() as form_download:
        page.click("#xlsform-link")
    assert form_download.value.suggested_filename.endswith("-site-assessment.xlsx")
    page.set_input_files("#id_file", str(export))
    page.click("#import-form button[type=submit]")
    page.wait_for_url("**/intake/runs/*/")
    page.wait_for_selector("#progress[data-finished='1']", state="attached")
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.DONE, run.error
    assert run.new + run.updated + run.unchanged + run.rejected + run.held == 6
    shoot(page, "import-progress-1280")

    page.goto("/reports/")
    page.click("a[href='/reports/weekly/2/']")
    page.wait_for_url("**/reports/weekly/2/")
    with page.expect_download() as report_download:
        page.click("a[href*='/reports/weekly/2/download/xlsx/']")
    path = Path(report_download.value.path())
    assert path.read_bytes()[:2] == b"PK"
    assert report_download.value.suggested_filename.endswith(".xlsx")
    assert errors == []


def test_a_viewer_switches_to_french_and_every_page_follows(world, context_for) -> None:
    page = context_for(world.victor).new_page()
    errors = page_errors(page)
    page.goto("/sites/map/")
    page.wait_for_selector("#map[data-ready]", state="attached")
    page.click("button[name=language][value=fr]")
    page.wait_for_url("**/sites/map/")
    page.wait_for_selector("#map[data-ready]", state="attached")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.inner_text("h1") == "Carte des sites"
    assert page.inner_text("#map-status").startswith("Sites ouverts affichés : 2 (2 en tout)")
    page.goto("/")
    assert page.locator(".mainnav a[href='/']").inner_text() == "Accueil"
    assert page.locator(".mainnav a[href='/assessments/']").inner_text() == "Cycles"
    shoot(page, "home-viewer-fr-1280")
    page.goto("/intake/")
    assert "Votre rôle ne donne pas accès à cette page" in page.inner_text("h1")
    assert errors == [] or all("403" in e for e in errors)
