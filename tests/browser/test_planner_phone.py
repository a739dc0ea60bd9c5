"""The planner's audience pickers (search with chips) and, on a phone, its live check right
under the dates and audience. Screenshots: planner-chips-laptop, planner-check-phone."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fill_plan(session) -> None:
    page = session.page
    session.go("/plans/new")
    start = datetime.date.today() + datetime.timedelta(days=60)
    page.get_by_label("Kind", exact=True).select_option("event")
    page.get_by_label("Title", exact=True).fill("Spring seminar")
    page.get_by_label("Start", exact=True).fill(start.isoformat())
    page.get_by_label("End (last day)", exact=True).fill(start.isoformat())
    countries = page.get_by_label("Whole countries", exact=True)
    countries.fill("den")
    expect(page.get_by_role("option", name="Denmark")).to_be_visible()
    page.keyboard.press("Enter")
    customers = page.get_by_label("Customers", exact=True)
    customers.fill("havfrue")
    page.get_by_role("option", name="Havfrue Shipping ApS (DK)").click()


def test_audience_pickers_are_searchable_chips_and_post_the_same_fields(desktop):
    page = desktop.page
    desktop.login("sales", "demo-sales")
    fill_plan(desktop)
    expect(page.locator(".chip")).to_have_count(2)
    expect(page.locator("select[name=countries]")).to_be_hidden()
    assert page.locator("select[name=countries]").evaluate(
        "s => Array.from(s.selectedOptions).map(o => o.value)"
    ) == ["DK"]
    expect(page.locator("#plan-check")).to_contain_text("customers", timeout=10_000)
    desktop.shot("planner-chips-laptop")
    # A chip's × takes the choice back out of the posted select.
    page.get_by_role("button", name="Remove Denmark").click()
    expect(page.locator(".chip")).to_have_count(1)
    assert page.locator("select[name=countries]").evaluate("s => s.selectedOptions.length") == 0
    page.get_by_role("button", name="Save plan", exact=True).click()
    expect(page.get_by_role("heading", name="Spring seminar")).to_be_visible()
    expect(page.locator(".audience")).to_contain_text("Havfrue Shipping ApS")


def test_on_a_phone_the_check_sits_right_under_the_dates_and_audience(phone):
    page = phone.page
    phone.login("sales", "demo-sales")
    fill_plan(phone)
    check = page.locator("#plan-check")
    expect(check).to_contain_text("customers", timeout=10_000)
    interests = page.locator("#id_interests").locator("xpath=..").bounding_box()
    offers = page.locator("#id_offers").locator("xpath=..").bounding_box()
    box = check.bounding_box()
    assert interests["y"] < box["y"] < offers["y"]
    assert box["y"] - (interests["y"] + interests["height"]) < 40
    page.evaluate(
        "window.scrollTo(0, document.querySelector('#id_end').getBoundingClientRect().top + window.scrollY - 60)"
    )
    phone.shot("planner-check-phone")
