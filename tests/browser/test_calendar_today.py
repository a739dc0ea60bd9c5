"""Today and the customer page with what the calendars bring, in a real browser with the demo
data: a logged meeting asking what changed, a calendar in error, a booked meeting, and people
met at the customer's domain added or dismissed in one click; at laptop and phone width.

Screenshots go to tests/artifacts/ (calendar-today-*, calendar-customer-*).
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from calendarapp.models import AttendeeDismissal, ConnectionStatus
from customers.facts import customer_facts_save
from customers.models import Customer, Person, Touchpoint, TouchSource
from customers.services import touchpoint_log
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
DAY = datetime.timedelta(days=1)


def calendars_of_mette() -> Customer:
    """Mette's first customer, with a domain, two people met there, a logged meeting, a booked
    one tomorrow afternoon and a calendar that could not be read."""
    mette = get_user_model().objects.get(username="mette")
    customer = Customer.objects.filter(owner=mette, active=True).order_by("name").first()
    customer_facts_save(customer=customer, by=mette, email_domains=["example-customer.dk"])
    today = timezone.localdate()
    touch = touchpoint_log(customer=customer, date=today - 2 * DAY, channel="video")
    Touchpoint.objects.filter(pk=touch.pk).update(source=TouchSource.CALENDAR)
    met = timezone.now() - 2 * DAY
    factories.calendar_meeting(
        customer,
        met,
        ("lena.berg@example-customer.dk", "Lena Berg"),
        ("jonas.krag@example-customer.dk", ""),
        touchpoint=touch,
    )
    tomorrow = datetime.datetime.combine(
        today + DAY, datetime.time(14), timezone.get_current_timezone()
    )
    factories.booked_meeting(customer, tomorrow, "Renewal talk")
    factories.connection(
        mette,
        "Outlook",
        status=ConnectionStatus.ERROR,
        last_error="https://outlook.office365.com/…/a1b2 answered 404 Not Found",
    )
    return customer


def check(session, name: str) -> None:
    customer = calendars_of_mette()
    page = session.page
    session.login("mette", "demo-sales", next_page="/today/")
    items = page.locator(".today-item")
    expect(items.first).to_contain_text("Your calendar “Outlook” could not be read")
    expect(page.get_by_text(f"Meeting with {customer.name} on")).to_be_visible()
    expect(page.get_by_text(f"Meeting with {customer.name} at 14:00: Renewal talk")).to_be_visible()
    lena = items.filter(has_text="lena.berg@example-customer.dk")
    expect(lena).to_contain_text(
        f"{customer.name}: add Lena Berg (lena.berg@example-customer.dk) to their people?"
    )
    page.screenshot(path=str(session.shot(f"calendar-today-{name}-full")), full_page=True)
    lena.scroll_into_view_if_needed()
    session.shot(f"calendar-today-{name}")

    lena.get_by_role("button", name="Add Lena Berg as a person").click()
    expect(page.get_by_text(f"Lena Berg is now one of {customer.name}'s people.")).to_be_visible()
    assert Person.objects.filter(customer=customer, email="lena.berg@example-customer.dk").exists()
    expect(page.locator(".today-item", has_text="lena.berg@")).to_have_count(0)

    jonas = page.locator(".today-item", has_text="jonas.krag@example-customer.dk")
    expect(jonas).to_contain_text("add Jonas Krag")  # no name in the calendar: from the address
    jonas.get_by_role("button", name="Not one of their people").click()
    expect(page.get_by_text("will not be suggested for")).to_be_visible()
    expect(page.locator(".today-item", has_text="jonas.krag@")).to_have_count(0)
    assert AttendeeDismissal.objects.filter(customer=customer).count() == 1

    session.go(f"/customers/{customer.pk}")
    expect(page.locator(".booked-meeting")).to_contain_text("Meeting booked:")
    expect(page.locator(".booked-meeting")).to_contain_text("14:00 · Renewal talk")
    expect(page.get_by_text("example-customer.dk", exact=True)).to_be_visible()
    page.locator("#touch-title").scroll_into_view_if_needed()
    session.shot(f"calendar-customer-{name}")
    page.locator("#facts-title").scroll_into_view_if_needed()
    session.shot(f"calendar-customer-facts-{name}")
    session.go(f"/customers/{customer.pk}/facts")
    expect(page.get_by_label("Email domains")).to_have_value("example-customer.dk")
    page.get_by_label("Email domains").scroll_into_view_if_needed()
    session.shot(f"calendar-facts-form-{name}")


def test_todays_calendar_items_on_a_laptop(laptop):
    check(laptop, "laptop")


def test_todays_calendar_items_on_a_phone(phone):
    check(phone, "phone")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
