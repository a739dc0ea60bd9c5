"""Today and the morning email name the customers whose touch is due or overdue, first."""

import datetime

import pytest
from django.urls import reverse

from calendarapp.reminders.digest import build_digest, reminder_message
from customers.services import touchpoint_log
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db


def test_due_and_overdue_touches_are_on_today_and_in_the_email(sales_client, sales_manager, clock):
    late = factories.customer("Late A/S", "DK", owner=sales_manager)
    touchpoint_log(customer=late, date=D(2026, 4, 1), channel="phone")
    fresh = factories.customer("Fresh A/S", "DK", owner=sales_manager)
    touchpoint_log(customer=fresh, date=D(2026, 6, 10), channel="phone")
    digest = build_digest(sales_manager, D(2026, 6, 15))
    [item] = digest.items
    assert (item.kind, item.rank, item.customer) == ("touch_overdue", 1, late.pk)
    assert (item.text, item.reason) == (
        "Get in touch with Late A/S",
        "every 30 days, overdue since 1 May",
    )
    assert item.action == "Log the touch"
    assert item.action_href == reverse("touchpoint-create", args=[late.pk])
    page = sales_client.get(reverse("today")).content.decode()
    assert "Get in touch with Late A/S" in page and "Log the touch" in page
    email = reminder_message(sales_manager, digest)
    assert "Get in touch with Late A/S" in email.body
    assert "Fresh A/S" not in email.body


def test_overdue_touches_come_first_the_longest_overdue_first(sales_manager, clock):
    for name, last in [("Week late", D(2026, 4, 24)), ("Month late", D(2026, 3, 20))]:
        customer = factories.customer(name, "DK", owner=sales_manager)
        touchpoint_log(customer=customer, date=last, channel="phone")
    due = factories.customer("Just due", "DK", owner=sales_manager)
    touchpoint_log(customer=due, date=D(2026, 5, 14), channel="phone")

    digest = build_digest(sales_manager, D(2026, 6, 15))

    assert [(item.kind, item.text.split(",")[0]) for item in digest.items] == [
        ("touch_overdue", "Get in touch with Month late"),
        ("touch_overdue", "Get in touch with Week late"),
        ("touch_due", "Get in touch with Just due"),
    ]


def test_a_follow_up_day_reached_is_due_today(sales_manager, clock):
    customer = factories.customer("Keen A/S", "DK", owner=sales_manager)
    touchpoint_log(
        customer=customer,
        date=D(2026, 6, 10),
        channel="phone",
        outcome="follow_up",
        follow_up_on=D(2026, 6, 15),
    )

    [item] = build_digest(sales_manager, D(2026, 6, 15)).items

    assert (item.kind, item.rank, item.text) == ("follow_up", 1, "Follow up with Keen A/S")
    assert item.reason == "follow-up agreed for 15 Jun"


def test_a_touch_logged_today_takes_the_customer_off_the_list(sales_manager, clock):
    late = factories.customer("Late A/S", "DK", owner=sales_manager)
    touchpoint_log(customer=late, date=D(2026, 4, 1), channel="phone")
    touchpoint_log(customer=late, date=D(2026, 6, 15), channel="visit")
    assert build_digest(sales_manager, D(2026, 6, 15)).items == []
