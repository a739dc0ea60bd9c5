"""Today's list: what an owner is told, on the page and in the morning email."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from calendarapp.models import ReminderPreference
from calendarapp.occurrences.stream import RECENT_CALENDARS
from calendarapp.reminders import digest
from calendarapp.reminders.digest import (
    build_digest,
    digest_item_mark,
    record_snapshots,
    reminder_message,
)
from calendarapp.roles import SALES_MANAGERS
from customers.decisions import decision_step_save
from customers.models import Contract, DecisionStep
from tests import factories
from tests.support import page_html

D = datetime.date
TODAY = D(2027, 7, 28)  # a Wednesday
# The first look of the day; asked again with nothing changed, the calendar and the "just a
# data point?" check are remembered (one look at the change log each instead of seven), and
# so are the items made of the calendar and the decision steps (no touch due days, contract
# names or steps).
QUERIES_TODAY = 44
QUERIES_TODAY_AGAIN = 21


def at_eight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(
        day.year, day.month, day.day, 8, tzinfo=zoneinfo.ZoneInfo("Europe/Copenhagen")
    )


def texts(digest, *kinds: str) -> list[str]:
    return [item.text for item in digest.of_kind(*kinds)]


@pytest.fixture
def acme(sales_manager):
    return factories.customer("Acme", "DK", owner=sales_manager, budget_close_month=9)


def test_budget_close_is_reminded_in_the_week_before_its_act_by_day(acme, sales_manager):
    digest = build_digest(sales_manager, TODAY)

    [item] = digest.of_kind("deadline")
    assert item.text == "Acme's budget closes 30 Sep: get into next year's budget"
    assert item.reason == "act by 1 Aug 2027"
    assert (item.day, item.rank, item.customer) == (D(2027, 8, 1), 4, acme.pk)
    assert item.url == reverse("customer-detail", args=[acme.pk])


@pytest.mark.parametrize(
    ("today", "reminded"),
    [
        (D(2027, 7, 25), None),  # act-by day still more than a week away
        (D(2027, 7, 26), "deadline"),
        (D(2027, 8, 1), "act_by"),  # the act-by day itself: due today
        (D(2027, 8, 2), "act_by"),  # passed, and open until the budget closes
    ],
)
def test_budget_close_reminder_window(acme, sales_manager, today, reminded):
    found = [i.kind for i in build_digest(sales_manager, today).items if "budget" in i.text]
    assert found == ([reminded] if reminded else [])


def test_the_year_is_named_when_it_is_not_this_year(sales_manager):
    factories.customer("Northwind", "DK", owner=sales_manager, budget_close_month=2)

    digest = build_digest(sales_manager, D(2027, 12, 28))

    [item] = digest.of_kind("deadline")
    assert item.text == "Northwind's budget closes 29 Feb 2028: get into next year's budget"
    assert item.reason == "act by 31 Dec 2027"


def test_renewal_pre_shopping_and_notice_deadline(acme, sales_manager):
    factories.contract(
        acme, D(2027, 12, 31), name="Licence", notice_period_days=90, pre_shopping_days=120
    )
    factories.contract(acme, D(2027, 11, 30), name="Support", notice_period_days=90)

    digest = build_digest(sales_manager, TODAY)

    assert [(i.text, i.reason) for i in digest.of_kind("deadline")] == [
        ("Acme's budget closes 30 Sep: get into next year's budget", "act by 1 Aug 2027"),
        ("Acme's notice deadline for Support is 1 Sep: agree the renewal", "act by 2 Aug 2027"),
        ("Acme's pre-shopping for Licence opens 2 Sep: make your offer", "act by 3 Aug 2027"),
    ]


def test_customer_events_in_the_next_14_days(acme, sales_manager):
    factories.tradition(
        customer=acme, kind="customer_event", title="Summer party", start=D(2027, 8, 10)
    )
    factories.tradition(customer=acme, kind="customer_event", title="Too far", start=D(2027, 8, 11))
    factories.tradition(
        customer=acme,
        kind="customer_event",
        title="Already running",
        start=D(2027, 7, 27),
        end=D(2027, 7, 29),
    )

    digest = build_digest(sales_manager, TODAY)

    assert texts(digest, "customer_event") == ["Acme: Summer party, 10 Aug"]


def test_busy_season_starting_says_hold_back(acme, sales_manager):
    factories.tradition(
        customer=acme,
        kind="busy_season",
        title="Harvest",
        start=D(2024, 8, 5),
        end=D(2024, 9, 30),
        rule="RRULE:FREQ=YEARLY",
    )

    digest = build_digest(sales_manager, TODAY)

    [item] = digest.of_kind("customer_event")
    assert (item.text, item.reason) == (
        "Acme: Harvest starts 5 Aug, until 30 Sep",
        "their busy season: hold back campaigns",
    )


def test_local_tradition_with_lead_time_names_every_customer_it_concerns(acme, sales_manager):
    factories.customer("Beta", "DK", owner=sales_manager, budget_close_month=12)
    factories.tradition(
        country="DK",
        kind="vacation",
        title="Summer break",
        start=D(2027, 8, 20),
        end=D(2027, 8, 27),
        lead_time_days=20,
    )

    digest = build_digest(sales_manager, TODAY)

    [item] = [item for item in digest.of_kind("deadline") if "Summer break" in item.text]
    assert (item.text, item.reason) == (
        "Acme and Beta: Summer break, 20 Aug – 27 Aug",
        "act by 31 Jul 2027",
    )
    assert item.url == reverse("country-detail", args=["DK"])
    assert item.customer is None


def test_only_the_owners_active_customers(acme, sales_manager, calendar_admin):
    factories.customer("Other", "DK", owner=calendar_admin, budget_close_month=9)
    factories.customer("Dormant", "DK", owner=sales_manager, budget_close_month=9, active=False)

    digest = build_digest(sales_manager, TODAY)

    assert texts(digest, "deadline") == ["Acme's budget closes 30 Sep: get into next year's budget"]


@pytest.fixture
def planned_event(acme, sales_manager):
    plan = factories.plan(
        kind="event",
        title="Roadshow",
        start=D(2027, 8, 10),
        end=D(2027, 8, 11),
        owner=sales_manager,
        customers=[acme],
    )
    return plan


def add_vacation(customer, start, title="Team offsite"):
    return factories.tradition(customer=customer, kind="vacation", title=title, start=start)


def test_a_plans_conflicts_are_one_item_naming_how_many_customers_and_why(
    acme, sales_manager, planned_event
):
    beta = factories.customer("Beta", "DK", owner=sales_manager)
    planned_event.customers.add(beta)
    add_vacation(acme, D(2027, 8, 10))
    add_vacation(beta, D(2027, 8, 10))

    [item] = build_digest(sales_manager, TODAY).of_kind("plan_conflicts")

    assert (item.text, item.reason) == ("Roadshow, 10 Aug", "2 customers away, Team offsite")
    assert (item.rank, item.plan, item.customer, item.day) == (
        5,
        planned_event.pk,
        None,
        D(2027, 8, 10),
    )
    assert item.url == planned_event.get_absolute_url()
    assert item.action == "Open the plan"


def test_a_new_conflict_brings_back_a_plan_item_marked_done_marked_new(
    acme, sales_manager, planned_event
):
    add_vacation(acme, D(2027, 8, 10))
    [item] = build_digest(sales_manager, TODAY).of_kind("plan_conflicts")
    digest_item_mark(user=sales_manager, item_key=item.key, status="done", today=TODAY)
    record_snapshots(build_digest(sales_manager, TODAY))
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert build_digest(sales_manager, tomorrow).of_kind("plan_conflicts") == []

    add_vacation(acme, D(2027, 8, 11), title="Stocktaking")

    [back] = build_digest(sales_manager, tomorrow).of_kind("plan_conflicts")
    assert back.key != item.key and back.new
    assert back.reason == "1 customer away, Team offsite; 1 customer away, Stocktaking"


def test_a_plan_told_of_yesterday_is_not_new_today(acme, sales_manager, planned_event):
    add_vacation(acme, D(2027, 8, 10))
    record_snapshots(build_digest(sales_manager, TODAY))

    [item] = build_digest(sales_manager, TODAY + datetime.timedelta(days=1)).of_kind(
        "plan_conflicts"
    )
    assert not item.new


def test_snapshots_no_day_can_need_are_dropped(acme, sales_manager, planned_event):
    add_vacation(acme, D(2027, 8, 10))
    for offset in range(4):
        record_snapshots(build_digest(sales_manager, TODAY + datetime.timedelta(days=offset)))

    days = sorted(planned_event.finding_snapshots.values_list("day", flat=True))
    assert days == [TODAY + datetime.timedelta(days=2), TODAY + datetime.timedelta(days=3)]


def test_email_has_text_and_html_with_links(acme, sales_manager, settings):
    settings.SITE_URL = "https://calendar.example.com"
    digest = build_digest(sales_manager, TODAY)

    message = reminder_message(sales_manager, digest)

    assert message.to == ["sam@example.com"]
    # The budget's act-by day, and the strategy season open since 22 Jul (10 weeks before 30 Sep).
    assert message.subject == "Today: 2 things to do for your customers"
    assert "1. Acme's budget closes 30 Sep: get into next year's budget (1 Aug)" in message.body
    assert "2. Acme: shaping next year's strategy until 2 Sep (2 Sep)" in message.body
    assert "   act by 1 Aug 2027" in message.body
    assert "If you could change one thing in your business next year" in message.body
    assert f"Open the brief: https://calendar.example.com/customers/{acme.pk}" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "Acme&#x27;s budget closes 30 Sep" in html
    assert f'href="https://calendar.example.com/customers/{acme.pk}"' in html
    assert "https://calendar.example.com/today/" in html


@pytest.fixture
def frozen():
    """Freeze today before anyone logs in, so the session is fresh at that time."""
    with time_machine.travel(at_eight(TODAY), tick=False):
        yield TODAY


def test_today_page_shows_todays_list(frozen, acme, sales_client):
    response = sales_client.get(reverse("today"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Acme&#x27;s budget closes 30 Sep: get into next year&#x27;s budget" in page
    assert "act by 1 Aug 2027" in page
    assert "Wednesday 28 July 2027" in page
    assert "Stop reminder emails" in page


def test_this_weeks_address_leads_to_today(frozen, sales_client):
    response = sales_client.get(reverse("this-week"))

    assert response.status_code == 302
    assert response["Location"] == reverse("today")


def test_today_page_with_nothing_to_do(acme, client, sales_manager):
    acme.delete()
    client.force_login(sales_manager)
    page = client.get(reverse("today")).content.decode()
    assert "Nothing needs you today" in page


def test_reminder_emails_can_be_switched_off_and_on(sales_client, sales_manager):
    response = sales_client.post(reverse("this-week"), {"reminders_enabled": "off"}, follow=True)

    assert not digest.reminders_enabled(sales_manager)
    page = response.content.decode()
    assert "Reminder emails are off" in page
    assert "Email me this list each morning" in page

    sales_client.post(reverse("this-week"), {"reminders_enabled": "on"})
    assert digest.reminders_enabled(sales_manager)
    assert ReminderPreference.objects.filter(user=sales_manager).count() == 1


def test_a_bad_switch_value_is_refused_by_name(sales_client, sales_manager):
    response = sales_client.post(reverse("this-week"), {"reminders_enabled": "maybe"})

    assert response.status_code == 400
    assert "reminders_enabled" in response.content.decode()
    assert digest.reminders_enabled(sales_manager)


def test_an_account_without_email_is_told_no_reminder_can_reach_it(client, db):
    client.force_login(factories.user("no-email", SALES_MANAGERS))

    page = client.get(reverse("today")).content.decode()

    assert "Your account has no email address" in page


def test_a_user_outside_both_roles_gets_403(client, nobody):
    client.force_login(nobody)

    assert client.get(reverse("today")).status_code == 403


def test_today_needs_a_login(client):
    response = client.get(reverse("today"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def add_customers_with_plans(owner, count: int) -> None:
    for number in range(count):
        customer = factories.customer(f"Customer {number}", "DE", subdivision="BY", owner=owner)
        factories.tradition(
            customer=customer, kind="customer_event", title="Fair", start=D(2027, 8, 2)
        )
        factories.contract(customer, D(2027, 11, 30), name=f"Contract {number}")
        factories.plan(
            kind="event",
            title=f"Visit {number}",
            start=D(2027, 8, 2),
            end=D(2027, 8, 2),
            owner=owner,
            customers=[customer],
        )


def found_items(response):
    return response.context["digest"].items


def test_today_page_shows_an_edit_on_the_next_request(frozen, acme, sales_client):
    """The items made of the calendar are remembered with it, and renewed with it after an
    edit of anything they read: here a contract renamed and a step marked done by raw
    updates, and a new event."""
    contract = factories.contract(acme, D(2027, 11, 30), name="Support", notice_period_days=90)
    step = decision_step_save(customer=acme, title="Budget review", date=D(2027, 7, 26))
    before = page_html(sales_client, reverse("today"))
    assert page_html(sales_client, reverse("today")) == before  # made from memory
    Contract.objects.filter(pk=contract.pk).update(name="Hosting")
    DecisionStep.objects.filter(pk=step.pk).update(done=True)
    factories.tradition(
        customer=acme, kind="customer_event", title="Summer party", start=D(2027, 8, 10)
    )
    after = page_html(sales_client, reverse("today"))
    assert "notice deadline for Support" in before and "Acme: Budget review" in before
    assert "Summer party" not in before
    assert "notice deadline for Hosting" in after and "Acme: Summer party, 10 Aug" in after
    assert "Budget review" not in after
    RECENT_CALENDARS.clear()
    assert page_html(sales_client, reverse("today")) == after  # as a cold process makes it


# 40: more plans than a calendar keeps checks of (MEMO_KEEP), which must not push out its items.
@pytest.mark.parametrize("customers", [2, 20, 40])
def test_page_queries_do_not_grow_with_customers_or_items(
    frozen, sales_client, sales_manager, django_assert_num_queries, customers
):
    add_customers_with_plans(sales_manager, customers)

    # 4 for the customers' next touches, 1 for their touch due days, 2 for decision steps
    # (due, and in the stream), 1 for the steps' contracts, 7 for the "just a data point?"
    # check (and 1 for where the change log stood before it), 1 for the plans, 3 for their
    # audiences and offers, 1 for the last reminder, 1 for the marks, 4 for the user's calendars
    # (logged meetings asking what changed, calendars in error, booked meetings, the customers'
    # email domains), and the session, the
    # user and the one calendar's own (the plan check reads the same calendar: 6 fewer than
    # with its own).
    with django_assert_num_queries(QUERIES_TODAY):
        response = sales_client.get(reverse("today"))
    with django_assert_num_queries(QUERIES_TODAY_AGAIN):
        assert sales_client.get(reverse("today")).context["digest"].items == found_items(response)

    found = response.context["digest"]
    assert len(found.of_kind("customer_event")) == customers
    assert len(found.of_kind("plan_conflicts")) == customers
    assert len(found.of_kind("deadline")) == customers


def test_owners_to_remind(sales_manager, calendar_admin, acme):
    factories.user("no-email")
    silent = factories.user("silent", email="silent@example.com")
    factories.customer("Silent's customer", "DK", owner=silent)
    ReminderPreference.objects.create(user=silent, reminders_enabled=False)
    planner = factories.user("planner", email="planner@example.com")
    factories.plan(
        kind="campaign", title="Mailing", start=TODAY, end=TODAY, owner=planner, countries=["DK"]
    )

    assert digest.owners_to_remind(TODAY) == [sales_manager.pk, planner.pk]
