"""Two people edit one person: the second save shows what the first saved beside what the second
typed, and saves nothing until asked again, in a real browser, laptop (1280) and phone (390).

Screenshots land in tests/artifacts/ (edit-conflict-*).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from customers.models import Customer, Person
from customers.services import person_save

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OWNED_BY_METTE = "Nordlys Retail A/S"


def test_a_save_meanwhile_is_shown_beside_yours_on_a_laptop(laptop):
    _edit_after_someone_else(laptop, "laptop")


def test_a_save_meanwhile_is_shown_beside_yours_on_a_phone(phone):
    _edit_after_someone_else(phone, "phone")


def _edit_after_someone_else(session, device: str) -> None:
    page = session.page
    session.login("mette", "demo-sales")
    person = Person.objects.filter(customer__name=OWNED_BY_METTE).order_by("pk").first()
    assert person is not None
    session.go(f"/people/{person.pk}")
    page.get_by_label("Job title").fill("Head of Finance")
    page.get_by_label("Phone").fill("+45 70 10 20 30")
    # Meanwhile a colleague saves another title.
    person_save(person=person, customer=person.customer, job_title="Acting Finance Director")

    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Someone else saved this while you were editing")).to_be_visible()
    expect(
        page.get_by_text(
            "Saved by someone else meanwhile: Acting Finance Director; yours: Head of Finance."
        )
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.get_by_label("Job title").scroll_into_view_if_needed()
    session.shot(f"edit-conflict-{device}")
    person.refresh_from_db()
    assert (person.job_title, person.phone) == ("Acting Finance Director", "")

    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{session.base}/customers/{person.customer_id}")
    person.refresh_from_db()
    assert (person.job_title, person.phone) == ("Head of Finance", "+45 70 10 20 30")


def test_a_double_clicked_touch_form_logs_one_touch(laptop):
    page = laptop.page
    laptop.login("mette", "demo-sales")
    customer = Customer.objects.get(name=OWNED_BY_METTE)
    before = customer.touchpoints.count()
    laptop.go(f"/customers/{customer.pk}/touches/new")
    page.get_by_label("Summary").fill("Called about the spring campaign.")
    page.get_by_role("button", name="Save the touch").dblclick()
    page.wait_for_url(f"{laptop.base}/customers/{customer.pk}")
    assert customer.touchpoints.count() == before + 1
