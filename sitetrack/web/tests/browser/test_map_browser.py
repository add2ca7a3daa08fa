"""The sites map in Chromium: names from COD files and the API are shown as text, never run."""

from __future__ import annotations

from sitetrack.web.tests.browser.conftest import page_errors

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
    page.wait_for_selector(".st-area", state="attached")
    page.locator("path.st-area").first.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert HOSTILE in tooltip.inner_text()
    assert page.locator(".leaflet-tooltip img").count() == 0
    page.locator("path.st-site").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert HOSTILE in popup.inner_text()
    assert page.locator(".leaflet-popup-content img").count() == 0
    assert page.evaluate("() => window.__xss") is None
    assert errors == []


def test_the_site_page_draws_its_map_without_an_inline_script(world, context_for) -> None:
    page = context_for(world.imani).new_page()
    errors = page_errors(page)
    page.goto(f"/sites/{world.mpoko.code}/")
    page.wait_for_selector("#sitemap path.st-site", state="attached")
    assert page.locator("script:not([src]):not([type='application/json'])").count() == 0
    assert errors == []


def add_city(world) -> None:
    """Boundaries for Bangui and two arrondissements, and three sites with GPS points."""
    from sitetrack.geo.spatial import bbox_polygon
    from sitetrack.sites.models import Site, SiteType

    for area, box in [
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


def test_the_map_draws_our_boundaries_and_the_sites_with_no_internet(world, context_for, settings) -> None:
    settings.MAP_TILES_URL = ""
    add_city(world)
    page = context_for().new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto("/accounts/login/?next=/sites/map/")
    page.fill("#id_username", "imani")
    page.fill("#id_password", world.password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/sites/map/")
    page.wait_for_selector("#map[data-sites]")
    assert page.locator("path.st-area").count() == 3
    assert page.locator("path.st-site").count() == 3
    # Sized by capacity: M'Poko's circle (drawn first: largest first) is the largest.
    radii = page.eval_on_selector_all("path.st-site", "els => els.map(e => e.getBoundingClientRect().width)")
    assert radii[0] == max(radii)
    assert max(radii) > 3 * min(radii)
    assert "3" in page.inner_text("#map-status")
    page.locator("path.st-site").first.click(force=True)
    link = page.locator(".leaflet-popup-content a")
    link.wait_for()
    assert link.get_attribute("href").startswith("/sites/CF7")
    assert failed == []
