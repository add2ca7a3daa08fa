"""A facilitator on a phone with a poor connection: the assessment form that fails to send
keeps what was typed (in the browser's localStorage), says so and sends it on Retry; a page
opened again offers to put back entries that were never sent."""

from __future__ import annotations

from sitetrack.web.tests.browser.conftest import PHONE, page_errors
from sitetrack.web.tests.browser.test_journeys_browser import fill_assessment, skip_flow_rows, weekly_world


def form_values() -> dict:
    from sitetrack.assessments.tests.fixtures import good_values

    values = {k: v for k, v in good_values().items() if not isinstance(v, dict)}
    return {**values, "arrivals": 0, "departures": 0}


def open_form(world, context_for):
    weekly_world(world)
    context = context_for(world.fatou, viewport=PHONE)
    page = context.new_page()
    url = f"/assessments/rounds/{world.round1.pk}/sites/{world.don_bosco.code}/"
    page.goto(url)
    return context, page, url


def drafts(page) -> list[str]:
    return page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('sitetrack:draft:'))")


def test_a_save_that_fails_offline_keeps_the_entries_and_sends_them_on_retry(world, context_for) -> None:
    from sitetrack.assessments.models import AssessmentStatus, SiteAssessment

    context, page, _ = open_form(world, context_for)
    errors = page_errors(page)
    values = form_values()
    fill_assessment(page, values)
    skip_flow_rows(page, [0, 1])
    context.set_offline(True)
    page.click("button[name=submit]")
    note = page.locator(".draft-note")
    note.locator("[data-action=retry]").wait_for()
    assert "No connection" in note.inner_text()
    # Nothing reached the server, nothing typed is lost.
    assert not SiteAssessment.objects.filter(site=world.don_bosco, round=world.round1).exists()
    assert page.input_value("[name='households']") == str(values["households"])
    assert len(drafts(page)) == 1

    page.click(".draft-note [data-action=retry]")
    page.wait_for_selector(".draft-note:has-text('Still no connection')")
    context.set_offline(False)
    page.click(".draft-note [data-action=retry]")
    page.wait_for_url("**/assessments/*/")
    saved = SiteAssessment.objects.get(site=world.don_bosco, round=world.round1)
    assert saved.status == AssessmentStatus.SUBMITTED
    assert saved.households == values["households"]
    # The page after the save is the server's, with its message; the draft is gone.
    assert page.locator(".messages").count() == 1
    assert page.evaluate("() => document.documentElement.classList.contains('js')")  # its scripts ran
    assert drafts(page) == []
    assert [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_entries_that_were_never_sent_are_offered_back_when_the_form_is_opened_again(
    world, context_for
) -> None:
    from sitetrack.assessments.models import AssessmentStatus, SiteAssessment

    context, page, url = open_form(world, context_for)
    values = form_values()

    def type_and_fail_offline() -> None:
        fill_assessment(page, values)
        skip_flow_rows(page, [0, 1])
        context.set_offline(True)
        page.click("button[name=submit]")
        page.locator(".draft-note [data-action=retry]").wait_for()
        context.set_offline(False)

    # Discarded entries are not offered again.
    type_and_fail_offline()
    page.goto(url)
    page.click(".draft-note [data-action=discard]")
    page.reload()
    assert page.locator(".draft-note").is_hidden()
    assert drafts(page) == []

    # Later, the facilitator opens the form again: it is blank, and offers the entries back.
    type_and_fail_offline()
    page.goto(url)
    assert page.input_value("[name='households']") == ""
    page.click(".draft-note [data-action=restore]")
    assert page.input_value("[name='households']") == str(values["households"])
    assert page.is_checked("[name='flows-0-DELETE']")
    page.click("button[name=submit]")
    page.wait_for_url("**/assessments/*/")
    saved = SiteAssessment.objects.get(site=world.don_bosco, round=world.round1)
    assert (saved.status, saved.households) == (AssessmentStatus.SUBMITTED, values["households"])
    assert drafts(page) == []
