"""The batch of a round's site profiles in the page (profiles/static/profiles/batch.js): an
IMO starts it, the row shows the batch queued, then its progress as a worker renders the
sites one by one, then done with the download link; on a laptop and on a phone.

The test plays the task worker itself: the page's POST only queues the batch (a task
backend that runs nothing), then a thread of the test runs it as the worker would, slowed
to a few seconds per site so that the page's polling sees it half done."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from unittest import mock

import pytest

from sitetrack.web.tests.browser.conftest import LAPTOP, PHONE, page_errors

SECONDS_PER_SITE = 3.0


def _run_as_worker(batch_id: int, failures: list) -> threading.Thread:
    """profile_batch_run in a thread, on the test's database connection when the live
    server shares it (in-memory SQLite), else on the thread's own."""
    from django.db import connections

    shared = connections["default"] if connections["default"].vendor == "sqlite" else None

    def work() -> None:
        from sitetrack.profiles.models import ProfileBatch
        from sitetrack.profiles.services import profile_batch_run

        if shared is not None:
            connections["default"] = shared
        try:
            profile_batch_run(batch=ProfileBatch.objects.select_related("round__operation").get(pk=batch_id))
        except Exception as exc:  # noqa: BLE001 — reported by the test
            failures.append(exc)
        finally:
            if shared is None:
                connections["default"].close()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280px", "360px"])
def test_a_batch_shows_its_progress_until_done_and_its_download(
    world, context_for, settings, viewport
) -> None:
    from sitetrack.profiles import batch as batch_module
    from sitetrack.profiles.models import BatchStatus, ProfileBatch
    from sitetrack.profiles.tests.fixtures import build_profile_fixture

    build_profile_fixture(world)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    # One process: the test's thread renders (no fork from a process running a server).
    settings.SITETRACK_PROFILE_WORKERS = 1
    page = context_for(world.imani, viewport=viewport).new_page()
    errors = page_errors(page)
    page.goto("/profiles/round/3/")
    page.get_by_role("button", name="Generate in English").click()
    row = page.locator("tr.batch").first
    row.wait_for()
    batch = ProfileBatch.objects.get()
    assert (batch.status, batch.language) == (BatchStatus.QUEUED, "en")
    assert row.get_attribute("data-finished") == "0"
    assert row.locator(".b-status").inner_text() == "Queued"

    original = batch_module.render_profile_pdf

    def slow_render(profile):
        time.sleep(SECONDS_PER_SITE)
        return original(profile)

    failures: list = []
    with (
        mock.patch.object(batch_module, "render_profile_pdf", side_effect=slow_render),
        mock.patch("sitetrack.profiles.services.PROGRESS_EVERY_S", 0),
    ):
        worker = _run_as_worker(batch.pk, failures)
        # Half done: the first of the two sites rendered, seen by the page's polling.
        page.wait_for_function(
            "() => document.querySelector('tr.batch .b-count').textContent.trim() === '1 / 2'",
            timeout=60_000,
        )
        assert row.locator(".b-status").inner_text() == "Running"
        assert row.locator(".b-progress").evaluate("p => p.value") == 50
        # Done: the page reloads itself for the translated download link.
        link = page.locator("tr.batch .b-download a")
        link.wait_for(timeout=90_000)
        worker.join(timeout=60)
    assert failures == []
    assert link.inner_text() == "Download ZIP"
    row = page.locator("tr.batch").first
    assert row.get_attribute("data-finished") == "1"
    assert row.locator(".b-status").inner_text() == "Done"
    assert row.locator(".b-count").inner_text() == "2 / 2"
    assert row.locator(".b-progress").evaluate("p => p.value") == 100
    box = link.bounding_box()
    assert box is not None and box["width"] > 0
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]

    answer = page.context.request.get(link.get_attribute("href"))
    assert answer.status == 200
    names = zipfile.ZipFile(io.BytesIO(answer.body())).namelist()
    assert "site-profiles-round-3-en.pdf" in names
    assert sorted(n for n in names if n.startswith("site-profile-")) == [
        "site-profile-CF7111-S001-round-3-en.pdf",
        "site-profile-CF7131-S001-round-3-en.pdf",
    ]
    assert errors == []
