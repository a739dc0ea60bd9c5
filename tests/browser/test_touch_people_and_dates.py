"""The touch form in a browser: someone new only heard of, and a follow-up on a day off.

Screenshots land in tests/artifacts/ (touch-heard-of-*, touch-follow-up-warning-*).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import Customer, Person, Touchpoint
from customers.services import person_save

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OWNED_BY_METTE = "Nordlys Retail A/S"
LAPTOP = {"width": 1280, "height": 800}


def christmas_eve() -> datetime.date:
    """The next 24 December: a de-facto day off in Denmark."""
    today = timezone.localdate()
    day = datetime.date(today.year, 12, 24)
    return day if day >= today else day.replace(year=today.year + 1)


def fill_the_call(page, day: datetime.date) -> None:
    """A call where they named a new CFO we have not met, and we agreed a follow-up on `day`."""
    page.get_by_label("Channel").select_option("phone")
    page.get_by_label("New person: name").fill("Lars Berg")
    page.get_by_role("group", name="Someone new?").get_by_label("Job title").fill("CFO")
    page.get_by_label("Heard of, not met").check()
    page.get_by_label("Follow up on a date").check()
    page.get_by_label("Follow up or ask again on").fill(day.isoformat())
    page.get_by_role("button", name="Save the touch").click()


def test_a_new_person_only_heard_of_and_a_follow_up_on_a_day_off_kept_anyway(desktop):
    page = desktop.page
    page.set_viewport_size(LAPTOP)
    desktop.login("mette", "demo-sales")
    customer = Customer.objects.get(name=OWNED_BY_METTE)
    desktop.go(f"/customers/{customer.pk}/touches/new")
    new_person = page.get_by_role("group", name="Someone new?")
    expect(new_person.get_by_label("Met at this touch")).to_be_checked()
    page.get_by_label("New person: name").fill("Lars Berg")
    page.get_by_label("Heard of, not met").check()
    new_person.scroll_into_view_if_needed()
    desktop.shot("touch-heard-of-laptop")

    day = christmas_eve()
    fill_the_call(page, day)
    warning = page.locator("#follow-up-warnings")
    expect(warning).to_contain_text("Not saved yet")
    expect(warning).to_contain_text("Christmas Eve")
    # The form keeps what was typed.
    expect(page.get_by_label("New person: name")).to_have_value("Lars Berg")
    expect(page.get_by_label("Heard of, not met")).to_be_checked()
    warning.scroll_into_view_if_needed()
    desktop.shot("touch-follow-up-warning-laptop")
    assert not Person.objects.filter(name="Lars Berg").exists()

    warning.get_by_role("button", name="Save anyway").click()
    page.wait_for_url(f"{desktop.base}/customers/{customer.pk}")
    touchpoint = Touchpoint.objects.filter(customer=customer).latest("id")
    assert touchpoint.follow_up_on == day
    assert not touchpoint.people.exists()  # Lars was only heard of
    assert Person.objects.get(name="Lars Berg", customer=customer).job_title == "CFO"


def test_the_follow_up_warning_fits_a_phone(phone):
    page = phone.page
    phone.login("mette", "demo-sales")
    customer = Customer.objects.get(name=OWNED_BY_METTE)
    phone.go(f"/customers/{customer.pk}/touches/new")
    new_person = page.get_by_role("group", name="Someone new?")
    new_person.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("touch-heard-of-phone")
    fill_the_call(page, christmas_eve())
    warning = page.locator("#follow-up-warnings")
    expect(warning).to_contain_text("Christmas Eve")
    warning.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("touch-follow-up-warning-phone")


@pytest.mark.parametrize("width", [1280, 390], ids=["laptop", "phone"])
def test_someone_who_left_leaves_the_map_and_their_reports_say_so(desktop, width):
    page = desktop.page
    page.set_viewport_size({"width": width, "height": 800})
    customer = Customer.objects.get(name=OWNED_BY_METTE)
    cfo = customer.people.get(job_title="Chief Financial Officer")
    person_save(person=cfo, customer=customer, left_on=timezone.localdate())
    desktop.login("mette", "demo-sales")
    desktop.go(f"/customers/{customer.pk}")
    decision_map = page.locator(".decision-map")
    expect(decision_map.locator(".map-name", has_text=cfo.name)).to_have_count(0)
    expect(decision_map).to_contain_text(f"Reported to {cfo.name}, left")
    decision_map.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    desktop.shot(f"customer-map-someone-left-{'laptop' if width > 390 else 'phone'}")
    people = page.get_by_role("region", name="People")
    expect(people).to_contain_text(f"reported to {cfo.name}, left")
    people.scroll_into_view_if_needed()
    desktop.shot(f"customer-people-someone-left-{'laptop' if width > 390 else 'phone'}")
