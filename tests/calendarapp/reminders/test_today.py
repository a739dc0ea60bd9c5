"""Today's ranking: what comes first, one item per plan, 90 days ahead, the same in the email."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendarapp.reminders.digest import build_digest, build_digests, reminder_message
from calendarapp.roles import SALES_MANAGERS
from customers.services import touchpoint_log
from tests import factories

D = datetime.date
DAY = datetime.timedelta(days=1)
TODAY = D(2027, 1, 6)  # a Wednesday


def at_eight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(
        day.year, day.month, day.day, 8, tzinfo=zoneinfo.ZoneInfo("Europe/Copenhagen")
    )


@pytest.fixture
def frozen():
    with time_machine.travel(at_eight(TODAY), tick=False):
        yield TODAY


@pytest.fixture
def acme(sales_manager):
    return factories.customer("Acme", "DK", owner=sales_manager, budget_close_month=9)


def plan_with_a_conflict(owner, customers, start, title="AI webinar for the Nordics"):
    """A webinar on a day the customers are away (each gets an offsite that day)."""
    for customer in customers:
        factories.tradition(customer=customer, kind="vacation", title="Offsite", start=start)
    return factories.plan(
        kind="event", title=title, start=start, owner=owner, customers=list(customers)
    )


def test_an_overdue_touch_comes_before_a_plans_conflicts(frozen, acme, sales_manager):
    plan_with_a_conflict(sales_manager, [acme], TODAY + 2 * DAY)
    touchpoint_log(customer=acme, date=TODAY - 60 * DAY, channel="phone")

    items = build_digest(sales_manager, TODAY).items

    assert [item.kind for item in items] == ["touch_overdue", "plan_conflicts"]
    assert [item.rank for item in items] == [1, 5]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    touched_days_ago=st.integers(min_value=46, max_value=400),
    plan_in=st.integers(min_value=0, max_value=90),
)
def test_the_list_is_in_rank_order_whatever_the_dates(sales_manager, touched_days_ago, plan_in):
    with time_machine.travel(at_eight(TODAY), tick=False):
        customer = factories.customer(f"C{touched_days_ago}-{plan_in}", "DK", owner=sales_manager)
        touchpoint_log(customer=customer, date=TODAY - touched_days_ago * DAY, channel="phone")
        plan_with_a_conflict(sales_manager, [customer], TODAY + plan_in * DAY)

        items = build_digest(sales_manager, TODAY).items

    ranks = [item.rank for item in items]
    assert ranks == sorted(ranks)
    kinds = [item.kind for item in items]
    assert kinds.index("touch_overdue") < kinds.index("plan_conflicts")


def test_a_plans_conflicts_across_customers_are_one_item(frozen, sales_manager):
    nordics = [factories.customer(f"Nordic {n}", "NO", owner=sales_manager) for n in range(9)]
    plan = plan_with_a_conflict(sales_manager, nordics, D(2027, 1, 12))

    [item] = build_digest(sales_manager, TODAY).of_kind("plan_conflicts")

    assert (item.text, item.reason) == (
        "AI webinar for the Nordics, 12 Jan",
        "9 customers away, Offsite",
    )
    assert item.plan == plan.pk


def test_plans_further_than_90_days_out_are_left_out_nearest_first(frozen, acme, sales_manager):
    plan_with_a_conflict(sales_manager, [acme], TODAY + 91 * DAY, title="Too far")
    plan_with_a_conflict(sales_manager, [acme], TODAY + 90 * DAY, title="Last in")
    plan_with_a_conflict(sales_manager, [acme], TODAY + 10 * DAY, title="Next up")

    items = build_digest(sales_manager, TODAY).of_kind("plan_conflicts")

    assert [item.text.split(",")[0] for item in items] == ["Next up", "Last in"]


def test_meetings_today_and_tomorrow_name_each_customer_with_its_brief(frozen, acme, sales_manager):
    beta = factories.customer("Beta", "DK", owner=sales_manager)
    factories.plan(
        kind="meeting",
        title="Renewal talk",
        start=TODAY,
        owner=sales_manager,
        customers=[acme, beta],
    )
    factories.plan(
        kind="visit", title="Site visit", start=TODAY + DAY, owner=sales_manager, customers=[beta]
    )
    factories.plan(
        kind="meeting", title="Later", start=TODAY + 2 * DAY, owner=sales_manager, customers=[acme]
    )

    items = build_digest(sales_manager, TODAY).of_kind("meeting")

    assert [(i.text, i.reason, i.rank) for i in items] == [
        ("Meeting with Acme: Renewal talk", "today: read the brief before you go", 2),
        ("Meeting with Beta: Renewal talk", "today: read the brief before you go", 2),
        ("Visit with Beta: Site visit", "tomorrow: read the brief before you go", 2),
    ]
    assert items[0].action == "Open the brief"
    assert items[0].url == reverse("customer-detail", args=[acme.pk])


def test_items_that_joined_after_the_last_reminder_are_new(frozen, acme, sales_manager):
    factories.tradition(
        customer=acme, kind="customer_event", title="Partner day", start=TODAY + 14 * DAY - DAY
    )
    factories.tradition(
        customer=acme, kind="customer_event", title="Kick-off", start=TODAY + 3 * DAY
    )
    assert not any(item.new for item in build_digest(sales_manager, TODAY).items)

    acme.owner.sent_reminders.create(day=TODAY - DAY, item_count=1)

    found = {item.text.split(",")[0]: item.new for item in build_digest(sales_manager, TODAY).items}
    # Partner day came within 14 days today; Kick-off was already there yesterday.
    assert found == {"Acme: Partner day": True, "Acme: Kick-off": False}


def titles(html: str) -> list[str]:
    return re.findall(r'class="today-title">([^<]*)</a>', html)


def test_the_morning_email_lists_what_the_page_lists_in_the_same_order(
    frozen, acme, sales_manager, sales_client
):
    touchpoint_log(customer=acme, date=TODAY - 60 * DAY, channel="phone")
    plan_with_a_conflict(sales_manager, [acme], TODAY + 20 * DAY)
    factories.tradition(
        customer=acme, kind="customer_event", title="Partner day", start=TODAY + 5 * DAY
    )
    factories.plan(kind="meeting", title="Talk", start=TODAY, owner=sales_manager, customers=[acme])

    page = sales_client.get(reverse("today")).content.decode()
    message = reminder_message(sales_manager, build_digest(sales_manager, TODAY))

    on_page = titles(page)
    assert len(on_page) == 4
    assert titles(message.alternatives[0][0]) == on_page
    numbered = re.findall(r"^\d+\. (.*) \(", message.body, flags=re.MULTILINE)
    assert [line.replace("'", "&#x27;") for line in numbered] == on_page


def test_one_calendar_serves_every_owners_list_as_each_owners_own(frozen, acme, sales_manager):
    kenji = factories.user("kenji", SALES_MANAGERS)
    theirs = factories.customer("Theirs", "DK", owner=kenji, budget_close_month=9)
    touchpoint_log(customer=theirs, date=TODAY - 60 * DAY, channel="phone")
    plan_with_a_conflict(kenji, [theirs, acme], TODAY + 3 * DAY)

    together = build_digests([sales_manager, kenji], TODAY)

    for owner in (sales_manager, kenji):
        alone = build_digest(owner, TODAY)
        assert together[owner.pk].items == alone.items
    assert [i.kind for i in together[kenji.pk].items] == ["touch_overdue", "plan_conflicts"]


def test_a_customer_only_my_plan_reaches_stays_off_my_list(frozen, acme, sales_manager):
    """The calendar holds the plan's audience and its lead-in days for the check, not for the list."""
    kenji = factories.user("kenji", SALES_MANAGERS)
    theirs = factories.customer("Theirs", "DK", owner=kenji)
    touchpoint_log(customer=theirs, date=TODAY - 60 * DAY, channel="phone")
    factories.tradition(
        customer=theirs, kind="customer_event", title="Partner day", start=TODAY + 5 * DAY
    )
    factories.tradition(customer=acme, kind="customer_event", title="Kick-off", start=TODAY - DAY)
    plan_with_a_conflict(sales_manager, [theirs], TODAY + 3 * DAY)

    mine = build_digest(sales_manager, TODAY).items

    assert [(item.kind, item.text) for item in mine] == [
        ("plan_conflicts", "AI webinar for the Nordics, 9 Jan")
    ]
    assert "Partner day" in " ".join(item.text for item in build_digest(kenji, TODAY).items)


@pytest.mark.parametrize("owners", [2, 6])
def test_every_owners_list_costs_the_same_queries_however_many_owners(
    db, frozen, django_assert_num_queries, owners
):
    people = []
    for number in range(owners):
        owner = factories.user(f"owner{number}", SALES_MANAGERS)
        customer = factories.customer(f"Customer {number}", "DK", owner=owner)
        touchpoint_log(customer=customer, date=TODAY - 60 * DAY, channel="phone")
        plan_with_a_conflict(owner, [customer], TODAY + 3 * DAY)
        people.append(owner)

    # One calendar serves every list and the plan check.
    with django_assert_num_queries(38):  # 37 and the change log's mark for the risk check
        found = build_digests(people, TODAY)

    assert all(len(one.items) == 2 for one in found.values())


def test_sales_managers_land_on_today_and_calendar_admins_on_the_timeline(
    client, sales_manager, calendar_admin
):
    for user, home in ((sales_manager, reverse("today")), (calendar_admin, reverse("timeline"))):
        response = client.post(
            reverse("login"), {"username": user.username, "password": factories.PASSWORD}
        )
        assert response["Location"] == home
        page = client.get(home).content.decode()
        assert f'<a class="brand" href="{home}">' in page
        client.logout()


def test_a_next_page_still_wins_over_today(client, sales_manager):
    response = client.post(
        reverse("login") + "?next=/plans/",
        {"username": sales_manager.username, "password": factories.PASSWORD},
    )
    assert response["Location"] == "/plans/"


def test_the_list_says_its_days_as_seen_on_its_own_day_not_the_clocks(acme, sales_manager):
    """A list for 30 December sent after midnight says the new year's days with their year."""
    eve = D(2026, 12, 30)
    factories.tradition(customer=acme, kind="customer_event", title="Kick-off", start=TODAY)
    with time_machine.travel(at_eight(eve), tick=False):
        digest = build_digest(sales_manager, eve)
    with time_machine.travel(at_eight(TODAY - 5 * DAY), tick=False):  # 1 January
        html = reminder_message(sales_manager, digest).alternatives[0][0]
    assert "Wednesday 30 December" in html
    assert f'<time datetime="{TODAY}">Wed 6 Jan 2027</time>' in html
