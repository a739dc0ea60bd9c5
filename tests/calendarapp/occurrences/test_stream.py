"""The occurrence stream: every source, per customer and per region, in constant queries."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from calendarapp.occurrences.sources import budget
from calendarapp.occurrences.stream import calendar_between
from customers.models import Customer, Interest
from tests import factories

D = datetime.date


def titles(occurrences):
    return [occurrence.title for occurrence in occurrences]


@pytest.fixture
def bavarian(db):
    return factories.customer("Bayern Brau", "DE", subdivision="BY", budget_close_month=9)


@pytest.fixture
def hamburger(db):
    return factories.customer("Hamburg Hafen", "DE", subdivision="HH")


def test_corpus_christi_in_bavaria_not_in_hamburg(bavarian, hamburger):
    calendar = calendar_between(D(2027, 1, 1), D(2027, 12, 31))
    assert "Corpus Christi" in titles(calendar.for_customer(_ref(calendar, bavarian)))
    hamburg = titles(calendar.for_customer(_ref(calendar, hamburger)))
    assert "Corpus Christi" not in hamburg
    assert "Christmas Day" in hamburg
    assert hamburg.count("Christmas Day") == 1


def test_customer_without_subdivision_gets_national_holidays_only(db):
    german = factories.customer("Deutsch GmbH", "DE")
    calendar = calendar_between(D(2027, 1, 1), D(2027, 12, 31))
    found = titles(calendar.for_customer(_ref(calendar, german)))
    assert "German Unity Day" in found
    assert "Corpus Christi" not in found


def test_local_tradition_of_the_country_reaches_its_customers(db):
    danish = factories.customer("Dansk A/S", "DK")
    swedish = factories.customer("Svensk AB", "SE")
    factories.danish_autumn_school_holiday()
    calendar = calendar_between(D(2026, 10, 1), D(2026, 10, 31))
    danish_items = calendar.for_customer(_ref(calendar, danish))
    holiday = next(o for o in danish_items if o.title == "Autumn school holiday")
    assert (holiday.start, holiday.end, holiday.kind) == (
        D(2026, 10, 12),
        D(2026, 10, 16),
        "vacation",
    )
    assert "Autumn school holiday" not in titles(calendar.for_customer(_ref(calendar, swedish)))


def test_regional_local_tradition_only_reaches_that_region(bavarian, hamburger):
    factories.tradition(
        title="Oktoberfest",
        kind="other",
        country="DE",
        subdivision="BY",
        start=D(2026, 9, 19),
        end=D(2026, 10, 4),
    )
    calendar = calendar_between(D(2026, 9, 1), D(2026, 10, 31))
    assert "Oktoberfest" in titles(calendar.for_customer(_ref(calendar, bavarian)))
    assert "Oktoberfest" not in titles(calendar.for_customer(_ref(calendar, hamburger)))


def test_season_across_new_year_appears_once_per_season(bavarian):
    factories.tradition(
        customer=bavarian,
        title="Christmas rush",
        start=D(2024, 12, 15),
        end=D(2025, 1, 10),
        rule="RRULE:FREQ=YEARLY",
    )
    calendar = calendar_between(D(2026, 1, 1), D(2026, 12, 31))
    rushes = [o for o in calendar.occurrences if o.title == "Christmas rush"]
    assert [(o.start, o.end) for o in rushes] == [
        (D(2025, 12, 15), D(2026, 1, 10)),
        (D(2026, 12, 15), D(2027, 1, 10)),
    ]
    assert len({o.id for o in rushes}) == 2


def test_budget_close_and_contract_phases(bavarian):
    factories.contract(
        bavarian, D(2027, 3, 31), name="Support", notice_period_days=90, pre_shopping_days=180
    )
    calendar = calendar_between(D(2026, 9, 1), D(2027, 3, 31))
    items = {o.title: o for o in calendar.for_customer(_ref(calendar, bavarian))}
    assert items["Budget closes"].start == D(2026, 9, 30)
    assert items["Budget closes"].source == budget.NAME
    assert items["Pre-shopping for Support"].start == D(2026, 10, 2)
    assert items["Pre-shopping for Support"].end == D(2026, 12, 30)
    assert items["Notice deadline: Support"].start == D(2026, 12, 31)
    assert items["Contract ends: Support"].start == D(2027, 3, 31)


def test_plans_reach_customers_by_list_country_and_interest(db, sales_manager):
    cloud = Interest.objects.create(name="cloud")
    listed = factories.customer("Listed", "GB")
    french = factories.customer("Français", "FR")
    keen = factories.customer("Keen", "US")
    keen.interests.add(cloud)
    bystander = factories.customer("Bystander", "JP")
    plan = factories.plan(
        kind="webinar",
        title="Cloud webinar",
        start=D(2026, 5, 5),
        end=D(2026, 5, 5),
        owner=sales_manager,
        countries=["FR"],
        customers=[listed],
    )
    plan.interests.add(cloud)
    calendar = calendar_between(D(2026, 5, 1), D(2026, 5, 31))
    for customer in (listed, french, keen):
        assert "Cloud webinar" in titles(calendar.for_customer(_ref(calendar, customer)))
    assert "Cloud webinar" not in titles(calendar.for_customer(_ref(calendar, bystander)))


def test_whole_country_includes_every_subdivision(db):
    calendar = calendar_between(D(2027, 1, 1), D(2027, 12, 31), countries=["DE"])
    corpus = [o for o in calendar.occurrences if o.title == "Corpus Christi"]
    assert {o.subdivision for o in corpus} >= {"BY", "NW"}
    assert "HH" not in {o.subdivision for o in corpus}


def test_ids_are_stable(bavarian):
    factories.tradition(
        customer=bavarian,
        title="Kick-off",
        kind="customer_event",
        start=D(2025, 1, 15),
        rule="RRULE:FREQ=YEARLY",
    )
    first = [o.id for o in calendar_between(D(2026, 1, 1), D(2026, 12, 31)).occurrences]
    second = [o.id for o in calendar_between(D(2026, 1, 1), D(2026, 12, 31)).occurrences]
    assert first == second
    assert len(set(first)) == len(first)


@pytest.mark.parametrize("customer_count", [20, 200])
def test_query_count_does_not_grow_with_customers(
    db, sales_manager, customer_count, django_assert_max_num_queries
):
    countries = ["DK", "DE", "US", "FR"]
    customers = Customer.objects.bulk_create(
        Customer(name=f"Customer {i}", country=countries[i % 4], budget_close_month=i % 12 + 1)
        for i in range(customer_count)
    )
    for customer in customers[:10]:
        factories.tradition(
            customer=customer, start=D(2025, 11, 1), end=D(2025, 12, 24), rule="RRULE:FREQ=YEARLY"
        )
        factories.contract(customer, D(2027, 1, 31))
    factories.plan(
        kind="campaign",
        title="Spring",
        start=D(2026, 3, 2),
        end=D(2026, 3, 20),
        owner=sales_manager,
        countries=["DK"],
        customers=[customers[1]],
    )
    with django_assert_max_num_queries(10):
        calendar = calendar_between(D(2026, 1, 1), D(2026, 12, 31))
    assert len(calendar.customers) == customer_count


def _ref(calendar, customer):
    return next(ref for ref in calendar.customers if ref.id == customer.pk)


class TestWindowSplits(HypothesisTestCase):
    """The occurrences of a window are the union of those of any split of it."""

    @classmethod
    def setUpTestData(cls):
        customer = factories.customer("Split A/S", "DK")
        factories.tradition(
            customer=customer,
            title="Rush",
            start=D(2020, 12, 15),
            end=D(2021, 1, 10),
            rule="RRULE:FREQ=YEARLY",
        )
        factories.tradition(
            customer=customer,
            title="Fair",
            kind="customer_event",
            start=D(2020, 2, 29),
            rule="RRULE:FREQ=YEARLY",
        )
        factories.tradition(
            customer=customer,
            title="Week 53",
            kind="vacation",
            start=D(2020, 12, 28),
            end=D(2021, 1, 3),
            rule="RRULE:FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
        )
        factories.contract(customer, D(2027, 6, 30))

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        start=st.dates(min_value=D(2021, 1, 1), max_value=D(2030, 12, 31)),
        first=st.integers(0, 500),
        second=st.integers(0, 500),
    )
    def test_union_of_split(self, start, first, second):
        middle = start + datetime.timedelta(days=first)
        end = middle + datetime.timedelta(days=second + 1)
        whole = {o.id for o in calendar_between(start, end).occurrences}
        left = {o.id for o in calendar_between(start, middle).occurrences}
        right = {
            o.id for o in calendar_between(middle + datetime.timedelta(days=1), end).occurrences
        }
        assert whole == left | right


def test_kinds_narrow_the_stream_and_skip_unwanted_sources(bavarian, django_assert_max_num_queries):
    factories.tradition(
        customer=bavarian, title="Kick-off", kind="customer_event", start=D(2026, 1, 13)
    )
    factories.contract(bavarian, D(2026, 12, 31))
    everything = calendar_between(D(2026, 1, 1), D(2026, 12, 31)).occurrences
    assert {"customer_event", "contract_renewal", "budget_close", "public_holiday"} <= {
        o.kind for o in everything
    }
    with django_assert_max_num_queries(5):
        only = calendar_between(
            D(2026, 1, 1), D(2026, 12, 31), kinds=["budget_close", "customer_event"]
        )
    assert [(o.kind, o.title) for o in only.occurrences] == [
        ("customer_event", "Kick-off"),
        ("budget_close", "Budget closes"),
    ]


def test_a_budget_close_tradition_replaces_the_budget_close_month(bavarian):
    factories.tradition(
        customer=bavarian, title="Budget freeze", kind="budget_close", start=D(2026, 9, 15)
    )
    found = [
        o.title
        for o in calendar_between(D(2026, 1, 1), D(2026, 12, 31)).occurrences
        if o.kind == "budget_close"
    ]
    assert found == ["Budget freeze"]
