"""The API tokens page and the locked login page in a real browser, at laptop and phone width.

Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from calendarapp.devtools.demo_data import SALES_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def create_token(session, name: str, last_day: str = "") -> str:
    page = session.page
    page.get_by_label("Name").fill(name)
    if last_day:
        page.get_by_label("Works until (optional)").fill(last_day)
    page.get_by_role("button", name="Create the token").click()
    expect(page.get_by_role("heading", name=f"Your new token: {name}")).to_be_visible()
    return page.get_by_label(f"The new API token {name}").input_value()


def test_a_sales_manager_creates_uses_and_revokes_a_token(desktop):
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())
    desktop.login("sales", SALES_PASSWORD)
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    create_token(desktop, "Old laptop")
    last_day = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    token = create_token(desktop, "Weekly report script", last_day)
    used = page.request.get(
        f"{desktop.base}/api/plans", headers={"Authorization": f"Bearer {token}"}
    )
    assert used.status == 200
    page.get_by_role("button", name="Revoke Old laptop").click()
    expect(page.get_by_text("Revoked “Old laptop”")).to_be_visible()
    expect(page.locator("tr", has_text="Old laptop").locator(".tag")).to_have_text(
        re.compile(r"^Revoked \d+ \w+ \d{4}$")
    )
    expect(page.locator("tr", has_text="Weekly report script").locator(".tag")).to_have_text(
        "Active"
    )
    desktop.shot("api-tokens-laptop")
    # Shown once: the page again lists the token but not its secret.
    desktop.go("/accounts/api-tokens/")
    assert token not in page.content()


def test_the_api_tokens_page_on_a_phone(phone):
    page = phone.page
    phone.login("sales", SALES_PASSWORD)
    phone.go("/accounts/api-tokens/")
    create_token(phone, "Phone shortcut")
    phone.shot("api-tokens-phone")
    page.get_by_role("heading", name="Your tokens").scroll_into_view_if_needed()
    phone.shot("api-tokens-list-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing wider than the phone"


def locked_login(session) -> None:
    page = session.page
    session.go("/accounts/login/")
    for password in ["one", "two", "three", "four", "five", SALES_PASSWORD]:
        page.get_by_label("Username").fill("sales")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Too many failed attempts: try again in 15 minutes or ask an admin to unlock your account."
    )
    assert page.url.endswith("/accounts/login/")


def test_the_locked_login_page_on_a_laptop(desktop):
    locked_login(desktop)
    desktop.shot("login-locked-laptop")


def test_the_locked_login_page_on_a_phone(phone):
    locked_login(phone)
    phone.shot("login-locked-phone")
