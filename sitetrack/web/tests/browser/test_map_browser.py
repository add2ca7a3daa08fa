"""The sites map in Chromium: names from COD files and the API are shown as text, never run."""

from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from sitetrack.web.tests.browser.conftest import page_errors, shoot

HOSTILE = '<img src=x onerror="window.__xss=1">'
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[18.50, 4.35], [18.58, 4.35], [18.58, 4.45], [18.50, 4.45], [18.50, 4.35]]],
}


def test_area_and_site_names_are_shown_as_text_and_never_run(world, context_for) -> None:
    world.bangui.name_en = HOSTILE
    world.bangui.boundary = SQUARE
    world.bangui.save()
    world.mpoko.name = HOSTILE
    world.mpoko.save()
    page = context_for(world.imani).new_page()
    errors = page_errors(page)
    page.goto("/sites/map/")
    page.wait_for_selector("#map[data-ready]", state="attached")
    tooltip = page.locator(".leaflet-tooltip.st-label-1")
    assert HOSTILE in tooltip.inner_text()
    assert page.locator(".leaflet-tooltip img").count() == 0
    page.locator(f".st-site[data-code='{world.mpoko.code}']").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert HOSTILE in popup.inner_text()
    assert page.locator(".leaflet-popup-content img").count() == 0
    assert page.locator("#map-table img").count() == 0
    assert page.evaluate("() => window.__xss") is None
    assert errors == []


def test_the_site_page_draws_its_map_without_an_inline_script(world, context_for) -> None:
    page = context_for(world.imani).new_page()
    errors = page_errors(page)
    page.goto(f"/sites/{world.mpoko.code}/")
    page.wait_for_selector("#sitemap .st-site", state="attached")
    assert page.locator("script:not([src]):not([type='application/json'])").count() == 0
    assert errors == []


def add_city(world) -> None:
    """Boundaries for the country, Bangui and two arrondissements, and a third site."""
    from sitetrack.geo.spatial import bbox_polygon
    from sitetrack.sites.models import Site, SiteType

    for area, box in [
        (world.car, (14.4, 2.2, 27.5, 11.1)),
        (world.bangui, (18.49, 4.33, 18.64, 4.46)),
        (world.arr1, (18.56, 4.34, 18.62, 4.39)),
        (world.arr3, (18.50, 4.36, 18.56, 4.42)),
    ]:
        area.boundary = bbox_polygon(*box)
        area.save()
    Site.objects.create(
        operation=world.operation,
        code="CF7131-S002",
        name="Padre Pio",
        admin_area=world.arr3_3,
        latitude=4.38,
        longitude=18.54,
        capacity=5000,
        site_type=SiteType.COLLECTIVE_CENTRE,
    )


def sites_drawn(page) -> int:
    """Sites on the map: single markers plus the counts inside cluster icons."""
    singles = page.locator(".leaflet-marker-icon .st-site").count()
    clusters = page.eval_on_selector_all(
        ".marker-cluster span", "els => els.reduce((n, e) => n + parseInt(e.textContent, 10), 0)"
    )
    return singles + clusters


def test_the_map_draws_our_boundaries_and_the_sites_with_no_internet(world, context_for, settings) -> None:
    from sitetrack.sites.services import site_change_status

    settings.MAP_TILES_URL = ""
    add_city(world)
    site_change_status(site=world.boy_rabe, user=None, status="closed", date="2014-03-01")
    page = context_for().new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    errors = page_errors(page)
    page.goto("/accounts/login/?next=/sites/map/")
    page.fill("#id_username", "imani")
    page.fill("#id_password", world.password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/sites/map/")
    page.wait_for_selector("#map[data-ready]", state="attached")
    assert page.locator("path.st-area").count() == 3
    page.wait_for_selector("path.st-backdrop", state="attached")
    shoot(page, "map-test-1280")
    # Closed sites are hidden until asked for, and the count says so.
    assert page.inner_text("#map-status") == "Open sites shown: 2 (3 in all)"
    assert sites_drawn(page) == 2
    assert page.locator("#map-table tbody tr").count() == 2
    page.check("#show-closed")
    assert page.inner_text("#map-status") == "Sites shown: 3, of which 2 open (3 in all)"
    assert sites_drawn(page) == 3
    # Zoom to the 3rd arrondissement: its two sites are drawn apart, the closed one hollow.
    page.select_option("#zoom-area", "CF713")
    page.wait_for_selector(f".st-site.st-closed[data-code='{world.boy_rabe.code}']")
    closed = page.locator(f".st-site[data-code='{world.boy_rabe.code}']")
    assert closed.evaluate("e => getComputedStyle(e).borderStyle") == "dashed"
    link = page.locator(".leaflet-popup-content a")
    # The zoom animates, and the cluster layer redraws its markers when it ends: a click
    # during the animation can land on a marker about to be replaced (a loaded machine
    # took longer than the first click). Click again until the popup opens.
    for _attempt in range(10):
        page.locator(".st-site[data-code='CF7131-S002']").click()
        try:
            link.wait_for(timeout=3_000)
            break
        except PlaywrightTimeoutError:
            continue
    link.wait_for()
    assert link.get_attribute("href") == "/sites/CF7131-S002/"
    assert "5,000" in page.inner_text(".leaflet-popup-content")
    assert failed == []
    assert errors == []
