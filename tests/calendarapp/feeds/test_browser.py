"""The Subscribe and import pages in a real browser, with screenshots in tests/artifacts/."""

from __future__ import annotations

from urllib.parse import urlencode

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


def test_a_second_feed_leaves_the_first_working(admin_page, live_server, settings):
    settings.SITE_URL = live_server.url
    page = admin_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    alice = User.objects.get(username="alice")
    acme = factories.customer("Acme A/S", "DK", owner=alice)
    factories.customer("Brauerei GmbH", "DE", subdivision="BY", owner=alice)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/feeds/")
    page.screenshot(path=ARTIFACTS / "feeds-subscribe-before.png", full_page=True)
    page.get_by_label("Feed", exact=True).select_option(label="Acme A/S")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the feed address").click()
    first = page.get_by_label("Address of the feed Acme A/S").input_value()
    assert first.startswith(f"{live_server.url}/feeds/") and first.endswith(
        f"/customers/{acme.pk}.ics"
    )
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == first

    # Later: the plans only, for Outlook; the first address keeps working.
    page.get_by_label("Feed", exact=True).select_option(label="My plans")
    page.get_by_label("Our event").check()
    page.get_by_label("Our webinar").check()
    page.get_by_label("Name").fill("Outlook at work")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the feed address").click()
    second = page.get_by_label("Address of the feed Outlook at work").input_value()
    assert second.endswith("/plans-mine.ics")
    webcal = page.get_by_role("link", name="Open in calendar app").get_attribute("href")
    assert webcal == "webcal://" + second.split("://", 1)[1]
    google = page.get_by_role("link", name="Add to Google Calendar").get_attribute("href")
    assert google.startswith("https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F")
    outlook = page.get_by_role("link", name="Add to Outlook").get_attribute("href")
    assert outlook == "https://outlook.live.com/calendar/0/addfromweb?" + urlencode(
        {"url": second, "name": "Outlook at work"}
    )
    page.screenshot(path=ARTIFACTS / "feeds-subscribe.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=ARTIFACTS / "feeds-subscribe-new-phone.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 1000})

    feed = page.request.get(first)
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "SUMMARY:Acme A/S: Budget closes" in feed.text()
    assert page.request.get(second).status == 200

    page.reload()  # the address was shown once; the list says what each feed is
    assert first not in page.content() and second not in page.content()
    rows = page.locator("table.feed-subscriptions tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("only Our event, Our webinar")
    expect(rows.nth(1)).to_contain_text("last fetched", ignore_case=True)
    assert "never" not in rows.nth(1).inner_text()  # fetched just now
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=ARTIFACTS / "feeds-subscribe-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Revoking the first asks, then leaves the second working.
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke Acme A/S").click()
    expect(page.locator(".messages")).to_contain_text("Revoked “Acme A/S”")
    assert page.request.get(first).status == 410
    assert page.request.get(second).status == 200
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.screenshot(path=ARTIFACTS / "feeds-subscribe-revoked.png", full_page=True)
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
    expect(page.get_by_label("Feed", exact=True)).to_have_value(f"customer:{acme.pk}")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the feed address").click()
    page.screenshot(path=ARTIFACTS / "feeds-subscribe-customer.png", full_page=True)
    url = page.get_by_label("Address of the feed Acme A/S").input_value()
    assert url.endswith(f"/customers/{acme.pk}.ics")
    assert page.request.get(url).status == 200
    assert page.problems == [] and page.foreign_requests == []
