"""Before you call: the brief on the customer page, its print page and /api/customers/<id>/brief."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendarapp.relationships.brief import CALENDAR_DAYS, customer_brief
from customers.decisions import competitor_save
from customers.services import person_save, touchpoint_log
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db
TODAY = D(2026, 12, 1)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0), tick=False):
        yield


@pytest.fixture
def lost_deal(sales_manager):
    """The lost-deal story: the CFO who decided left, an incumbent sells to them, our champion
    was met last, the new CFO never; a follow-up agreed; one interest current, one stale; their
    budget closes in January, so the strategy season is open now."""
    customer = factories.customer("Havfrue Shipping ApS", "DK", owner=sales_manager)
    customer.budget_close_month = 1
    customer.save()
    person_save(
        customer=customer,
        name="Anna Holm",
        job_title="CFO",
        decision_role="decides",
        active=False,
        started_on=D(2020, 1, 1),
        left_on=D(2026, 10, 1),
    )
    person_save(
        customer=customer,
        name="Birgit Dahl",
        job_title="CFO",
        decision_role="economic_buyer",
        stance="sceptic",
    )
    carl = person_save(customer=customer, name="Carl Berg", stance="champion")
    competitor_save(customer=customer, name="Nordic Cloud", incumbent=True)
    touchpoint_log(customer=customer, date=D(2026, 10, 2), channel="email", summary="Sent deck")
    touchpoint_log(
        customer=customer,
        date=D(2026, 11, 20),
        channel="visit",
        people=[carl],
        summary="Lunch with Carl",
        changes=[{"topic": "people", "text": "Anna left; Birgit is the new CFO."}],
        outcome="follow_up",
        follow_up_on=D(2026, 12, 10),
    )
    factories.interest(customer, "IoT", noted_on=D(2026, 1, 10))
    factories.interest(customer, "cloud", noted_on=D(2026, 11, 20), strength="evaluating")
    return customer


def test_the_brief_api_tells_the_lost_deal_story(sales_client, lost_deal):
    response = sales_client.get(f"/api/customers/{lost_deal.pk}/brief")
    assert response.status_code == 200
    brief = response.json()
    assert brief["customer"] == lost_deal.pk
    assert brief["last_touch"] == {
        "date": "2026-11-20",
        "channel": "visit",
        "summary": "Lunch with Carl",
        "changes": [{"topic": "people", "text": "Anna left; Birgit is the new CFO."}],
    }
    assert brief["follow_ups"] == [
        {"date": "2026-12-10", "outcome": "follow_up", "summary": "Lunch with Carl"}
    ]
    people = {p["name"]: p for p in brief["people"]}
    # Who decides comes first; the CFO who left is listed last with the day she left.
    assert [p["name"] for p in brief["people"]] == ["Birgit Dahl", "Carl Berg", "Anna Holm"]
    assert people["Birgit Dahl"]["decision_role"] == "economic_buyer"
    assert people["Birgit Dahl"]["stance"] == "sceptic"
    assert people["Birgit Dahl"]["not_met_lately"] is True
    assert people["Birgit Dahl"]["last_met"] is None
    assert people["Carl Berg"]["last_met"] == "2026-11-20"
    assert people["Carl Berg"]["not_met_lately"] is False
    assert people["Anna Holm"]["left_on"] == "2026-10-01"
    assert set(people["Birgit Dahl"]) == {
        "id",
        "name",
        "job_title",
        "decision_role",
        "stance",
        "last_met",
        "not_met_lately",
        "left_on",
    }
    # The same risk as /api/customers/<id>/risk: the incumbent, the decider not met.
    assert brief["risk"] == sales_client.get(f"/api/customers/{lost_deal.pk}/risk").json()
    assert [s["code"] for s in brief["risk"]["signals"]] == ["incumbent", "no_decider_met"]
    # Current evidence first, then the stale.
    assert [(i["name"], i["current"]) for i in brief["interests"]] == [
        ("cloud", True),
        ("IoT", False),
    ]
    season = brief["strategy_season"]
    assert season["kind"] == "strategy_season"
    assert season["start"] <= "2026-12-01" <= season["end"]
    # Four weeks of their calendar, in the /api/occurrences shape: Christmas is in it.
    assert {o["title"] for o in brief["calendar"]} >= {"Christmas Day"}
    assert all("2026-12-01" <= o["start"] <= "2026-12-28" for o in brief["calendar"][1:])
    listed = sales_client.get("/api/occurrences", {"customer": lost_deal.pk}).json()["results"]
    assert set(brief["calendar"][0]) == set(listed[0])
    assert "touch_due" not in {o["kind"] for o in brief["calendar"]}


def test_the_customer_pages_brief_says_what_the_brief_alone_says_about_touches(
    sales_client, lost_deal
):
    # An ask-again day agreed earlier and still ahead of the last touch, one already passed by it.
    touchpoint_log(
        customer=lost_deal,
        date=D(2026, 9, 1),
        channel="phone",
        summary="Not before Christmas",
        outcome="not_now",
        follow_up_on=D(2026, 12, 20),
    )
    touchpoint_log(
        customer=lost_deal,
        date=D(2026, 9, 2),
        channel="phone",
        summary="Call in October",
        outcome="follow_up",
        follow_up_on=D(2026, 10, 15),
    )
    page = sales_client.get(f"/customers/{lost_deal.pk}").context["brief"]
    alone = sales_client.get(f"/customers/{lost_deal.pk}/brief").context["brief"]
    assert page.last_touch == alone.last_touch and page.last_touch.summary == "Lunch with Carl"
    assert page.follow_ups == alone.follow_ups
    assert [f.summary for f in page.follow_ups] == ["Lunch with Carl", "Not before Christmas"]


def test_a_customer_never_touched_has_an_empty_brief_not_an_error(sales_client):
    customer = factories.customer("Quiet A/S", "DK")
    brief = sales_client.get(f"/api/customers/{customer.pk}/brief").json()
    assert brief["last_touch"] is None
    assert brief["follow_ups"] == [] and brief["people"] == [] and brief["interests"] == []
    assert brief["risk"]["level"] == "medium"


def test_an_unknown_customer_has_no_brief(sales_client):
    response = sales_client.get("/api/customers/999999/brief")
    assert response.status_code == 404
    assert "errors" in response.json()


def test_the_customer_page_opens_with_the_brief(sales_client, lost_deal):
    html = sales_client.get(f"/customers/{lost_deal.pk}").content.decode()
    brief = html[html.index('id="brief"') : html.index("</section>", html.index('id="brief"'))]
    assert "Before you call" in brief
    assert "20 Nov" in brief and "Anna left; Birgit is the new CFO." in brief
    assert "agreed for <strong>10 Dec</strong>" in brief
    assert "Nordic Cloud sells to them now" in brief
    assert "season open until" in brief
    assert "Birgit Dahl (CFO)" in brief  # not met lately
    assert "left 1 Oct" in brief
    assert brief.index(">cloud<") < brief.index("IoT")
    # The brief comes before the next touch's card.
    assert html.index('id="brief"') < html.index('id="touch-title"')


def test_the_print_page_shows_the_brief_opened(sales_client, lost_deal):
    html = sales_client.get(f"/customers/{lost_deal.pk}/brief").content.decode()
    assert '<details class="brief-more" open>' in html
    assert "Christmas Day" in html
    assert sales_client.get("/customers/999999/brief").status_code == 404


@pytest.mark.parametrize("count", [1, 12])
def test_the_brief_costs_the_same_queries_for_more_people_touches_and_interests(
    sales_client, count, django_assert_num_queries
):
    customer = factories.customer("Busy A/S", "DK")
    for i in range(count):
        person = person_save(customer=customer, name=f"P{i}", decision_role="decides")
        touchpoint_log(
            customer=customer,
            date=TODAY - datetime.timedelta(days=i),
            channel="phone",
            people=[person],
            changes=[{"topic": "other", "text": f"Change {i}"}],
            outcome="follow_up",
            follow_up_on=TODAY + datetime.timedelta(days=i + 1),
        )
        factories.interest(customer, f"topic {i}", noted_on=TODAY)
    with django_assert_num_queries(25):  # the risk check's first look at the change log too
        assert sales_client.get(f"/api/customers/{customer.pk}/brief").status_code == 200


@pytest.fixture
def two_customers(db):
    return [factories.customer("Any GmbH", "DE", budget_close_month=3), factories.customer()]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offset=st.integers(min_value=-400, max_value=400), which=st.integers(0, 1))
def test_the_brief_calendar_holds_only_the_next_four_weeks(two_customers, offset, which):
    today = TODAY + datetime.timedelta(days=offset)
    customer = two_customers[which]
    brief = customer_brief(customer, today)
    last_day = today + datetime.timedelta(days=CALENDAR_DAYS - 1)
    assert all(o.end >= today and o.start <= last_day for o in brief.calendar)
    assert brief.strategy_season is None or brief.strategy_season.start <= today
