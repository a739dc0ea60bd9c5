"""People, touches and the next touch in a real browser, with the demo data, laptop and phone.

Screenshots land in tests/artifacts/ (customer-touches-*, touchpoint-form-*).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from customers.models import Customer, Person, Touchpoint

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OWNED_BY_METTE = "Nordlys Retail A/S"


def test_log_a_touch_with_a_new_person_and_see_it_on_the_customer_page(desktop):
    page = desktop.page
    desktop.login("mette", "demo-sales")
    customer = Customer.objects.get(name=OWNED_BY_METTE)
    desktop.go(f"/customers/{customer.pk}")
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    expect(page.get_by_role("heading", name="What changed")).to_be_visible()
    expect(page.get_by_role("heading", name="Touch history")).to_be_visible()
    expect(page.locator("#touch-title")).to_contain_text("Next touch")
    desktop.shot("customer-touches-laptop")

    page.get_by_role("link", name="Log a touch").click()
    expect(page.get_by_role("heading", name="What has changed?")).to_be_visible()
    expect(page.get_by_role("heading", name="Last known state")).to_be_visible()
    desktop.shot("touchpoint-form-laptop")
    page.get_by_label("Channel").select_option("phone")
    page.locator("#id_topic_0").select_option("budget")
    page.locator("#id_text_0").fill("Budget for next year approved, 10% up.")
    page.get_by_label("New person: name").fill("Kasper Dahl")
    page.get_by_role("group", name="Someone new?").get_by_label("Job title").fill(
        "Head of e-commerce"
    )
    # Someone already known has news: open them and change it in the same save.
    updates = page.get_by_role("group", name="Anything new about them?")
    soren = updates.locator("details", has_text="Søren Nielsen")
    soren.locator("summary").click()
    soren.get_by_label("Job title").fill("CIO")
    soren.get_by_label("Stance to us").select_option("sceptic")
    desktop.shot("touchpoint-form-update-laptop")
    page.get_by_role("button", name="Save the touch").click()
    page.wait_for_url(f"{desktop.base}/customers/{customer.pk}")
    changed = page.locator("section", has=page.locator("#changed-title"))
    expect(changed).to_contain_text("Budget for next year approved, 10% up.")
    # The brief before the next call leads with it too.
    expect(page.locator("#brief")).to_contain_text("Budget: Budget for next year approved")
    expect(page.locator("#touch-title")).to_contain_text("on track")
    people = page.locator("section", has=page.locator("#people-title"))
    expect(people.get_by_text("Kasper Dahl").first).to_be_visible()
    touchpoint = Touchpoint.objects.filter(customer=customer).latest("id")
    assert [p.name for p in touchpoint.people.all()] == ["Kasper Dahl"]
    soren = Person.objects.get(customer=customer, name="Søren Nielsen")
    assert (soren.job_title, soren.stance) == ("CIO", "sceptic")
    assert soren.changes.filter(field="stance", old_value="champion", new_value="sceptic").exists()


def test_customer_page_and_touchpoint_form_on_a_phone(phone):
    page = phone.page
    phone.login("mette", "demo-sales")
    customer = Customer.objects.get(name=OWNED_BY_METTE)
    phone.go(f"/customers/{customer.pk}")
    expect(page.locator("#touch-title")).to_contain_text("Next touch")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("customer-touches-phone")
    phone.go(f"/customers/{customer.pk}/touches/new")
    expect(page.get_by_role("heading", name="What has changed?")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("touchpoint-form-phone")
    updates = page.get_by_role("group", name="Anything new about them?")
    updates.locator("details:not(.customer-update) summary").first.click()
    expect(updates.get_by_label("Left on").first).to_be_visible()
    updates.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("touchpoint-form-update-phone")
