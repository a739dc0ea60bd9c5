"""How a customer decides, in a real browser with the demo data, on a laptop and a phone.

Screenshots land in tests/artifacts/ (decision-map-*, decision-finding-*, decision-risk-*,
decision-today-laptop, decision-timeline-phone).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from customers.models import Customer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OWNED_BY_METTE = "Nordlys Retail A/S"
HIGH_RISK = "Havfrue Shipping ApS"


def test_add_a_person_with_a_role_see_them_on_the_map_and_a_late_step_as_a_finding(desktop):
    page = desktop.page
    desktop.login("mette", "demo-sales")
    customer = Customer.objects.get(name=OWNED_BY_METTE)
    contract = customer.contracts.get()
    desktop.go(f"/customers/{customer.pk}")
    page.get_by_role("link", name="Add someone to the map").click()
    page.get_by_label("Name").fill("Freja Lund")
    page.get_by_label("Job title").fill("Chief Executive Officer")
    page.get_by_label("Part in buying decisions").select_option("decides")
    page.get_by_label("Stance to us").select_option("sceptic")
    page.get_by_label("Influence").select_option("high")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{desktop.base}/customers/{customer.pk}")

    card = page.locator(".map-card", has_text="Freja Lund")
    expect(card).to_contain_text("Decides")
    expect(card).to_contain_text("Sceptic")
    expect(card).to_contain_text("Not met in 90 days")
    page.locator("#map-title").scroll_into_view_if_needed()
    desktop.shot("decision-map-laptop")

    page.get_by_role("link", name="Add a step").click()
    late = contract.notice_deadline.toordinal() + 10
    day = type(contract.notice_deadline).fromordinal(late)
    page.get_by_role("combobox", name="Step:").fill("Board meeting")
    page.get_by_label("Decides on").select_option(str(contract.pk))
    page.get_by_label("Date (the first, if it repeats)").fill(day.isoformat())
    page.get_by_role("checkbox", name="Freja Lund").check()
    page.get_by_role("button", name="Save the step").click()
    page.wait_for_url(f"{desktop.base}/customers/{customer.pk}#decision-title")
    finding = page.locator(".findings li", has_text="Board meeting")
    expect(finding).to_contain_text(
        f"but notice on the {contract.name} contract is due {contract.notice_deadline.day} "
    )
    finding.scroll_into_view_if_needed()
    desktop.shot("decision-finding-laptop")

    # Printed, the map keeps its words and drops the buttons and edit links.
    page.emulate_media(media="print")
    expect(page.locator(".map-edit").first).to_be_hidden()
    expect(card).to_contain_text("Sceptic")
    page.locator("#map-title").scroll_into_view_if_needed()
    desktop.shot("decision-map-print")
    page.emulate_media(media="screen")

    desktop.go("/today/")
    section = page.locator(".today-items")
    expect(section).to_contain_text("Board meeting on")
    risk = page.locator(".today-item", has_text="Havfrue Shipping ApS: high risk we are just")
    expect(risk).to_contain_text("What has changed?")
    risk.scroll_into_view_if_needed()
    desktop.shot("decision-today-laptop")


def test_a_high_risk_customer_and_its_map_on_a_phone(phone):
    page = phone.page
    phone.login("mette", "demo-sales")
    customer = Customer.objects.get(name=HIGH_RISK)
    phone.go(f"/customers/{customer.pk}")
    expect(page.locator("#risk-title")).to_contain_text("High risk")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#risk-title").scroll_into_view_if_needed()
    phone.shot("decision-risk-phone")
    page.locator("#map-title").scroll_into_view_if_needed()
    phone.shot("decision-map-phone")
    page.locator("#decision-title").scroll_into_view_if_needed()
    phone.shot("decision-finding-phone")
    phone.go("/")
    mark = page.get_by_role("link", name="⚠ high risk").first
    expect(mark).to_be_visible()
    mark.scroll_into_view_if_needed()
    phone.shot("decision-timeline-phone")
