"""Today keeps open windows listed after their act-by day; items can be done or snoozed."""

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


def texts(digest, *kinds: str) -> list[str]:
    return [item.text for item in digest.of_kind(*kinds)]


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


def strategy_items(digest) -> list[str]:
    return [f"{i.text}: {i.reason}" for i in digest.of_kind("strategy_season_open")]


@pytest.mark.parametrize(
    ("today", "listed"),
    [
        (D(2027, 7, 21), False),  # the day before it starts
        (D(2027, 7, 22), True),  # its first day
        (D(2027, 8, 10), True),  # half way: still open
        (D(2027, 9, 2), True),  # its last day
        (D(2027, 9, 3), False),
    ],
)
def test_a_strategy_season_is_listed_as_open_for_all_its_weeks(
    nordlys, sales_manager, today, listed
):
    assert len(strategy_items(build_digest(sales_manager, today))) == listed


def test_an_open_strategy_season_asks_the_open_question_and_counts_its_days(nordlys, sales_manager):
    digest = build_digest(sales_manager, TODAY)
    assert [(i.kind, i.text, i.reason) for i in digest.items] == [
        (
            "act_by",
            "Nordlys Retail's budget closes 30 Sep: get into next year's budget",
            "act-by date 1 Aug 2027 has passed (52 days left)",
        ),
        (
            "strategy_season_open",
            "Nordlys Retail: shaping next year's strategy until 2 Sep",
            "ask what they want to change, “If you could change one thing in your business next"
            " year, what would it be?” (24 days left)",
        ),
    ]


def test_an_open_strategy_season_marked_done_stays_hidden_all_season_and_from_the_email(
    nordlys, sales_manager, mailoutbox
):
    [season] = build_digest(sales_manager, TODAY).of_kind("strategy_season_open")
    digest_item_mark(user=sales_manager, item_key=season.key, status="done", today=TODAY)

    later = build_digest(sales_manager, D(2027, 8, 30))
    assert not strategy_items(later)
    assert [(i.text.split(":")[0], i.state) for i in later.hidden] == [("Nordlys Retail", "done")]
    deliver_reminder(sales_manager.pk, TODAY)
    [email] = mailoutbox
    assert "shaping next year" not in email.body and "budget closes 30 Sep" in email.body


def test_an_open_strategy_season_snoozed_comes_back_in_a_week(nordlys, sales_manager):
    [season] = build_digest(sales_manager, TODAY).of_kind("strategy_season_open")
    digest_item_mark(user=sales_manager, item_key=season.key, status="snoozed", today=TODAY)
    assert not strategy_items(build_digest(sales_manager, D(2027, 8, 16)))
    assert strategy_items(build_digest(sales_manager, D(2027, 8, 17))) == [
        "Nordlys Retail: shaping next year's strategy until 2 Sep: ask what they want to"
        " change, “If you could change one thing in your business next year, what would it"
        " be?” (17 days left)"
    ]


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

    assert len(found) == (start <= today <= end)


def test_the_morning_email_lists_an_open_strategy_season_with_its_question(
    nordlys, sales_manager, mailoutbox
):
    deliver_reminder(sales_manager.pk, TODAY)
    [email] = mailoutbox
    assert "2. Nordlys Retail: shaping next year's strategy until 2 Sep" in email.body
    assert "If you could change one thing in your business next year" in email.alternatives[0][0]


@pytest.fixture
def frozen():
    moment = datetime.datetime(2027, 8, 10, 8, tzinfo=zoneinfo.ZoneInfo("Europe/Copenhagen"))
    with time_machine.travel(moment, tick=False):
        yield TODAY


def test_a_budget_lead_in_stays_due_after_its_act_by_day_until_it_closes(acme, sales_manager):
    [item] = build_digest(sales_manager, TODAY).items

    assert (item.kind, item.rank, item.day) == ("act_by", 1, D(2027, 9, 30))
    assert item.text == "Acme's budget closes 30 Sep: get into next year's budget"
    assert item.reason == "act-by date 1 Aug 2027 has passed (52 days left)"


@pytest.mark.parametrize(
    ("today", "section"),
    [
        (D(2027, 7, 31), "deadline"),
        (D(2027, 8, 1), "act_by"),  # the act-by day itself
        (D(2027, 8, 2), "act_by"),
        (D(2027, 9, 30), "act_by"),  # the last day before the budget is set
        (D(2027, 10, 1), None),
    ],
)
def test_a_budget_close_moves_from_this_week_to_due_now_until_it_closes(
    acme, sales_manager, today, section
):
    found = [i.kind for i in build_digest(sales_manager, today).items if "budget" in i.text]
    assert found == ([section] if section else [])


def test_an_open_pre_shopping_window_is_listed_until_the_notice_deadline(acme, sales_manager):
    # Ends 31 Dec: pre-shopping opens 2 Sep (120 days), notice deadline 2 Oct (90 days).
    factories.contract(
        acme, D(2027, 12, 31), name="Licence", notice_period_days=90, pre_shopping_days=120
    )

    before_it_opens = build_digest(sales_manager, D(2027, 8, 20))
    while_open = build_digest(sales_manager, D(2027, 9, 20))
    after = build_digest(sales_manager, D(2027, 10, 2))

    [opening] = [i for i in before_it_opens.of_kind("act_by") if "Licence" in i.text]
    assert (opening.text, opening.day) == (
        "Acme's pre-shopping for Licence opens 2 Sep: make your offer",
        D(2027, 10, 1),
    )
    assert opening.reason.endswith("(43 days left)")
    assert [i.text for i in while_open.of_kind("act_by") if "Licence" in i.text] == [
        "Acme's pre-shopping for Licence is open since 2 Sep: make your offer",
        # The notice deadline's act-by day passed too: due until the deadline itself.
        "Acme's notice deadline for Licence is 2 Oct: agree the renewal",
    ]
    assert not any("pre-shopping for Licence" in text for text in texts(after, "act_by"))


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

    this_week = [i for i in digest.of_kind("deadline") if "budget" in i.text]
    due_now = [i for i in digest.of_kind("act_by") if "budget" in i.text]
    assert len(this_week) == (today < act_by < today + datetime.timedelta(days=7))
    assert len(due_now) == (act_by <= today <= close)


def test_done_and_snoozed_items_leave_the_list_and_a_snoozed_one_comes_back_in_a_week(
    acme, sales_manager
):
    factories.tradition(
        customer=acme, kind="customer_event", title="Summer party", start=D(2027, 8, 12)
    )
    digest = build_digest(sales_manager, TODAY)
    [budget_item], [party] = digest.of_kind("act_by"), digest.of_kind("customer_event")

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
    assert texts(week_on, "act_by") == []
    assert [i.key for i in week_on.hidden] == [budget_item.key]


def test_marks_are_per_user(acme, sales_manager, calendar_admin):
    acme.owner = calendar_admin
    acme.save()
    [item] = build_digest(calendar_admin, TODAY).items
    digest_item_mark(user=sales_manager, item_key=item.key, status="done", today=TODAY)

    assert texts(build_digest(calendar_admin, TODAY), "act_by") == [item.text]


def test_the_morning_email_leaves_out_done_items(acme, sales_manager, mailoutbox):
    factories.tradition(
        customer=acme, kind="customer_event", title="Summer party", start=D(2027, 8, 12)
    )
    [item] = build_digest(sales_manager, TODAY).of_kind("act_by")
    digest_item_mark(user=sales_manager, item_key=item.key, status="done", today=TODAY)

    deliver_reminder(sales_manager.pk, TODAY)

    [email] = mailoutbox
    assert "Summer party" in email.body
    assert "budget" not in email.body
    assert email.subject == "Today: 1 thing to do for your customers"


def test_the_page_marks_an_item_done_snoozes_and_brings_it_back(
    frozen, acme, sales_client, sales_manager
):
    page = sales_client.get(reverse("today")).content.decode()
    assert "Due now" in page and 'value="snooze"' in page and 'value="snooze-day"' in page
    [item] = build_digest(sales_manager, TODAY).items

    response = sales_client.post(
        reverse("this-week-item"), {"item": item.key, "action": "snooze-day"}, follow=True
    )
    assert "Snoozed: it comes back on 11 Aug." in response.content.decode()
    assert DigestItemState.objects.get().snoozed_until == D(2027, 8, 11)
    response = sales_client.post(
        reverse("this-week-item"), {"item": item.key, "action": "snooze"}, follow=True
    )
    page = response.content.decode()
    assert "Snoozed: it comes back on 17 Aug." in page
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
    assert build_digest(sales_manager, TODAY).of_kind("plan_conflicts")

    plan.status = PlanStatus.CANCELLED
    plan.save()

    assert build_digest(sales_manager, TODAY).of_kind("plan_conflicts") == []


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
    with django_assert_max_num_queries(45) as captured:
        sales_client.get(reverse("today"))
    add(18)
    with django_assert_max_num_queries(len(captured)):
        response = sales_client.get(reverse("today"))
    assert len(response.context["digest"].hidden) == 20


def test_snoozes_that_ran_out_are_dropped_when_the_user_marks_again(acme, sales_manager):
    digest_item_mark(user=sales_manager, item_key="old", status="snoozed", today=TODAY)
    digest_item_mark(user=sales_manager, item_key="kept", status="done", today=TODAY)

    later = TODAY + datetime.timedelta(days=8)
    digest_item_mark(user=sales_manager, item_key="new", status="snoozed", today=later)

    assert sorted(DigestItemState.objects.values_list("item_key", flat=True)) == ["kept", "new"]
