"""Interests, strategies and Opportunities now in a real browser with the demo data.

Screenshots land in tests/artifacts/ (interests-laptop, interests-phone, opportunities-laptop,
opportunities-team-laptop, opportunities-phone, and the owner's edits: interest-form-laptop,
interests-edited-laptop, strategy-form-phone, interests-edited-phone, strategies-edited-phone).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from customers.models import Customer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LATE = "Havfrue Shipping ApS"


def test_a_customers_interests_and_a_strategy_we_came_in_late_on(desktop):
    page = desktop.page
    desktop.login("mette", "demo-sales")
    customer = Customer.objects.get(name=LATE)
    desktop.go(f"/customers/{customer.pk}")
    interests = page.locator("section[aria-labelledby=interests-title]")
    expect(interests).to_contain_text("IoT")
    expect(interests.locator("li.stale")).to_contain_text("sustainability")
    expect(interests.locator("li.stale")).to_contain_text("stale: ask again")
    strategies = page.locator("section[aria-labelledby=strategies-title]")
    expect(strategies).to_contain_text("Telemetry on every vessel")
    expect(strategies).to_contain_text("we came in late")
    expect(strategies).to_contain_text("Strategy season")
    interests.scroll_into_view_if_needed()
    desktop.shot("interests-laptop")


def test_opportunities_now_mine_and_the_team_filtered_by_kind(desktop):
    page = desktop.page
    desktop.login("mette", "demo-sales")
    desktop.go("/opportunities/")
    rows = page.locator("table.opportunities tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator("h1")).to_contain_text("your customers")
    desktop.shot("opportunities-laptop")
    page.get_by_label("Whose customers").select_option("all")
    page.get_by_label("Kind").select_option("touch_due")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/opportunities/?owner=all&kind=touch_due**")
    expect(page.locator("h1")).to_contain_text("the team")
    kinds = page.locator("table.opportunities .op-kind").all_inner_texts()
    assert kinds and set(kinds) == {"Touch due"}
    desktop.shot("opportunities-team-laptop")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == "opportunities.csv"


def test_opportunities_and_interests_on_a_phone(phone):
    page = phone.page
    phone.login("mette", "demo-sales")
    phone.go("/opportunities/")
    expect(page.locator("table.opportunities tbody tr").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing sticks out sideways on a phone"
    phone.shot("opportunities-phone")
    customer = Customer.objects.get(name=LATE)
    phone.go(f"/customers/{customer.pk}")
    page.locator("#interests-title").scroll_into_view_if_needed()
    phone.shot("interests-phone")


def test_the_owner_notes_an_interest_confirms_a_stale_one_and_notes_a_strategy(desktop):
    page = desktop.page
    desktop.login("mette", "demo-sales")
    customer = Customer.objects.get(name=LATE)
    desktop.go(f"/customers/{customer.pk}")
    interests = page.locator("section[aria-labelledby=interests-title]")
    interests.get_by_role("link", name="Note an interest").click()
    page.locator("#id_interest").fill("Electric ferries")
    page.get_by_label("Strength").select_option("evaluating")
    page.get_by_label("Noted on").fill("2099-01-01")  # a day to come: refused, named
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-box")).to_contain_text("Nothing was saved")
    expect(page.locator("p.error")).to_contain_text("Give today or an earlier day")
    desktop.shot("interest-form-laptop")
    page.get_by_label("Noted on").fill("2026-11-02")
    page.get_by_role("button", name="Save").click()
    expect(interests).to_contain_text("Electric ferries")
    stale = interests.locator("li.stale")
    stale.get_by_role("button", name="Confirm today sustainability").click()
    expect(interests.locator("li.stale")).to_have_count(0)
    expect(interests).to_contain_text("sustainability")
    interests.scroll_into_view_if_needed()
    desktop.shot("interests-edited-laptop")


def test_the_owner_notes_a_strategy_on_a_phone(phone):
    page = phone.page
    phone.login("mette", "demo-sales")
    customer = Customer.objects.get(name=LATE)
    phone.go(f"/customers/{customer.pk}")
    strategies = page.locator("section[aria-labelledby=strategies-title]")
    strategies.get_by_role("link", name="Note a strategy").click()
    page.get_by_label("Title").fill("Shore power in every port")
    page.get_by_label("Stage").select_option("idea")
    page.get_by_label("How we could help").fill("Metering per berth")
    phone.shot("strategy-form-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the form fits a phone"
    page.get_by_role("button", name="Save").click()
    expect(strategies).to_contain_text("Shore power in every port")
    expect(strategies).to_contain_text("How we could help: Metering per berth")
    page.locator("#interests-title").scroll_into_view_if_needed()
    phone.shot("interests-edited-phone")
    page.locator("#strategies-title").scroll_into_view_if_needed()
    phone.shot("strategies-edited-phone")
