"""The conflict check: each row of the severity table, in sentences a sales manager reads."""

from __future__ import annotations

import datetime

import pytest

from calendarapp.models import Plan
from calendarapp.planning.check import check_plan, check_plans
from calendarapp.planning.drafts import Draft
from calendarapp.planning.rules import RULES
from customers.models import Customer
from tests import factories

D = datetime.date


@pytest.fixture
def dane(db):
    customer = factories.customer("Dansk Retail", "DK", budget_close_month=9)
    factories.danish_autumn_school_holiday()
    return customer


def draft(kind, start, end, customer, **extra):
    return Draft(kind=kind, start=start, end=end, customer_ids=frozenset({customer.pk}), **extra)


def only(result, rule):
    return [finding for finding in result.findings if finding.rule == rule]


def test_event_in_school_holiday_is_a_blocker(dane):
    result = check_plan(draft("event", D(2026, 10, 13), D(2026, 10, 14), dane))
    [finding] = only(result, "people_away")
    assert finding.severity == "blocker"
    assert finding.message == (
        "Dansk Retail: Autumn school holiday (12–16 Oct 2026), the people are not there for your event."
    )
    assert result.summary["blocker"] == 1


def test_campaign_on_a_public_holiday_is_only_a_warning(dane):
    result = check_plan(draft("campaign", D(2026, 12, 24), D(2026, 12, 26), dane))
    assert result.summary["blocker"] == 0
    warnings = only(result, "campaign_on_holiday")
    assert {finding.title for finding in warnings} >= {"Christmas Day"}
    assert all(finding.severity == "warning" for finding in warnings)


def test_busy_season_and_customer_event_warn(dane):
    factories.tradition(
        customer=dane,
        title="Christmas rush",
        start=D(2025, 11, 15),
        end=D(2025, 12, 31),
        rule="RRULE:FREQ=YEARLY",
    )
    factories.tradition(
        customer=dane,
        title="Kick-off",
        kind="customer_event",
        start=D(2026, 11, 17),
        end=D(2026, 11, 18),
    )
    result = check_plan(draft("meeting", D(2026, 11, 17), D(2026, 11, 17), dane))
    [busy] = only(result, "busy_season")
    [event] = only(result, "customer_event")
    assert busy.severity == event.severity == "warning"
    assert (
        busy.message
        == "Dansk Retail is in its busy season, Christmas rush (15 Nov – 31 Dec 2026): hold back."
    )
    assert event.message == "Dansk Retail has its own event, Kick-off (17–18 Nov 2026)."


def test_budget_close_within_lead_time_is_an_opportunity(dane, settings):
    settings.BUDGET_CLOSE_LEAD_DAYS = 60
    result = check_plan(draft("visit", D(2026, 8, 10), D(2026, 8, 11), dane))
    [finding] = only(result, "budget_closes_soon")
    assert finding.severity == "opportunity"
    assert (
        finding.message == "Dansk Retail's budget closes 30 Sep 2026: get into next year's budget."
    )
    assert not only(
        check_plan(draft("visit", D(2026, 6, 1), D(2026, 6, 2), dane)), "budget_closes_soon"
    )


def test_plan_just_after_budget_close_warns(dane):
    result = check_plan(draft("campaign", D(2026, 10, 5), D(2026, 10, 9), dane))
    [finding] = only(result, "budget_just_closed")
    assert "budget closed 30 Sep 2026" in finding.message


def test_open_pre_shopping_window_is_an_opportunity(dane):
    factories.contract(
        dane, D(2027, 3, 31), name="Support", notice_period_days=90, pre_shopping_days=180
    )
    result = check_plan(draft("meeting", D(2026, 11, 3), D(2026, 11, 3), dane))
    [finding] = only(result, "pre_shopping_open")
    assert (
        finding.message
        == "Dansk Retail is looking at offers: Pre-shopping for Support (2 Oct – 30 Dec 2026)."
    )


def test_another_plan_in_the_same_iso_week_warns_but_not_the_plan_itself(dane, sales_manager):
    other = factories.plan(
        kind="webinar",
        title="Product news",
        start=D(2026, 3, 6),
        end=D(2026, 3, 6),
        owner=sales_manager,
        customers=[dane],
    )
    result = check_plan(draft("meeting", D(2026, 3, 2), D(2026, 3, 2), dane))
    [finding] = only(result, "same_week_plan")
    assert "already hears from us that week: Product news (6 Mar 2026)" in finding.message
    assert not only(
        check_plan(draft("meeting", D(2026, 3, 9), D(2026, 3, 9), dane)), "same_week_plan"
    )
    assert not only(
        check_plan(draft("webinar", D(2026, 3, 6), D(2026, 3, 6), dane, plan_id=other.pk)),
        "same_week_plan",
    )


def test_audience_by_country_reaches_every_customer_there(dane):
    second = factories.customer("Nordisk", "DK")
    factories.customer("Ignored", "SE")
    result = check_plan(
        Draft(kind="event", start=D(2026, 10, 13), end=D(2026, 10, 13), countries=frozenset({"DK"}))
    )
    assert {f.customer_name for f in result.findings if f.rule == "people_away"} == {
        "Dansk Retail",
        second.name,
    }


def test_every_rule_has_a_distinct_name_and_a_sentence():
    assert len({rule.name for rule in RULES}) == len(RULES)
    assert all(rule.message.startswith("{customer}") for rule in RULES)


@pytest.mark.parametrize("customer_count", [20, 200])
def test_check_queries_do_not_grow_with_audience(db, customer_count, django_assert_max_num_queries):
    Customer.objects.bulk_create(
        Customer(name=f"C{i}", country="DK") for i in range(customer_count)
    )
    with django_assert_max_num_queries(10):
        result = check_plan(
            Draft(
                kind="event",
                start=D(2026, 12, 25),
                end=D(2026, 12, 26),
                countries=frozenset({"DK"}),
            )
        )
    assert result.summary["blocker"] == 2 * customer_count


def test_check_plans_matches_one_by_one(dane, sales_manager, django_assert_max_num_queries):
    plans = []
    for start in (D(2026, 10, 13), D(2026, 8, 10), D(2026, 3, 2)):
        plan = factories.plan(
            kind="event",
            title=f"Plan {start}",
            start=start,
            end=start,
            owner=sales_manager,
            customers=[dane],
        )
        plans.append(plan)
    loaded = Plan.objects.prefetch_related("customers", "interests")
    with django_assert_max_num_queries(14):
        batch = check_plans(loaded)
    for plan in loaded:
        from calendarapp.planning.drafts import draft_from_plan

        assert batch[plan.pk].findings == check_plan(draft_from_plan(plan)).findings
