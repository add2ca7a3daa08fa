"""htmx where it spares a page load: the site list's filters, the round board's states and
an import's progress update the page in place (the same page object stays: a mark set on
`window` survives), the address follows the filters, and the pages still work without
JavaScript."""

from __future__ import annotations

from sitetrack.web.tests.browser.conftest import PHONE, SERVER_LOCK, page_errors
from sitetrack.web.tests.browser.test_journeys_browser import weekly_world

MARK = "() => { window.__stMark = 'kept'; }"
KEPT = "() => window.__stMark === 'kept'"


def test_the_site_list_filters_as_they_change_without_a_page_load(world, context_for) -> None:
    from sitetrack.sites.models import SiteStatus
    from sitetrack.sites.services import site_change_status

    site_change_status(
        site=world.boy_rabe, status=SiteStatus.CLOSED, user=world.imani, date="2014-03-01", reason="Moved"
    )
    page = context_for(world.imani).new_page()
    errors = page_errors(page)
    page.goto("/sites/")
    assert page.locator("#results tbody tr").count() > 1
    page.evaluate(MARK)
    page.select_option("#f-status", "closed")
    page.wait_for_url("**/sites/?*status=closed*")
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length === 1")
    assert world.boy_rabe.code in page.inner_text("#results tbody")
    page.fill("#f-q", "zzz-no-such-site")
    page.wait_for_selector("#results td.muted")
    assert page.evaluate(KEPT)
    # The address holds the filters: opened afresh, it shows the same list.
    page.goto(page.url)
    assert page.locator("#results td.muted").count() == 1
    assert errors == []


def test_without_javascript_the_filters_still_work(world, context_for, browser, live_server) -> None:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(world.imani)
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    try:
        page = context.new_page()
        page.goto("/sites/")
        page.fill("#f-q", world.mpoko.code)
        page.click("form.filters button[type=submit]")
        page.wait_for_url(f"**/sites/?*q={world.mpoko.code}*")
        assert page.locator("#results tbody tr").count() == 1
    finally:
        context.close()


def test_the_round_board_shows_a_state_in_place(world, context_for) -> None:
    weekly_world(world)
    page = context_for(world.imani, viewport=PHONE).new_page()
    errors = page_errors(page)
    page.goto(f"/assessments/rounds/{world.round2.pk}/")
    page.evaluate(MARK)
    page.click(".board-states a[data-state='validated']")
    page.wait_for_url("**/?state=validated")
    page.wait_for_selector(".board-states a[data-state='validated'][aria-current='true']")
    states = page.eval_on_selector_all(
        "#board-live tbody tr[data-state]", "rows => rows.map(r => r.dataset.state)"
    )
    assert states and set(states) == {"validated"}
    assert page.evaluate(KEPT)
    assert errors == []


def test_an_import_s_progress_updates_in_place_until_it_is_done(world, context_for) -> None:
    from django.utils import timezone

    from sitetrack.intake.models import ImportRun, ImportStatus

    weekly_world(world)
    run = ImportRun.objects.create(
        operation=world.operation,
        round=world.round2,
        form="site-assessment",
        file_name="export.xlsx",
        status=ImportStatus.SAVING,
        total=10,
        processed=4,
        created_by=world.imani,
        started_at=timezone.now(),
    )
    page = context_for(world.imani).new_page()
    errors = page_errors(page)
    page.goto(f"/intake/runs/{run.pk}/")
    assert page.get_attribute("#progress", "data-finished") == "0"
    assert page.inner_text("#run-count") == "4 / 10"
    page.evaluate(MARK)
    # The page polls while the test writes: on SQLite both share one connection (SERVER_LOCK).
    with SERVER_LOCK:
        ImportRun.objects.filter(pk=run.pk).update(processed=8)
    page.wait_for_function("() => document.getElementById('run-count').textContent.trim() === '8 / 10'")
    with SERVER_LOCK:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.DONE, processed=10, new=7, updated=3, finished_at=timezone.now()
        )
    page.wait_for_selector("#progress[data-finished='1']", state="attached")
    assert page.inner_text("#summary [data-key='new']") == "7"
    assert page.evaluate(KEPT)
    assert page.get_attribute("#run-live", "hx-trigger") is None
    assert errors == []
