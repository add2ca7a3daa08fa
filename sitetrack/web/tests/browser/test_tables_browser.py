"""List tables in Chromium: a header sorts its column (numbers as numbers, both ways, with
aria-sort), and "Download what is shown" writes the rows on the screen, in their order, as
CSV and as XLSX that a spreadsheet opens with numbers as numbers; on a phone the table
scrolls in its own frame, its first column in view, never the page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from sitetrack.web.tests.browser.conftest import PHONE, page_errors


def capacities(page) -> list[str]:
    return page.eval_on_selector_all(
        "#results tbody tr", "rows => rows.map(r => r.cells[5].textContent.trim())"
    )


def test_a_list_sorts_by_a_column_and_downloads_what_is_shown(world, context_for) -> None:
    from sitetrack.sites.models import Site

    Site.objects.filter(pk=world.mpoko.pk).update(capacity=1250)
    Site.objects.filter(pk=world.boy_rabe.pk).update(capacity=300)
    page = context_for(world.imani).new_page()
    errors = page_errors(page)
    page.goto("/sites/")
    header = page.locator("#results thead th").nth(5)
    header.locator("button.sortbtn").click()
    assert header.get_attribute("aria-sort") == "ascending"
    shown = capacities(page)
    numbers = [int(v.replace(",", "")) for v in shown if v]
    assert numbers == sorted(numbers) and "300" in shown and "1,250" in shown
    header.locator("button.sortbtn").click()
    assert header.get_attribute("aria-sort") == "descending"
    shown = capacities(page)
    assert [int(v.replace(",", "")) for v in shown if v] == sorted(numbers, reverse=True)
    codes = page.eval_on_selector_all(
        "#results tbody tr", "rows => rows.map(r => r.cells[0].textContent.trim())"
    )

    with page.expect_download() as got:
        page.click(".tabletools [data-export=csv]")
    assert got.value.suggested_filename == "sites.csv"
    rows = list(csv.reader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Code", "Name", "Type", "Admin area", "Status", "Capacity"]
    assert [r[0] for r in rows[1:]] == codes
    assert [r[5] for r in rows[1:]] == shown

    with page.expect_download() as got:
        page.click(".tabletools [data-export=xlsx]")
    assert got.value.suggested_filename == "sites.xlsx"
    sheet = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes())).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Code" and [r[0] for r in values[1:]] == codes
    assert values[1][5] == 1250 and isinstance(values[1][5], int | float)
    assert errors == []


def test_on_a_phone_a_wide_table_scrolls_in_its_frame_with_its_first_column_in_view(
    world, context_for
) -> None:
    page = context_for(world.imani, viewport=PHONE).new_page()
    page.goto("/sites/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    frame = page.locator("#results .tablewrap")
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")
    first = page.locator("#results tbody tr td").first
    before = first.bounding_box()["x"]
    frame.evaluate("f => { f.scrollLeft = 200; }")
    assert abs(first.bounding_box()["x"] - before) < 1
    assert first.evaluate("td => getComputedStyle(td).position") == "sticky"
