"""A customer page is remembered per process, and what it shows still follows at once: what the
viewer may do, the next meeting as the clock passes it, a fresh CSRF token for every session."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from calendarapp.models import BookedMeeting
from calendarapp.relationships import remembered
from calendarapp.roles import CALENDAR_ADMINS, SALES_MANAGERS
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date
UTC = datetime.UTC


def page(client: Client, customer) -> str:
    response = client.get(f"/customers/{customer.pk}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_sales_manager_made_a_calendar_admin_sees_the_admins_buttons_on_the_next_look(
    client, customer, calendar_admin, clock
):
    other = factories.user("olga", SALES_MANAGERS)
    client.force_login(other)
    assert "Edit customer" not in page(client, customer)
    other.groups.add(Group.objects.get(name=CALENDAR_ADMINS))
    assert "Edit customer" in page(client, customer)


def test_the_owner_and_a_reader_each_see_their_own_buttons(sales_client, customer, clock):
    reader = Client()
    reader.force_login(factories.user("olga", SALES_MANAGERS))
    for _ in range(2):
        assert "Log a touch" in page(sales_client, customer)
        assert "Log a touch" not in page(reader, customer)


def test_the_next_meeting_booked_moves_on_when_the_clock_passes_one_the_same_day(
    sales_client, customer, clock
):
    clock.move_to(datetime.datetime(2026, 6, 16, 8, tzinfo=UTC))
    for uid, hour in [("first", 9), ("second", 14)]:
        BookedMeeting.objects.create(
            uid=uid,
            occurrence="",
            customer=customer,
            start=datetime.datetime(2026, 6, 16, hour, tzinfo=UTC),
            end=datetime.datetime(2026, 6, 16, hour + 1, tzinfo=UTC),
            channel="visit",
        )
    assert "Meeting booked: Tue 16 Jun 2026, 11:00" in page(sales_client, customer)
    clock.move_to(datetime.datetime(2026, 6, 16, 10, tzinfo=UTC))
    assert "Meeting booked: Tue 16 Jun 2026, 16:00" in page(sales_client, customer)


def test_a_page_remembered_for_one_session_carries_each_sessions_own_csrf_token(
    customer, sales_manager, clock
):
    factories.interest(customer, "IoT", noted_on=D(2026, 6, 1))
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(sales_manager)
    second.force_login(sales_manager)
    page(first, customer)
    shown = page(second, customer)  # the body the first look wrote
    assert remembered.CSRF_TOKEN_SLOT not in shown
    action, token = re.search(
        r'<form method="post" action="([^"]+)"[^>]*><input type="hidden" '
        r'name="csrfmiddlewaretoken" value="([^"]+)"',
        shown,
    ).groups()
    assert second.post(action, {"csrfmiddlewaretoken": token}).status_code == 302


def test_a_process_keeps_pages_up_to_a_total_size_the_least_recently_used_go_first(
    sales_client, sales_manager, clock, monkeypatch, django_assert_max_num_queries
):
    customers = [factories.customer(f"C{i}", "DK", owner=sales_manager) for i in range(3)]
    page(sales_client, customers[0])
    one = remembered.REMEMBERED_PAGES.size
    monkeypatch.setattr(remembered, "BODIES_KEPT_CHARS", one * 2 + one // 2)  # two bodies
    for customer in customers[1:]:
        page(sales_client, customer)
    assert remembered.REMEMBERED_PAGES.size <= one * 2 + one // 2
    with django_assert_max_num_queries(5):  # remembered
        page(sales_client, customers[2])
    with django_assert_max_num_queries(50) as captured:  # forgotten, written again
        page(sales_client, customers[0])
    assert len(captured) > 5
