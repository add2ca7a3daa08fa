"""The layout in Chromium: the phone header stays small and its menu opens on demand."""

from __future__ import annotations

from sitetrack.web.tests.browser.conftest import PHONE, page_errors, shoot


def test_on_a_phone_the_header_is_one_line_and_the_menu_opens_on_demand(world, context_for) -> None:
    page = context_for(world.imani, viewport=PHONE).new_page()
    errors = page_errors(page)
    page.goto("/")
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] < 0.15 * PHONE["height"]
    assert not page.locator(".mainnav").is_visible()
    page.click(".menubtn")
    assert page.locator(".mainnav a[href='/sites/']").is_visible()
    assert page.get_attribute(".menubtn", "aria-expanded") == "true"
    shoot(page, "menu-open-360")
    assert errors == []


def test_a_forbidden_page_keeps_the_layout_and_a_way_back(world, context_for) -> None:
    page = context_for(world.fatou).new_page()
    page.goto("/intake/")
    assert page.locator("header.topbar").is_visible()
    page.click("text=Back to the home page")
    page.wait_for_url("**/")
