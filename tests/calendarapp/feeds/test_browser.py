"""The Subscribe and import pages in a real browser, with screenshots in tests/artifacts/."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests import factories
from tests.calendarapp.imports.support import PICNIC, SUMMIT, ics
from tests.support import ARTIFACTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_subscribe_page_creates_addresses_that_copy_and_work(admin_page, live_server, settings):
    settings.SITE_URL = live_server.url
    page = admin_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    alice = User.objects.get(username="alice")
    acme = factories.customer("Acme A/S", "DK", owner=alice)
    factories.customer("Brauerei GmbH", "DE", subdivision="BY", owner=alice)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/feeds/")
    page.screenshot(path=ARTIFACTS / "feeds-subscribe-before.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Create my feed addresses").click()
    page.screenshot(path=ARTIFACTS / "feeds-subscribe.png", full_page=True)

    field = page.get_by_label("Address of the feed Acme A/S")
    url = field.input_value()
    assert url.startswith(f"{live_server.url}/feeds/") and url.endswith(f"/customers/{acme.pk}.ics")
    row = page.locator("tr", has=field)
    row.get_by_role("button", name="Copy").click()
    expect(row.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    webcal = row.get_by_role("link", name="Open in calendar app").get_attribute("href")
    assert webcal == "webcal://" + url.split("://", 1)[1]

    feed = page.request.get(url)
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "SUMMARY:Acme A/S: Budget closes" in feed.text()

    page.reload()
    assert "cannot be shown again" in page.content()
    assert url not in page.content()
    assert page.problems == [] and page.foreign_requests == []


def test_import_page_uploads_a_file_and_shows_errors_on_the_field(
    admin_page,
    live_server,
    tmp_path,
):
    page = admin_page
    factories.customer("Acme A/S", "DK")
    good = tmp_path / "acme.ics"
    good.write_bytes(ics(SUMMIT, PICNIC))
    bad = tmp_path / "broken.ics"
    bad.write_bytes(b"this is not a calendar")
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/feeds/import/")
    page.fill("input[name=name]", "Acme events")
    page.get_by_label("Vacation").check()
    page.select_option("select[name=customer]", label="Acme A/S")
    page.set_input_files("input[name=file]", str(bad))
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    page.screenshot(path=ARTIFACTS / "feeds-import-error.png", full_page=True)
    assert (
        page.get_by_role("alert")
        .first.inner_text()
        .startswith("The file is not a valid iCalendar file")
    )

    page.set_input_files("input[name=file]", str(good))
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    page.screenshot(path=ARTIFACTS / "feeds-import.png", full_page=True)
    assert "Imported “Acme events”: 2 added" in page.content()
    assert page.locator("table.list tbody tr").first.inner_text().startswith("Acme events")
    assert page.problems == [] and page.foreign_requests == []

    # Removing asks first; dismissing keeps the source, accepting removes it.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("button", name="Remove")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Remove").click()
    assert "Removed “Acme events” and its events." in page.content()
    assert "No imported calendars yet." in page.content()


def test_customer_page_leads_to_its_feed(admin_page, live_server, settings):
    settings.SITE_URL = live_server.url
    page = admin_page
    acme = factories.customer("Acme A/S", "DK")
    page.goto(f"{live_server.url}/customers/{acme.pk}")
    feed_block = page.locator("section", has=page.get_by_role("heading", name="Calendar feed"))
    feed_block.screenshot(path=ARTIFACTS / "feeds-customer-block.png")
    with page.expect_navigation():
        feed_block.get_by_role("link", name="Get the feed address").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Create my feed addresses").click()
    page.screenshot(path=ARTIFACTS / "feeds-subscribe-customer.png", full_page=True)
    first = page.locator("section.card").nth(1)
    assert first.get_by_role("heading").inner_text() == "This customer"
    url = first.get_by_label("Address of the feed Acme A/S").input_value()
    assert url.endswith(f"/customers/{acme.pk}.ics")
    assert page.request.get(url).status == 200
    assert page.problems == [] and page.foreign_requests == []
