"""Every main page in Chromium, at 360 and 1280 px: axe-core finds no serious or critical
violation, no script error, nothing wider than a phone's screen, and a screenshot of each
is saved for people to look at (var/screenshots/, with axe's findings in axe-report.json)."""

from __future__ import annotations

import json

from sitetrack.web.tests.browser.conftest import LAPTOP, PHONE, page_errors, run_axe, screenshot_dir, shoot
from sitetrack.web.tests.browser.test_journeys_browser import weekly_world


def an_import(world, tmp_path) -> int:
    """A finished import of a small field export, made through the import page."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from sitetrack.demo.fake_export import write_kobo_xlsx
    from sitetrack.intake.models import ImportRun

    sites = sorted(
        (s.code, s.admin_area.parent.parent.pcode, s.admin_area.parent.pcode)
        for s in (world.mpoko, world.boy_rabe, world.don_bosco)
    )
    path = write_kobo_xlsx(tmp_path / "export.xlsx", submissions=4, sites=sites, seed=5)
    client = Client()
    client.force_login(world.imani)
    client.post(
        "/intake/",
        {
            "file": SimpleUploadedFile("export.xlsx", path.read_bytes()),
            "round": world.round2.pk,
            "form": "site-assessment",
        },
    )
    return ImportRun.objects.latest("pk").pk


def test_the_main_pages_pass_axe_on_a_laptop(world, context_for, tmp_path) -> None:
    check_pages(world, context_for, tmp_path, LAPTOP)


def test_the_main_pages_pass_axe_and_fit_a_phone(world, context_for, tmp_path) -> None:
    check_pages(world, context_for, tmp_path, PHONE)


def check_pages(world, context_for, tmp_path, viewport: dict) -> None:
    """Every page of the list at this size: axe, no script error, nothing wider than the
    screen; a screenshot of the named ones."""
    from sitetrack.assessments.models import SiteAssessment

    weekly_world(world)
    run = an_import(world, tmp_path)
    r1, r2 = world.round1.pk, world.round2.pk
    assessment = SiteAssessment.objects.get(round=world.round2, site=world.mpoko).pk
    # (who, url, screenshot name or None, what to wait for)
    pages = [
        (world.imani, "/", "home-imo", None),
        (world.fatou, "/", "home-facilitator", None),
        (world.paul, "/", "home-partner", None),
        (world.victor, "/", "home-viewer", None),
        (world.ada, "/", "home-administrator", None),
        (world.imani, f"/sites/{world.mpoko.code}/", "site-page", "#sitemap .st-site"),
        (world.imani, "/sites/map/", "map", "#map[data-ready]"),
        (world.fatou, f"/assessments/rounds/{r1}/sites/{world.don_bosco.code}/", "assessment-form", None),
        (world.imani, f"/assessments/rounds/{r2}/", "round-board", None),
        (world.imani, f"/intake/runs/{run}/", "import-progress", "#progress[data-finished='1']"),
        (world.imani, "/reports/weekly/2/", "weekly-report", None),
        (world.imani, "/sites/", None, None),
        (world.imani, "/sites/new/", None, None),
        (world.imani, "/assessments/", None, None),
        (world.imani, f"/assessments/{assessment}/", None, None),
        (world.imani, "/assessments/catalogue/", None, None),
        (world.imani, "/intake/", None, None),
        (world.imani, "/reports/", None, None),
        (world.imani, "/search/?q=rabe", None, None),
        (world.fatou, "/intake/", None, None),
        (world.imani, "/intake/mappings/", None, None),
        (world.imani, "/intake/mappings/new/", None, None),
        (world.imani, "/intake/duplicates/", None, None),
        (world.imani, "/response/", None, None),
        (world.imani, "/response/gaps/", None, None),
        (world.imani, "/response/referrals/", None, None),
        (world.imani, "/reports/subscriptions/", None, None),
        (world.imani, "/accounts/tokens/", None, None),
        (None, "/accounts/login/", None, None),
    ]
    contexts = {}
    findings: dict[str, list] = {}
    too_wide: dict[str, int] = {}
    script_errors: dict[str, list] = {}
    for user, url, name, ready in pages:
        key = (user.username if user else "anonymous", viewport["width"])
        if key not in contexts:
            contexts[key] = context_for(user, viewport=viewport).new_page()
        page = contexts[key]
        errors = page_errors(page)
        page.goto(url)
        if ready:
            page.wait_for_selector(ready, state="attached")
        label = f"{key[0]} {url} @{viewport['width']}"
        violations = run_axe(page)
        if violations:
            findings[label] = violations
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > viewport["width"]:
            too_wide[label] = width
        if name:
            shoot(page, f"{name}-{viewport['width']}")
        real = [e for e in errors if "403" not in e]
        if real:
            script_errors[label] = real
    report = screenshot_dir() / f"axe-report-{viewport['width']}.json"
    report.write_text(json.dumps(findings, indent=2), encoding="utf-8")
    assert findings == {}, json.dumps(findings, indent=2)
    assert too_wide == {}
    assert script_errors == {}
