"""Interests, strategies and Opportunities now in a real browser with the demo data.

Screenshots land in tests/artifacts/ (interests-laptop, interests-phone, opportunities-laptop,
opportunities-team-laptop, opportunities-phone).
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
