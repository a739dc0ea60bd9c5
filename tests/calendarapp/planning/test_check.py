"""The conflict check: each row of the severity table, in sentences a sales manager reads."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from calendarapp.models import Plan
from calendarapp.occurrences.conflicts import RULES
from calendarapp.planning.check import check_plan, check_plans
from calendarapp.planning.drafts import Draft, draft_from_plan
from customers.models import Customer, Interest
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
        == "Dansk Retail: busy season, Christmas rush (15 Nov – 31 Dec 2026): hold back."
    )
    assert event.message == "Dansk Retail: their own event, Kick-off (17–18 Nov 2026)."


def test_budget_close_within_lead_time_is_an_opportunity(dane, settings):
    settings.BUDGET_CLOSE_LEAD_DAYS = 60
    result = check_plan(draft("visit", D(2026, 8, 10), D(2026, 8, 11), dane))
    [finding] = only(result, "budget_closes_soon")
    assert finding.severity == "opportunity"
    assert finding.message == (
        "Dansk Retail: the budget for next year is set on 30 Sep 2026; get into it now."
    )
    assert not only(
        check_plan(draft("visit", D(2026, 6, 1), D(2026, 6, 2), dane)), "budget_closes_soon"
    )


def test_an_event_just_after_budget_close_does_not_warn(dane):
    result = check_plan(draft("event", D(2026, 10, 5), D(2026, 10, 6), dane))
    assert not only(result, "budget_just_closed")


def test_plan_just_after_budget_close_warns(dane):
    result = check_plan(draft("campaign", D(2026, 10, 5), D(2026, 10, 9), dane))
    [finding] = only(result, "budget_just_closed")
    assert finding.message == (
        "Dansk Retail: the budget for next year was set on 30 Sep 2026; expect little money"
        " for anything not already in it until the next budget round."
    )


def test_open_pre_shopping_window_is_an_opportunity(dane):
    factories.contract(
        dane, D(2027, 3, 31), name="Support", notice_period_days=90, pre_shopping_days=180
    )
    result = check_plan(draft("meeting", D(2026, 11, 3), D(2026, 11, 3), dane))
    [finding] = only(result, "pre_shopping_open")
    assert (
        finding.message
        == "Dansk Retail: looking at offers, Pre-shopping for Support (2 Oct – 30 Dec 2026)."
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
    assert "already hearing from us that week, Product news (6 Mar 2026)" in finding.message
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
    # One of them reads the decision steps, a source of their own.
    with django_assert_max_num_queries(11):
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
    loaded = Plan.objects.prefetch_related("customers", "interests", "offers")
    with django_assert_max_num_queries(15):  # the plans with their audience and offers: 4
        batch = check_plans(loaded)
    for plan in loaded:
        from calendarapp.planning.drafts import draft_from_plan

        assert batch[plan.pk].findings == check_plan(draft_from_plan(plan)).findings


def test_plans_checked_together_see_only_their_own_customers(sales_manager):
    """One calendar serves every plan: another plan's customers' items and questions stay out."""
    iot = Interest.objects.create(name="IoT")
    north, south = factories.customer("North A/S", "DK"), factories.customer("South A/S", "DK")
    for customer in (north, south):
        factories.tradition(
            customer=customer,
            kind="customer_event",
            title=f"{customer.name} summit",
            start=D(2026, 9, 9),
        )
    plans = [
        factories.plan(
            owner=sales_manager,
            kind="webinar",
            title=customer.name,
            start=D(2026, 9, 9),
            customers=[customer],
            offers=[iot],
        )
        for customer in (north, south)
    ]
    batch = check_plans(Plan.objects.prefetch_related("customers", "interests", "offers"))
    for plan, customer in zip(plans, (north, south), strict=True):
        findings = batch[plan.pk].findings
        assert {finding.customer_name for finding in findings} == {customer.name}
        assert {finding.title for finding in findings} >= {f"{customer.name} summit", "IoT"}
        assert findings == check_plan(draft_from_plan(plan)).findings


@pytest.mark.parametrize("kind", ["event", "meeting", "visit", "webinar"])
def test_a_plan_needing_people_on_a_weekend_warns(dane, kind):
    result = check_plan(draft(kind, D(2026, 11, 6), D(2026, 11, 7), dane))  # Fri-Sat
    [finding] = only(result, "weekend")
    assert finding.severity == "warning"
    assert finding.message == (
        f"Dansk Retail: your {kind} falls on a weekend (7–8 Nov 2026), when people are off."
    )
    assert not only(check_plan(draft(kind, D(2026, 11, 5), D(2026, 11, 6), dane)), "weekend")


def test_a_trade_fair_or_campaign_over_a_weekend_does_not_warn(dane):
    for kind in ("trade_fair", "campaign"):
        assert not only(check_plan(draft(kind, D(2026, 11, 6), D(2026, 11, 8), dane)), "weekend")


def test_a_busy_season_that_blocks_events_is_a_blocker_for_in_person_plans_only(dane):
    factories.tradition(
        customer=dane,
        title="Year-end closing",
        start=D(2026, 12, 1),
        end=D(2026, 12, 18),
        blocks_events=True,
    )
    event = check_plan(draft("event", D(2026, 12, 8), D(2026, 12, 9), dane))
    [blocker] = only(event, "busy_season_blocks")
    assert blocker.severity == "blocker"
    assert blocker.message == (
        "Dansk Retail: Year-end closing (1–18 Dec 2026), a busy season with no time for your event."
    )
    assert not only(event, "busy_season"), "the blocker replaces the warning"
    campaign = check_plan(draft("campaign", D(2026, 12, 8), D(2026, 12, 9), dane))
    assert not only(campaign, "busy_season_blocks")
    assert only(campaign, "busy_season")[0].severity == "warning"


def test_only_a_busy_season_can_block_events(dane):
    with pytest.raises(ValidationError) as error:
        factories.tradition(
            customer=dane, kind="customer_event", start=D(2026, 5, 1), blocks_events=True
        )
    assert error.value.message_dict["blocks_events"] == ["Only a busy season can block events."]


@pytest.mark.parametrize(("days", "warned"), [(13, True), (14, False)])
def test_a_one_day_holiday_inside_a_long_campaign_is_no_warning(dane, days, warned):
    start = D(2026, 5, 31)  # Constitution Day (de facto), 5 Jun, falls inside
    campaign = check_plan(draft("campaign", start, start + datetime.timedelta(days=days - 1), dane))
    titles = {finding.title for finding in only(campaign, "campaign_on_holiday")}
    assert ("Constitution Day (de facto)" in titles) is warned


def test_a_vacation_inside_a_long_campaign_still_warns(dane):
    campaign = check_plan(draft("campaign", D(2026, 10, 5), D(2026, 10, 25), dane))
    assert {f.title for f in only(campaign, "campaign_on_holiday")} == {"Autumn school holiday"}


def test_findings_are_grouped_by_cause_with_the_share_of_the_country(dane, sales_manager):
    second = factories.customer("Nordisk", "DK")
    swede = factories.customer("Svensk AB", "SE")
    result = check_plan(
        Draft(
            kind="event",
            start=D(2026, 10, 13),
            end=D(2026, 10, 14),
            countries=frozenset({"DK", "SE"}),
        )
    )
    [holiday] = [group for group in result.groups if group.rule == "people_away"]
    assert holiday.message == (
        "2 of 2 customers in Denmark: Autumn school holiday (week 42, 12–16 Oct 2026),"
        " the people are not there for your event."
    )
    assert sorted(holiday.customers) == sorted([dane.pk, second.pk])
    assert (holiday.severity, holiday.title, holiday.start) == (
        "blocker",
        "Autumn school holiday",
        D(2026, 10, 12),
    )
    assert swede.pk not in holiday.customers
    assert result.groups[0] is not None and result.groups[0].severity == "blocker"
    single = check_plan(draft("event", D(2026, 10, 13), D(2026, 10, 14), dane)).groups
    assert single[0].message.startswith("Dansk Retail: Autumn school holiday (week 42,")
