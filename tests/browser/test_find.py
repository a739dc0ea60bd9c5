"""Finding customers and the brief before a call, in a real browser with the demo data.

Screenshots land in tests/artifacts/ (customers-laptop, customers-phone, customers-search-phone,
brief-laptop, brief-phone, brief-print).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from customers.models import Customer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HIGH_RISK = "Havfrue Shipping ApS"


def test_the_customer_list_with_its_filters_on_a_laptop(desktop):
    page = desktop.page
    desktop.login("mette", "demo-sales")
    desktop.go("/customers/")
    expect(page.locator("table.customer-list tbody tr")).to_have_count(30)
    desktop.shot("customers-laptop")
    page.locator("select[name=risk]").select_option("high")
    page.locator("select[name=ordering]").select_option("next_touch")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("table.customer-list")).to_contain_text(HIGH_RISK)
    desktop.shot("customers-high-risk-laptop")


def test_the_navigation_search_finds_a_person_on_a_phone(phone):
    page = phone.page
    phone.login("mette", "demo-sales")
    person = Customer.objects.get(name=HIGH_RISK).people.order_by("name").first()
    phone.go("/customers/")
    phone.shot("customers-phone")
    page.get_by_role("searchbox", name="Find a customer or person").fill(person.name)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{phone.base}/customers/?q=*")
    expect(page.locator("table.customer-list")).to_contain_text(HIGH_RISK)
    expect(page.locator(".found-person").first).to_contain_text(person.name)
    phone.shot("customers-search-phone")


def test_the_brief_fits_a_phone_screen_before_show_more(phone):
    page = phone.page
    phone.login("mette", "demo-sales")
    customer = Customer.objects.get(name=HIGH_RISK)
    phone.go(f"/customers/{customer.pk}")
    brief = page.locator("#brief")
    brief.scroll_into_view_if_needed()
    box = brief.bounding_box()
    assert box["height"] <= page.viewport_size["height"]
    expect(brief).to_contain_text("Before you call")
    phone.shot("brief-phone")
    page.get_by_text("Show more: people, questions, next four weeks").click()
    expect(brief).to_contain_text("Their next four weeks")


def test_the_brief_on_a_laptop_and_printed_on_one_page(desktop):
    page = desktop.page
    desktop.login("mette", "demo-sales")
    customer = Customer.objects.get(name=HIGH_RISK)
    desktop.go(f"/customers/{customer.pk}")
    desktop.shot("brief-laptop")
    desktop.go(f"/customers/{customer.pk}/brief")
    page.emulate_media(media="print")
    desktop.shot("brief-print")
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
