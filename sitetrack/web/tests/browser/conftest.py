"""Browser tests: Playwright on the system's Chromium against pytest-django's live server.

They are marked `browser` (select them with `-m browser`, skip them with `-m "not browser"`)
and run in `make test`. Screenshots go to var/screenshots/ (git-ignored), a test artefact
to look at after the run.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; Django's database calls made by
# the test itself (fixtures, assertions) are still synchronous, so allow them here only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


def chromium_path() -> str | None:
    for candidate in (os.getenv("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def screenshot_dir() -> Path:
    folder = Path(os.getenv("SITETRACK_SCREENSHOTS", str(Path(settings.BASE_DIR) / "var" / "screenshots")))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def axe_script() -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        pytest.fail("Chromium is missing: run `make system-deps` (installs Debian's chromium).")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# The live server on an in-memory SQLite database shares the test's one connection with
# every request thread (pytest-django passes it to the server). Chromium sends a page's
# requests in parallel (the map's sites, country and admin-1 backdrop at once), and one
# sqlite3 connection used by several threads at a time is not safe: a rollback or commit in
# one thread resets the statements another is reading, whose query then finds nothing (the
# backdrop's "no admin area CF", a session not found and "Bad Request"). So on a shared
# connection the server handles one request at a time, the test's own queries wait for the
# request being handled, and a test that writes while a page is polling may hold the same
# lock around its writes (`SERVER_LOCK`). On PostgreSQL each thread has its own connection
# and requests run in parallel as in production.
SERVER_LOCK = threading.RLock()


def _one_at_a_time(execute, sql, params, many, context):
    with SERVER_LOCK:
        return execute(sql, params, many, context)


def _serial_server_class():
    from django.test.testcases import ThreadedWSGIServer

    class SerialWSGIServer(ThreadedWSGIServer):
        def set_app(self, application):
            def serial(environ, start_response):
                with SERVER_LOCK:
                    result = application(environ, start_response)
                    try:
                        return list(result)
                    finally:
                        if hasattr(result, "close"):
                            result.close()

            super().set_app(serial)

    return SerialWSGIServer


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest):
    """pytest-django's live server, handling one request at a time when it shares the
    test's in-memory SQLite connection (see SERVER_LOCK)."""
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    )
    server = LiveServer(addr, start=False)
    shared = list(server.thread.connections_override.values())
    if shared:
        server.thread.server_class = _serial_server_class()
        for connection in shared:
            connection.execute_wrappers.append(_one_at_a_time)
    server.start()
    yield server
    server.stop()
    for connection in shared:
        connection.execute_wrappers.remove(_one_at_a_time)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: a Playwright test in Chromium against the live server")


class World:
    """BaseCase's people and sites, built for a live-server test (transactional database)."""

    password = "a-long-demo-password"

    def __init__(self) -> None:
        from sitetrack.core.testing import BaseCase

        class _Data(BaseCase):
            pass

        _Data.setUpTestData()
        for name in ("operation", "car", "bangui", "arr1", "arr3", "arr1_3", "arr3_3", "ombella", "bimbo"):
            setattr(self, name, getattr(_Data, name))
        for name in ("ada", "imani", "fatou", "paul", "victor", "olga", "mpoko", "boy_rabe", "ngo"):
            setattr(self, name, getattr(_Data, name))


@pytest.fixture
def world(transactional_db) -> World:
    return World()


@pytest.fixture
def context_for(browser, live_server):
    """`context_for(user, viewport=PHONE)`: a browser context logged in as `user` (a session
    cookie made by Django's test client, so most tests skip the login form)."""
    from django.test import Client

    made = []

    def make(user=None, *, viewport: dict | None = None, locale: str = "en-GB"):
        context = browser.new_context(viewport=viewport or LAPTOP, locale=locale, base_url=live_server.url)
        # Generous: a loaded CI machine (two workers, PostgreSQL) took over 10 s to draw the
        # map once; a passing wait returns as soon as its element is there.
        context.set_default_timeout(30_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
            )
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    # A request a closed page had sent may still be running in the server: let it finish
    # before the database is emptied for the next test.
    with SERVER_LOCK:
        pass


def page_errors(page) -> list[str]:
    """Collects uncaught script errors and console errors of `page` into the returned list."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Failed requests are reported by the response listener below, with their address (the
    # console says only "status of 400"), so the console's copy of them is left out.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if _counts(r) else None)
    return errors


def _counts(response) -> bool:
    return response.status >= 400


def run_axe(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    # Evaluated through the browser's debugging protocol, which the page's CSP does not
    # govern; a script tag would be refused (script-src 'self', no inline scripts).
    page.evaluate(axe_script().read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def shoot(page, name: str) -> Path:
    path = screenshot_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
