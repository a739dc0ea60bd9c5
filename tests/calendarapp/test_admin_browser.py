"""The admin's recurrence widget works in a real browser, served without any CDN."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections

from calendarapp.roles import CALENDAR_ADMINS
from tests.calendarapp.test_admin import retailer_with_contract_and_rush
from tests.conftest import make_user, skip_or_fail

# Playwright's sync API runs an event loop; Django must allow its ORM calls in this thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PASSWORD = "pw-for-tests-only"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser_page():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.problems = []
        page.on("console", lambda message: record_console_error(page, message))
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        # Anything not served by the app itself (a CDN) is a problem: offline sites must work.
        page.foreign_requests = []
        yield page
        browser.close()
        # While Playwright's loop runs, Django keeps the ORM connections this test opened
        # apart from pytest-django's; close them, or the test database cannot be dropped.
        connections.close_all()


def record_console_error(page, message) -> None:
    # Browsers ask for /favicon.ico on their own; the admin pages do not link one.
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        page.problems.append(message.text)


def log_in(page, live_server) -> None:
    make_user("alice", CALENDAR_ADMINS, is_staff=True)
    page.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: (page.foreign_requests.append(route.request.url), route.abort()),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")


def test_local_tradition_add_page_has_a_working_recurrence_widget(browser_page, live_server):
    page = browser_page
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/traditions/localtradition/add/")
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "admin-localtradition-add.png", full_page=True)

    add_rule = page.locator("div.recurrence-widget .add-rule")
    assert add_rule.is_visible()
    assert add_rule.inner_text().strip().endswith("Add rule")
    add_rule.click()
    # A rule panel appears, and the hidden textarea now holds an RFC 5545 rule.
    assert page.locator("div.recurrence-widget .panel").count() == 1
    assert page.locator("textarea#id_recurrence").input_value().startswith("RRULE:")
    assert page.problems == []
    assert page.foreign_requests == []


def test_customer_change_page_renders_the_inline_recurrence(browser_page, live_server):
    page = browser_page
    customer = retailer_with_contract_and_rush()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/customers/customer/{customer.pk}/change/")
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "admin-customer-change.png", full_page=True)

    inline = page.locator("#traditions-0 div.recurrence-widget")
    assert inline.locator(".panel").count() == 1
    assert "annually" in inline.inner_text().lower() or "year" in inline.inner_text().lower()
    assert page.problems == []
    assert page.foreign_requests == []
