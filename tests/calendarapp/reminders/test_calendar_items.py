"""Today's items from the users' own calendars: a logged meeting asks "what has changed?", a
calendar that cannot be read says why, a booked meeting is a meeting, and someone met at the
customer's domain is added or dismissed in one click."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from calendarapp.models import AttendeeDismissal, ConnectionStatus
from calendarapp.reminders.digest import build_digest
from calendarapp.roles import SALES_MANAGERS
from customers.facts import customer_facts_save
from customers.models import Person, Touchpoint, TouchSource
from customers.services import touchpoint_log
from tests import factories

D = datetime.date
CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
TODAY = D(2027, 7, 28)  # a Wednesday
DAY = datetime.timedelta(days=1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=CPH)


@pytest.fixture
def frozen():
    with time_machine.travel(at(TODAY, 8), tick=False):
        yield TODAY


@pytest.fixture
def acme(sales_manager):
    return factories.customer("Acme", "DK", owner=sales_manager, email_domains=["acme.dk"])


def logged_from_calendar(customer, day: datetime.date, **columns) -> Touchpoint:
    touch = touchpoint_log(customer=customer, date=day, channel="video", **columns)
    Touchpoint.objects.filter(pk=touch.pk).update(source=TouchSource.CALENDAR)
    return touch


def items(owner, *kinds):
    return [
        (item.kind, item.rank, item.text, item.reason)
        for item in build_digest(owner, TODAY).of_kind(*kinds)
    ]


def test_a_meeting_logged_from_a_calendar_asks_what_has_changed_into_its_changes_form(
    frozen, acme, sales_manager
):
    touch = logged_from_calendar(acme, TODAY - 3 * DAY)

    [item] = build_digest(sales_manager, TODAY).of_kind("what_changed")

    assert (item.rank, item.text, item.day) == (
        1,
        "Meeting with Acme on 25 Jul: what has changed?",
        TODAY - 3 * DAY,
    )
    assert item.action == "What has changed?"
    assert item.action_href == reverse("touchpoint-edit", args=[touch.pk]) + "#ask-title"


def test_a_meeting_with_changes_noted_typed_by_hand_or_old_asks_nothing(
    frozen, acme, sales_manager
):
    logged_from_calendar(acme, TODAY - DAY, changes=[{"topic": "other", "text": "New CFO"}])
    touchpoint_log(customer=acme, date=TODAY - DAY, channel="visit")
    logged_from_calendar(acme, TODAY - 15 * DAY)
    learned = logged_from_calendar(acme, TODAY - 2 * DAY)
    customer_facts_save(customer=acme, by=sales_manager, touchpoint=learned, budget_close_month=3)

    assert items(sales_manager, "what_changed") == []


def test_noting_what_changed_on_the_touch_takes_the_item_away(frozen, acme, sales_manager):
    touch = logged_from_calendar(acme, TODAY - DAY)
    touchpoint_log(touchpoint=touch, customer=acme, changes=[{"topic": "other", "text": "Hi"}])

    assert items(sales_manager, "what_changed") == []


def test_a_calendar_that_cannot_be_read_says_why_first_and_links_to_your_calendars(
    frozen, acme, sales_manager
):
    broken = factories.connection(
        sales_manager,
        "Outlook",
        status=ConnectionStatus.ERROR,
        last_error="https://outlook.office365.com/…/1234 answered 404 Not Found",
    )
    factories.connection(sales_manager, "Google", status=ConnectionStatus.OK)
    factories.connection(factories.user("kenji", SALES_MANAGERS), status=ConnectionStatus.ERROR)

    first = build_digest(sales_manager, TODAY).items[0]

    assert (first.kind, first.rank, first.text) == (
        "calendar_error",
        1,
        "Your calendar “Outlook” could not be read",
    )
    assert first.reason == (
        "https://outlook.office365.com/…/1234 answered 404 Not Found: no meetings are logged"
        " from it until it is fixed"
    )
    assert first.url == broken.get_absolute_url() and first.action == "Open your calendars"


def test_a_meeting_booked_for_tomorrow_is_a_meeting_to_read_up_for_and_later_ones_wait(
    frozen, acme, sales_manager
):
    factories.booked_meeting(acme, at(TODAY + DAY, 14), "Renewal talk")
    factories.booked_meeting(acme, at(TODAY + 3 * DAY, 14), "Later")

    assert items(sales_manager, "meeting") == [
        (
            "meeting",
            2,
            "Meeting with Acme at 14:00: Renewal talk",
            "tomorrow, booked in a calendar: read the brief before you go",
        )
    ]


def test_a_meeting_both_planned_and_booked_that_day_is_listed_once(frozen, acme, sales_manager):
    factories.plan(
        kind="meeting",
        title="Renewal",
        start=TODAY,
        end=TODAY,
        owner=sales_manager,
        customers=[acme],
    )
    factories.booked_meeting(acme, at(TODAY, 15))

    assert [text for _, _, text, _ in items(sales_manager, "meeting")] == [
        "Meeting with Acme: Renewal"
    ]


def test_someone_met_at_the_customers_domain_is_suggested_under_coming_up(
    frozen, acme, sales_manager
):
    factories.calendar_meeting(acme, at(TODAY - 2 * DAY), ("anna.holm@acme.dk", ""))

    [item] = build_digest(sales_manager, TODAY).of_kind("attendee_suggestion")

    assert (item.rank, item.text, item.email, item.name) == (
        4,
        "Acme: add Anna Holm (anna.holm@acme.dk) to their people?",
        "anna.holm@acme.dk",
        "Anna Holm",
    )
    assert item.reason == "met in 1 meeting with them, last 26 Jul; not one of their people yet"
    assert item.action == "Add as a person" and item.action_href == reverse("today")


def accept_or_dismiss(client, customer, action, email="anna.holm@acme.dk", name="Anna Holm"):
    return client.post(
        reverse("today-attendee"),
        {"action": action, "customer": customer.pk, "email": email, "name": name},
    )


def test_one_click_adds_the_person_and_a_double_click_adds_them_once(
    frozen, acme, sales_manager, sales_client
):
    factories.calendar_meeting(acme, at(TODAY - 2 * DAY), ("anna.holm@acme.dk", "Anna Holm"))

    for _ in range(2):
        response = accept_or_dismiss(sales_client, acme, "accept")
        assert response.status_code == 302 and response.url == reverse("today")

    assert list(Person.objects.values_list("customer", "name", "email")) == [
        (acme.pk, "Anna Holm", "anna.holm@acme.dk")
    ]
    page = sales_client.get(reverse("today")).content.decode()
    assert "Anna Holm is now one of Acme&#x27;s people." in page
    assert "anna.holm@acme.dk" not in page.split("Anna Holm is now")[1]


def test_one_click_dismisses_and_the_suggestion_does_not_come_back(
    frozen, acme, sales_manager, sales_client
):
    factories.calendar_meeting(acme, at(TODAY - 2 * DAY), ("anna.holm@acme.dk", "Anna Holm"))

    assert accept_or_dismiss(sales_client, acme, "dismiss").status_code == 302

    assert AttendeeDismissal.objects.get().by == sales_manager
    assert items(sales_manager, "attendee_suggestion") == []
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"action": "maybe"}, "The field action must be “accept” or “dismiss”."),
        ({"customer": "x"}, "The field customer must name a customer."),
        ({"email": "not an address", "action": "dismiss"}, "The field email: Give the attendee"),
        ({"email": "anna@acme.dk", "name": "x" * 300}, "The field name: "),
    ],
)
def test_a_bad_click_is_a_400_naming_the_field_and_writes_nothing(
    frozen, acme, sales_client, fields, expected
):
    body = {"action": "accept", "customer": acme.pk, "email": "anna@acme.dk", "name": "Anna"}
    response = sales_client.post(reverse("today-attendee"), {**body, **fields})
    assert response.status_code == 400
    assert response.content.decode().startswith(expected)
    assert not Person.objects.exists() and not AttendeeDismissal.objects.exists()


def test_only_the_customers_owner_or_an_admin_adds_or_dismisses(frozen, acme, client):
    client.force_login(factories.user("kenji", SALES_MANAGERS))
    assert accept_or_dismiss(client, acme, "accept").status_code == 403
    assert accept_or_dismiss(client, acme, "dismiss").status_code == 403
    assert not Person.objects.exists() and not AttendeeDismissal.objects.exists()


def test_the_api_lists_the_new_kinds_with_their_groups(frozen, acme, sales_manager, sales_client):
    logged_from_calendar(acme, TODAY - DAY)
    factories.connection(sales_manager, status=ConnectionStatus.ERROR, last_error="timed out")
    factories.booked_meeting(acme, at(TODAY, 16))
    factories.calendar_meeting(acme, at(TODAY - DAY), ("bo@acme.dk", "Bo"))

    found = sales_client.get("/api/today").json()["items"]

    assert {(item["kind"], item["rank"]) for item in found} >= {
        ("calendar_error", 1),
        ("what_changed", 1),
        ("meeting", 2),
        ("attendee_suggestion", 4),
    }


def add_customers_with_calendar_items(owner, count: int) -> None:
    factories.connection(owner, status=ConnectionStatus.ERROR, last_error="timed out")
    for number in range(count):
        customer = factories.customer(
            f"Customer {number}", "DK", owner=owner, email_domains=[f"c{number}.dk"]
        )
        touch = logged_from_calendar(customer, TODAY - DAY)
        factories.calendar_meeting(
            customer, at(TODAY - DAY), (f"a@c{number}.dk", "A"), touchpoint=touch
        )
        factories.booked_meeting(customer, at(TODAY + DAY, 9))


@pytest.mark.parametrize("customers", [2, 12])
def test_the_calendars_items_cost_the_same_queries_for_any_number_of_customers(
    frozen, sales_manager, sales_client, django_assert_num_queries, customers
):
    add_customers_with_calendar_items(sales_manager, customers)

    # The same at 2 and 12: Today without plans, its 4 queries for the calendars' items and,
    # with email domains set, 3 more for the suggestions (the meetings' attendees, the people
    # and the dismissals), and where the change log stands before the risk check.
    with django_assert_num_queries(37):
        response = sales_client.get(reverse("today"))

    found = response.context["digest"]
    assert len(found.of_kind("what_changed")) == customers
    assert len(found.of_kind("meeting")) == customers
    assert len(found.of_kind("attendee_suggestion")) == customers
    assert len(found.of_kind("calendar_error")) == 1


def test_the_customer_page_says_when_the_next_meeting_is_booked(frozen, acme, sales_client):
    factories.booked_meeting(acme, at(TODAY - DAY, 9), "Past")
    factories.booked_meeting(acme, at(TODAY + 9 * DAY, 9), "Later")
    factories.booked_meeting(acme, at(TODAY + 2 * DAY, 13), "Budget review")

    page = sales_client.get(f"/customers/{acme.pk}").content.decode()

    assert "<strong>Meeting booked: Fri 30 Jul 2027, 13:00</strong> · Budget review" in page
