"""The planner and interests: whom "interested in" reaches, `no_known_interest`, strategy seasons."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from calendarapp.planning.check import check_plan
from calendarapp.planning.drafts import Draft
from calendarapp.planning.panel import planner_panel
from customers.models import Interest
from tests import factories

D = datetime.date
DAY = datetime.timedelta(days=1)


@pytest.fixture
def iot(db):
    return Interest.objects.create(name="IoT")


def test_interested_in_reaches_current_evidence_and_counts_the_stale(iot, settings):
    settings.INTEREST_STALE_DAYS = 180
    today = timezone.localdate()
    for i in range(3):
        factories.interest(factories.customer(f"Keen {i}", "DK"), "IoT", noted_on=today - DAY)
    for i in range(2):
        factories.interest(factories.customer(f"Once {i}", "SE"), "IoT", noted_on=today - 200 * DAY)
    ended = factories.customer("Done", "NO")
    factories.interest(ended, "IoT", noted_on=today - 9 * DAY, no_longer_on=today - DAY)
    draft = Draft(
        kind="webinar",
        start=today + 30 * DAY,
        end=today + 30 * DAY,
        interest_ids=frozenset({iot.pk}),
    )
    assert {c.name for c in draft.audience_queryset()} == {"Keen 0", "Keen 1", "Keen 2"}
    panel = planner_panel(draft, today=today)
    assert panel.reach == "3 customers, 2 more with stale evidence"


def test_a_customer_reached_otherwise_is_not_counted_as_stale(iot):
    today = timezone.localdate()
    once = factories.customer("Once", "SE")
    factories.interest(once, "IoT", noted_on=today - 400 * DAY)
    draft = Draft(
        kind="webinar",
        start=today + 30 * DAY,
        end=today + 30 * DAY,
        countries=frozenset({"SE"}),
        interest_ids=frozenset({iot.pk}),
    )
    assert planner_panel(draft, today=today).reach == "1 customer"


def test_a_plan_offering_what_a_customer_never_told_us_warns_and_groups(iot):
    today = timezone.localdate()
    havfrue = factories.customer("Havfrue Shipping", "DK", budget_close_month=12)
    keen = factories.customer("Keen", "DK", budget_close_month=12)
    factories.interest(keen, "IoT", noted_on=today)
    draft = Draft(
        kind="webinar",
        start=D(2027, 3, 3),
        end=D(2027, 3, 3),
        customer_ids=frozenset({havfrue.pk, keen.pk}),
        offer_ids=frozenset({iot.pk}),
        offer_title="IoT",
    )
    result = check_plan(draft)
    asked = [f for f in result.findings if f.rule == "no_known_interest"]
    assert [(f.customer_name, f.severity, f.message) for f in asked] == [
        (
            "Havfrue Shipping",
            "warning",
            "Havfrue Shipping has not told us it cares about IoT: ask before you push.",
        )
    ]
    stale = factories.customer("Stale", "DK", budget_close_month=12)
    factories.interest(stale, "IoT", noted_on=today - 400 * DAY)
    grouped = check_plan(
        Draft(**{**draft.__dict__, "customer_ids": frozenset({havfrue.pk, keen.pk, stale.pk})})
    )
    [group] = [g for g in grouped.groups if g.rule == "no_known_interest"]
    assert group.message == (
        "2 of 3 customers in Denmark have not told us they care about IoT: ask before you push."
    )


def test_a_plan_without_offers_asks_nothing(iot):
    havfrue = factories.customer("Havfrue Shipping", "DK")
    draft = Draft(
        kind="webinar", start=D(2027, 3, 3), end=D(2027, 3, 3), customer_ids=frozenset({havfrue.pk})
    )
    assert not [f for f in check_plan(draft).findings if f.rule == "no_known_interest"]


def test_a_plan_in_a_customers_strategy_season_is_an_opportunity(db):
    nordlys = factories.customer("Nordlys Retail", "NO", budget_close_month=9)  # 22 Jul – 2 Sep
    draft = Draft(
        kind="meeting",
        start=D(2027, 8, 10),
        end=D(2027, 8, 10),
        customer_ids=frozenset({nordlys.pk}),
    )
    [found] = [f for f in check_plan(draft).findings if f.rule == "strategy_season_open"]
    assert found.severity == "opportunity"
    assert found.message == (
        "Nordlys Retail is shaping next year's strategy (22 Jul – 2 Sep 2027):"
        " ask what they want to change."
    )
    outside = Draft(**{**draft.__dict__, "start": D(2027, 9, 20), "end": D(2027, 9, 20)})
    assert not [f for f in check_plan(outside).findings if f.rule == "strategy_season_open"]
