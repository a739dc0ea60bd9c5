"""How people and days read on every page: `person` and `day` (calendarapp/templatetags/display.py)."""

from __future__ import annotations

import datetime
import re

import pytest
import recurrence
import time_machine
from django.template import Context, Template
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from calendarapp.feeds.feeds import MyCustomersFeed, MyPlansFeed
from calendarapp.roles import SALES_MANAGERS
from calendarapp.templatetags.display import day
from customers.facts import customer_facts_save
from customers.services import touchpoint_log
from tests import factories

D = datetime.date


def render(text: str, **context) -> str:
    return Template("{% load display %}" + text).render(Context(context))


@pytest.mark.django_db
def test_a_person_reads_as_their_full_name_or_else_their_username():
    named = factories.user("mette", first_name="Mette", last_name="Hansen")
    unnamed = factories.user("kenji")
    assert render(
        "{{ a|person }} / {{ b|person }} / {{ c|person }}", a=named, b=unnamed, c=None
    ) == ("Mette Hansen / kenji / ")


@pytest.mark.django_db
def test_the_navigation_names_the_user_as_every_page_does(client):
    user = factories.user("mette", SALES_MANAGERS, first_name="Mette", last_name="Hansen")
    client.force_login(user)
    assert ">Mette Hansen</a>" in client.get("/customers/").content.decode()


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0), tick=False)
@given(value=st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)))
def test_a_day_carries_its_year_only_when_it_is_not_this_year(value):
    said = day(value)
    assert said.startswith(f"{value.day} {value:%b}")
    assert said.endswith(str(value.year)) == (value.year != 2026)


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0), tick=False)
def test_a_day_with_its_weekday_carries_its_year_only_when_it_is_not_this_year():
    assert day(D(2026, 12, 7), "weekday") == "Mon 7 Dec"
    assert day(D(2027, 1, 4), "weekday") == "Mon 4 Jan 2027"


# A user with a full name, seen by another sales manager on each family of pages.
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def mette(db):
    return factories.user("mette", SALES_MANAGERS, first_name="Mette", last_name="Hansen")


@pytest.fixture
def theirs(mette):
    return factories.customer("Havfrue A/S", "DK", owner=mette, budget_close_month=3)


@time_machine.travel(NOW, tick=False)
def test_the_customer_page_names_the_owner_the_history_and_our_people_by_full_name(
    sales_client, mette, theirs
):
    touchpoint_log(customer=theirs, date=D(2026, 11, 20), channel="visit", our_people=[mette])
    customer_facts_save(customer=theirs, by=mette, budget_close_month=4)

    page = sales_client.get(theirs.get_absolute_url()).content.decode()

    assert "account owner Mette Hansen" in page
    assert " by Mette Hansen" in page  # the fact history
    assert "(ours: Mette Hansen)" in page  # the touch history


@time_machine.travel(NOW, tick=False)
def test_the_customer_list_names_the_owner_by_full_name(sales_client, theirs):
    page = sales_client.get("/customers/").content.decode()
    assert '<td data-label="Owner">Mette Hansen</td>' in page


@time_machine.travel(NOW, tick=False)
def test_opportunities_name_the_owner_by_full_name_and_filter_by_username(sales_client, theirs):
    team = sales_client.get(reverse("opportunities"), {"owner": "all"}).content.decode()
    hers = sales_client.get(reverse("opportunities"), {"owner": "mette"}).content.decode()
    spreadsheet = sales_client.get(reverse("opportunities"), {"owner": "all", "format": "csv"})

    assert '<span class="muted">Mette Hansen</span>' in team
    assert '<option value="mette">Mette Hansen</option>' in team
    assert "Mette Hansen's customers" in hers
    assert ",Mette Hansen," in spreadsheet.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_planner_names_the_plan_owner_and_the_audience_owners_by_full_name(
    client, mette, theirs
):
    plan = factories.plan(owner=mette, start=D(2027, 2, 2), customers=[theirs])
    client.force_login(mette)
    page = client.get(reverse("plan-edit", args=[plan.pk])).content.decode()
    assert "Owner: Mette Hansen" in page
    assert "their account owners: Mette Hansen." in page


@time_machine.travel(NOW, tick=False)
def test_the_timeline_groups_by_the_owner_full_name(sales_client, theirs):
    """The username follows, as two owners may share a name (tests/calendarapp/timeline)."""
    page = sales_client.get("/", {"range": "year", "group": "owner"}).content.decode()
    assert "Mette Hansen (mette)" in page


def test_my_feeds_are_titled_with_my_full_name(mette):
    assert MyCustomersFeed().title(None, mette) == "My customers (Mette Hansen)"
    assert MyPlansFeed().title(None, mette) == "My plans (Mette Hansen)"


# Around a year end: on 28 Dec 2026, days in January say 2027 wherever they are written.
YEAR_END = datetime.datetime(2026, 12, 28, 9, 0, tzinfo=datetime.UTC)


@time_machine.travel(YEAR_END, tick=False)
def test_today_says_the_year_of_next_january(client, sales_manager):
    client.force_login(sales_manager)  # in the frozen time, so the session is current
    acme = factories.customer("Acme", "DK", owner=sales_manager)
    factories.tradition(customer=acme, kind="customer_event", title="Kick-off", start=D(2027, 1, 4))
    touchpoint_log(
        customer=acme,
        date=D(2026, 12, 1),
        channel="phone",
        outcome="follow_up",
        follow_up_on=D(2027, 1, 5),
    )

    page = client.get(reverse("today")).content.decode()

    assert "Acme: Kick-off, 4 Jan 2027" in page
    assert "Mon 4 Jan 2027" in page


@time_machine.travel(YEAR_END, tick=False)
def test_the_next_touch_says_the_year_of_its_follow_up_in_january(client, sales_manager):
    client.force_login(sales_manager)
    acme = factories.customer("Acme", "DK", owner=sales_manager, contact_every_days=60)
    touchpoint_log(
        customer=acme,
        date=D(2026, 12, 1),
        channel="phone",
        outcome="not_now",
        follow_up_on=D(2027, 1, 11),
    )
    timeline = client.get("/", {"range": "quarter", "start": "2027-01-01"}).content.decode()
    customer_page = client.get(acme.get_absolute_url()).content.decode()
    assert "Get in touch: follow-up agreed for 11 Jan 2027" in timeline
    for page in (timeline, customer_page):
        assert re.search(r"\b11 Jan\b(?! 2027)", page) is None


@time_machine.travel(YEAR_END, tick=False)
def test_the_country_page_says_the_year_of_next_years_holidays(client, sales_manager):
    client.force_login(sales_manager)
    page = client.get(reverse("country-detail", args=["DK"]), {"year": 2027}).content.decode()
    assert "Fri 1 Jan 2027" in page


@pytest.mark.parametrize(
    "rule",
    [
        "RRULE:FREQ=YEARLY;BYDAY=TU;BYWEEKNO=10",
        "RRULE:FREQ=MONTHLY;BYDAY=2TU",
        "RRULE:FREQ=YEARLY;UNTIL=20300209",
        "RRULE:FREQ=WEEKLY;INTERVAL=2",
    ],
)
def test_a_repeating_rule_reads_as_the_recurrence_package_words_it_each_time(rule):
    value = recurrence.deserialize(rule)
    words = value.rrules[0].to_text()
    assert render("{{ value|repeats }}", value=value) == words
    assert render("{{ value|repeats }}", value=value) == words  # remembered: the same words
    assert render("{{ value|repeats }}", value=None) == ""
