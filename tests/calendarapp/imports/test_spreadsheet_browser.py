"""The Import page's spreadsheet part in a real browser, with screenshots in tests/artifacts/."""

from __future__ import annotations

import pytest

from calendarapp.imports import spreadsheet
from customers.models import Customer
from tests import factories
from tests.support import ARTIFACTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BAD = (
    "name;country;budget_close_month;owner\n"
    "Dansk Retail;DK;6;\n"
    "Nordlys Energi;NO;13;\n"
    "Bayern Bau GmbH;Germany;3;\n"
    "Dansk Retail;DK;6;\n"
    "Svea Logistik;SE;12;nobody\n"
)
GOOD = "name;country;budget_close_month;notes\nDansk Retail;DK;6;Tuesdays\nNordlys Energi;NO;12;\n"


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=ARTIFACTS / f"{name}-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 1000})


def preview(page, path) -> None:
    page.set_input_files("input[name='sheet-file']", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()


def test_a_spreadsheet_is_previewed_with_its_problems_then_imported(
    admin_page, live_server, tmp_path
):
    page = admin_page
    factories.customer("Dansk Retail", "DK")
    bad = tmp_path / "customers.csv"
    bad.write_text(BAD, encoding="utf-8")
    good = tmp_path / "fixed.csv"
    good.write_text(GOOD, encoding="utf-8")

    page.goto(f"{live_server.url}/feeds/import/")
    preview(page, bad)
    shoot(page, "import-spreadsheet-errors")
    assert "4 problems: nothing was imported." in page.content()
    rows = page.locator("#preview table tbody tr").all_inner_texts()
    assert rows[0].split("\t")[:3] == ["customers", "3", "budget_close_month"]
    assert "did you mean DE?" in rows[1] and "duplicate of line 2" in rows[2]
    assert page.get_by_role("link", name="Download the problems (.csv)").is_visible()

    preview(page, good)
    shoot(page, "import-spreadsheet-preview")
    assert "Would import customers: 1 created, 1 updated." in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Import 2 rows").click()
    assert "fixed.csv: Imported customers: 1 created, 1 updated." in page.content()
    assert Customer.objects.get(name="Dansk Retail").notes == "Tuesdays"
    assert page.problems == [] and page.foreign_requests == []


def test_a_large_files_preview_is_prepared_in_the_background_and_shows_by_itself(
    admin_page, live_server, tmp_path, monkeypatch
):
    page = admin_page
    monkeypatch.setattr(spreadsheet, "PREVIEW_IN_REQUEST_BYTES", 20)
    queued: list[str] = []
    monkeypatch.setattr("calendarapp.imports.views.preview_spreadsheet.delay", queued.append)
    big = tmp_path / "big.csv"
    big.write_text(GOOD, encoding="utf-8")

    page.goto(f"{live_server.url}/feeds/import/")
    preview(page, big)
    assert "Preparing the preview of big.csv:" in page.content()
    shoot(page, "import-spreadsheet-preparing")

    # The worker finishes it; the page, polling, reloads itself with the preview.
    spreadsheet.job_preview(queued[0])
    page.get_by_role("button", name="Import 2 rows").wait_for(timeout=10_000)
    assert "Would import customers: 2 created, 0 updated." in page.content()
    assert page.problems == [] and page.foreign_requests == []
