"""The account owner edits a customer's facts on its page and the budget advice follows, in a
real browser with the demo data, laptop (1280) and phone (390).

Screenshots land in tests/artifacts/ (customer-facts-*).
"""

from __future__ import annotations

import calendar
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import Customer, CustomerChange

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OWNED_BY_METTE = "Nordlys Retail A/S"


def _two_months_ahead() -> tuple[int, datetime.date]:
    """A month whose budget close falls within "Coming up", and that close's day."""
    today = timezone.localdate()
    month = (today.month + 1) % 12 + 1
    year = today.year + (month < today.month)
    return month, datetime.date(year, month, calendar.monthrange(year, month)[1])


def test_the_owner_moves_the_budget_month_on_a_laptop_and_the_budget_advice_follows(laptop):
    _move_the_budget_month(laptop, "laptop")


def test_the_owner_moves_the_budget_month_on_a_phone_and_the_budget_advice_follows(phone):
    _move_the_budget_month(phone, "phone")


def _move_the_budget_month(session, device: str) -> None:
    page = session.page
    session.login("mette", "demo-sales")
    customer = Customer.objects.get(name=OWNED_BY_METTE)
    month, close = _two_months_ahead()
    session.go(f"/customers/{customer.pk}")
    expect(page.get_by_role("heading", name="Facts")).to_be_visible()
    page.get_by_role("link", name="Edit facts").first.click()
    expect(page.get_by_role("heading", name="Edit facts")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.get_by_label("Budget closes at the end of").select_option(str(month))
    page.get_by_label("Notes").fill(
        f"New CFO since November; the budget now closes in {calendar.month_name[month]}."
    )
    session.shot(f"customer-facts-form-{device}")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{session.base}/customers/{customer.pk}#facts-title")
    said = f"budget closes at the end of {calendar.month_name[month]}"
    expect(page.get_by_text(said, exact=False).first).to_be_visible()
    upcoming = page.locator("section", has=page.locator("#upcoming-title"))
    expect(upcoming).to_contain_text(f"{close.day} {close:%b}")
    history = page.locator("section", has=page.locator("#fact-history-title"))
    expect(history).to_contain_text(f"→ {calendar.month_name[month]}")
    history.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    session.shot(f"customer-facts-history-{device}")
    upcoming.scroll_into_view_if_needed()
    session.shot(f"customer-facts-upcoming-{device}")
    change = CustomerChange.objects.get(customer=customer, field="budget_close_month")
    assert (change.new, change.by.username) == (str(month), "mette")

    # A weekly five-day vacation is refused for the owner, in words.
    session.go(f"/customers/{customer.pk}/traditions/new")
    _save_a_weekly_vacation(page, "Autumn break", "2027-10-11", "2027-10-15")
    expect(page.get_by_label("Every year on 11 Oct")).to_be_visible()
    session.shot(f"customer-tradition-refused-{device}")

    # The touch form offers the customer's facts first under "Anything new about them?".
    session.go(f"/customers/{customer.pk}/touches/new")
    updates = page.get_by_role("group", name="Anything new about them?")
    updates.locator("details.customer-update summary").click()
    expect(updates.get_by_label("Budget closes at the end of")).to_have_value(str(month))
    updates.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    session.shot(f"customer-touch-facts-{device}")


def test_a_calendar_admin_keeps_a_countrys_local_traditions_on_the_site_on_a_laptop(laptop):
    _local_tradition(laptop, "laptop")


def test_a_calendar_admin_keeps_a_countrys_local_traditions_on_the_site_on_a_phone(phone):
    _local_tradition(phone, "phone")


def _local_tradition(session, device: str) -> None:
    page = session.page
    session.login("admin", "demo-admin")
    session.go("/countries/DK")
    page.get_by_role("link", name="Add a local tradition").click()
    _save_a_weekly_vacation(page, "Winter school break", "2027-02-15", "2027-02-19")
    # A calendar admin is asked to confirm, and the yearly choice is one click away.
    expect(page.get_by_label("Yes, it really repeats more often than once a year")).to_be_visible()
    session.shot(f"country-local-tradition-confirm-{device}")
    page.get_by_label("Every year, Monday of week 7").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{session.base}/countries/DK#local-title")
    local = page.locator("section", has=page.locator("#local-title"))
    expect(local.get_by_role("link", name="Winter school break")).to_be_visible()
    local.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    session.shot(f"country-local-traditions-{device}")


def _save_a_weekly_vacation(page, title: str, first: str, last: str) -> None:
    """Fill the tradition form with a five-day vacation every week, save, see it refused."""
    page.get_by_label("Kind").select_option("vacation")
    page.get_by_label("Title").fill(title)
    page.get_by_label("First day").fill(first)
    page.get_by_label("Last day").fill(last)
    page.get_by_label("Every week on", exact=False).check()
    page.get_by_role("button", name="Save").click()
    refusal = page.get_by_text("A vacation repeats at most once a year", exact=False)
    expect(refusal).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    refusal.scroll_into_view_if_needed()
