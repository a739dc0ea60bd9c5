"""This week keeps open windows listed after their act-by day; items can be done or snoozed."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendarapp.lib import evidence
from calendarapp.models import DigestItemState, PlanStatus
from calendarapp.reminders.digest import build_digest, deliver_reminder, digest_item_mark
from tests import factories

D = datetime.date
TODAY = D(2027, 8, 10)  # past the act-by day of a 30 Sep budget close (1 Aug)


def texts(items) -> list[str]:
    return [item.text for item in items]


@pytest.fixture
def acme(sales_manager):
    # Its strategy season (23-30 Sep) stays out of these August lists; tested on its own below.
    return factories.customer(
        "Acme",
        "DK",
        owner=sales_manager,
        budget_close_month=9,
        strategy_weeks_before_start=1,
        strategy_weeks_before_end=0,
    )


@pytest.fixture
def nordlys(sales_manager):
    """Shapes next year's strategy 22 Jul - 2 Sep 2027 (10 to 4 weeks before 30 Sep)."""
    return factories.customer("Nordlys Retail", "NO", owner=sales_manager, budget_close_month=9)


def strategy_items(digest) -> dict[str, list[str]]:
    return {
        name: [i.text for i in getattr(digest, name) if "strategy" in i.text]
        for name in ("open_now", "strategies")
        if any("strategy" in i.text for i in getattr(digest, name))
    }


@pytest.mark.parametrize(
    ("today", "section"),
    [
        (D(2027, 7, 8), None),  # 14 days before it starts
        (D(2027, 7, 9), "strategies"),  # starting in the next 14 days
        (D(2027, 7, 22), "open_now"),  # its first day
        (D(2027, 8, 10), "open_now"),  # half way: still open
        (D(2027, 9, 2), "open_now"),  # its last day
        (D(2027, 9, 3), None),
    ],
)
def test_a_strategy_season_is_listed_as_open_for_all_its_weeks(
    nordlys, sales_manager, today, section
):
    found = strategy_items(build_digest(sales_manager, today))
    assert list(found) == ([section] if section else [])


def test_an_open_strategy_season_asks_the_open_question_and_counts_its_days(nordlys, sales_manager):
    digest = build_digest(sales_manager, TODAY)
    assert texts(digest.open_now) == [
        "Nordlys Retail: shaping next year's strategy until 2 Sep: ask what they want to change,"
        " “If you could change one thing in your business next year, what would it be?”"
        " (24 days left)",
        "Nordlys Retail's budget closes 30 Sep: get into next year's budget now (52 days left)",
    ]


def test_an_open_strategy_season_marked_done_stays_hidden_all_season_and_from_the_email(
    nordlys, sales_manager, mailoutbox
):
    season = build_digest(sales_manager, TODAY).open_now[0]
    digest_item_mark(user=sales_manager, item_key=season.key, status="done", today=TODAY)

    later = build_digest(sales_manager, D(2027, 8, 30))
    assert not strategy_items(later)
    assert [(i.text.split(":")[0], i.state) for i in later.hidden] == [("Nordlys Retail", "done")]
    deliver_reminder(sales_manager.pk, TODAY)
    [email] = mailoutbox
    assert "shaping next year" not in email.body and "budget closes 30 Sep" in email.body


def test_an_open_strategy_season_snoozed_comes_back_in_a_week(nordlys, sales_manager):
    season = build_digest(sales_manager, TODAY).open_now[0]
    digest_item_mark(user=sales_manager, item_key=season.key, status="snoozed", today=TODAY)
    assert not strategy_items(build_digest(sales_manager, D(2027, 8, 16)))
    assert strategy_items(build_digest(sales_manager, D(2027, 8, 17))) == {
        "open_now": [
            "Nordlys Retail: shaping next year's strategy until 2 Sep: ask what they want to"
            " change, “If you could change one thing in your business next year, what would it"
            " be?” (17 days left)"
        ]
    }


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(today=st.dates(min_value=D(2027, 11, 1), max_value=D(2028, 3, 31)))
def test_a_strategy_season_across_the_year_end_is_open_on_each_of_its_days_only(
    sales_manager, today
):
    # A leap-day close (29 Feb 2028): the season runs 21 Dec 2027 - 1 Feb 2028.
    if not sales_manager.customers.exists():
        factories.customer("Leap", "DK", owner=sales_manager, budget_close_month=2)
    start, end = evidence.strategy_season(2028, 2, 10, 4)
    assert (start, end) == (D(2027, 12, 21), D(2028, 2, 1))

    found = strategy_items(build_digest(sales_manager, today))

    if start <= today <= end:
        assert list(found) == ["open_now"] and len(found["open_now"]) == 1
    elif today < start <= today + datetime.timedelta(days=13):
        assert list(found) == ["strategies"]
    else:
        assert found == {}


def test_the_morning_email_lists_an_open_strategy_season_with_its_question(
    nordlys, sales_manager, mailoutbox
):
    deliver_reminder(sales_manager.pk, TODAY)
    [email] = mailoutbox
    assert "OPEN NOW (2)" in email.body
    assert "- Nordlys Retail: shaping next year's strategy until 2 Sep" in email.body
    assert "If you could change one thing in your business next year" in email.alternatives[0][0]


@pytest.fixture
def frozen():
    moment = datetime.datetime(2027, 8, 10, 8, tzinfo=zoneinfo.ZoneInfo("Europe/Copenhagen"))
    with time_machine.travel(moment, tick=False):
        yield TODAY


def test_a_budget_lead_in_stays_listed_under_open_now_after_its_act_by_day(acme, sales_manager):
    digest = build_digest(sales_manager, TODAY)

    assert digest.act_now == []
    assert texts(digest.open_now) == [
        "Acme's budget closes 30 Sep: get into next year's budget now (52 days left)"
    ]
    assert digest.sections[0][0] == "Open now"


@pytest.mark.parametrize(
    ("today", "section"),
    [
        (D(2027, 7, 31), "act_now"),
        (D(2027, 8, 1), "act_now"),  # the act-by day itself
        (D(2027, 8, 2), "open_now"),
        (D(2027, 9, 30), "open_now"),  # the last day before the budget is set
        (D(2027, 10, 1), None),
    ],
)
def test_a_budget_close_moves_from_act_now_to_open_now_until_it_closes(
    acme, sales_manager, today, section
):
    digest = build_digest(sales_manager, today)
    budget_items = {
        name: [i for i in getattr(digest, name) if "budget" in i.text]
        for name in ("act_now", "open_now")
    }
    assert [name for name, found in budget_items.items() if found] == ([section] if section else [])


def test_an_open_pre_shopping_window_is_listed_until_the_notice_deadline(acme, sales_manager):
    # Ends 31 Dec: pre-shopping opens 2 Sep (120 days), notice deadline 2 Oct (90 days).
    factories.contract(
        acme, D(2027, 12, 31), name="Licence", notice_period_days=90, pre_shopping_days=120
    )

    before_it_opens = build_digest(sales_manager, D(2027, 8, 20))
    while_open = build_digest(sales_manager, D(2027, 9, 20))
    after = build_digest(sales_manager, D(2027, 10, 2))

    assert (
        "Acme's pre-shopping for Licence opens 2 Sep until 1 Oct: make your offer (43 days left)"
        in texts(before_it_opens.open_now)
    )
    assert (
        "Acme's pre-shopping for Licence is open until 1 Oct: make your offer (12 days left)"
        in texts(while_open.open_now)
    )
    assert not any("Licence" in text for text in texts(after.open_now))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(today=st.dates(min_value=D(2027, 12, 1), max_value=D(2028, 3, 10)))
def test_a_budget_close_is_listed_once_from_a_week_before_its_act_by_day_until_it_closes(
    sales_manager, today
):
    # The customer's budget closes on a leap day, 29 Feb 2028; its act-by day is 31 Dec 2027.
    if not sales_manager.customers.exists():
        factories.customer("Leap", "DK", owner=sales_manager, budget_close_month=2)
    close, act_by = D(2028, 2, 29), D(2027, 12, 31)

    digest = build_digest(sales_manager, today)

    act_now = [i for i in digest.act_now if "budget" in i.text]
    open_now = [i for i in digest.open_now if "budget" in i.text]
    assert len(act_now) == (today <= act_by < today + datetime.timedelta(days=7))
    assert len(open_now) == (act_by < today <= close)


def test_done_and_snoozed_items_leave_the_list_and_a_snoozed_one_comes_back_in_a_week(
    acme, sales_manager
):
    factories.tradition(
        customer=acme, kind="customer_event", title="Summer party", start=D(2027, 8, 12)
    )
    digest = build_digest(sales_manager, TODAY)
    budget_item, party = digest.open_now[0], digest.events[0]

    digest_item_mark(user=sales_manager, item_key=budget_item.key, status="done", today=TODAY)
    digest_item_mark(user=sales_manager, item_key=party.key, status="snoozed", today=TODAY)
    later = build_digest(sales_manager, TODAY)

    assert later.item_count == 0
    assert [(i.text, i.state) for i in later.hidden] == [
        (budget_item.text, "done"),
        (party.text, "snoozed until 17 Aug"),
    ]
    # A week on, the snoozed item is back; the done one stays away.
    week_on = build_digest(sales_manager, D(2027, 8, 17))
    assert texts(week_on.open_now) == []
    assert [i.key for i in week_on.hidden] == [budget_item.key]


def test_marks_are_per_user(acme, sales_manager, calendar_admin):
    acme.owner = calendar_admin
    acme.save()
    [item] = build_digest(calendar_admin, TODAY).open_now
    digest_item_mark(user=sales_manager, item_key=item.key, status="done", today=TODAY)

    assert texts(build_digest(calendar_admin, TODAY).open_now) == [item.text]


def test_the_morning_email_leaves_out_done_items(acme, sales_manager, mailoutbox):
    factories.tradition(
        customer=acme, kind="customer_event", title="Summer party", start=D(2027, 8, 12)
    )
    [item] = build_digest(sales_manager, TODAY).open_now
    digest_item_mark(user=sales_manager, item_key=item.key, status="done", today=TODAY)

    deliver_reminder(sales_manager.pk, TODAY)

    [email] = mailoutbox
    assert "Summer party" in email.body
    assert "budget" not in email.body
    assert email.subject == "This week: 1 reminder for your customers"


def test_the_page_marks_an_item_done_snoozes_and_brings_it_back(
    frozen, acme, sales_client, sales_manager
):
    page = sales_client.get(reverse("this-week")).content.decode()
    assert "Open now" in page and 'value="snooze"' in page
    [item] = build_digest(sales_manager, TODAY).open_now

    response = sales_client.post(
        reverse("this-week-item"), {"item": item.key, "action": "snooze"}, follow=True
    )
    page = response.content.decode()
    assert "Snoozed for a week: it comes back on 17 Aug." in page
    assert "Done and snoozed" in page and "Snoozed until 17 Aug" in page
    assert DigestItemState.objects.get().snoozed_until == D(2027, 8, 17)

    sales_client.post(reverse("this-week-item"), {"item": item.key, "action": "undo"})
    assert not DigestItemState.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"item": "budget-1-2027", "action": "later"}, "action"),
        ({"item": "", "action": "done"}, "item"),
        ({"item": "x" * 201, "action": "done"}, "item"),
        ({"item": "budget-1\x002027", "action": "done"}, "item"),
    ],
)
def test_a_bad_mark_is_refused_naming_the_field(frozen, sales_client, data, field):
    response = sales_client.post(reverse("this-week-item"), data)

    assert response.status_code == 400
    assert f"field {field}" in response.content.decode()
    assert not DigestItemState.objects.exists()


def test_a_cancelled_plans_conflicts_are_not_reminded(acme, sales_manager):
    plan = factories.plan(
        owner=sales_manager, title="Roadshow", start=D(2027, 8, 18), customers=[acme]
    )
    factories.tradition(customer=acme, kind="vacation", title="Offsite", start=D(2027, 8, 18))
    assert build_digest(sales_manager, TODAY).conflicts

    plan.status = PlanStatus.CANCELLED
    plan.save()

    assert build_digest(sales_manager, TODAY).conflicts == []


def test_the_page_costs_the_same_queries_with_2_and_20_marked_items(
    frozen, sales_client, sales_manager, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            number = sales_manager.customers.count()
            customer = factories.customer(
                f"Customer {number}", "DK", owner=sales_manager, budget_close_month=9
            )
            key = f"budget-{customer.pk}-2027"
            digest_item_mark(user=sales_manager, item_key=key, status="done", today=TODAY)

    add(2)
    with django_assert_max_num_queries(40) as captured:
        sales_client.get(reverse("this-week"))
    add(18)
    with django_assert_max_num_queries(len(captured)):
        response = sales_client.get(reverse("this-week"))
    assert len(response.context["digest"].hidden) == 20


def test_snoozes_that_ran_out_are_dropped_when_the_user_marks_again(acme, sales_manager):
    digest_item_mark(user=sales_manager, item_key="old", status="snoozed", today=TODAY)
    digest_item_mark(user=sales_manager, item_key="kept", status="done", today=TODAY)

    later = TODAY + datetime.timedelta(days=8)
    digest_item_mark(user=sales_manager, item_key="new", status="snoozed", today=later)

    assert sorted(DigestItemState.objects.values_list("item_key", flat=True)) == ["kept", "new"]
