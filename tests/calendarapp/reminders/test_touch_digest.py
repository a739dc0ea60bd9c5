"""This week and the morning email name the customers whose touch is due or overdue."""

import datetime

import pytest
from django.urls import reverse

from calendarapp.reminders.digest import build_digest, reminder_message
from customers.services import touchpoint_log
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db


def test_due_and_overdue_touches_are_in_this_week_and_the_email(sales_client, sales_manager, clock):
    late = factories.customer("Late A/S", "DK", owner=sales_manager)
    touchpoint_log(customer=late, date=D(2026, 4, 1), channel="phone")
    fresh = factories.customer("Fresh A/S", "DK", owner=sales_manager)
    touchpoint_log(customer=fresh, date=D(2026, 6, 10), channel="phone")
    digest = build_digest(sales_manager, D(2026, 6, 15))
    assert [item.text for item in digest.touches] == [
        "Late A/S: get in touch 15 Jun (every 30 days, overdue since 1 May)"
    ]
    page = sales_client.get(reverse("this-week")).content.decode()
    assert "Get in touch" in page and "Late A/S: get in touch 15 Jun" in page
    email = reminder_message(sales_manager, digest)
    assert "Late A/S: get in touch 15 Jun" in email.body
    assert "Fresh A/S" not in email.body


def test_a_touch_logged_today_takes_the_customer_off_the_list(sales_manager, clock):
    late = factories.customer("Late A/S", "DK", owner=sales_manager)
    touchpoint_log(customer=late, date=D(2026, 4, 1), channel="phone")
    touchpoint_log(customer=late, date=D(2026, 6, 15), channel="visit")
    assert build_digest(sales_manager, D(2026, 6, 15)).touches == []
