"""Budget closes: the month's last day, unless the customer has a budget-close tradition."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from calendarapp.occurrences.stream import calendar_between
from tests import factories

D = datetime.date


def budget_closes(start, end):
    return sorted(
        (o.start, o.title)
        for o in calendar_between(start, end).occurrences
        if o.kind == "budget_close"
    )


def own_june_close(customer):
    return factories.tradition(
        customer=customer,
        title="Budget set",
        kind="budget_close",
        start=D(2020, 6, 30),
        rule="RRULE:FREQ=YEARLY",
    )


def test_a_window_missing_the_own_close_gets_no_month_end_close_either(db):
    customer = factories.customer("Juni A/S", "DK", budget_close_month=11)
    own_june_close(customer)
    assert budget_closes(D(2026, 8, 1), D(2026, 12, 31)) == []
    assert budget_closes(D(2026, 1, 1), D(2026, 12, 31)) == [(D(2026, 6, 30), "Budget set")]


def test_a_customer_without_its_own_close_gets_the_month_end(db):
    factories.customer("November A/S", "DK", budget_close_month=11)
    assert budget_closes(D(2026, 8, 1), D(2026, 12, 31)) == [(D(2026, 11, 30), "Budget closes")]


class TestSplitsWithOwnBudgetClose(HypothesisTestCase):
    """A window's budget closes are the union of any split's, with and without own closes."""

    @classmethod
    def setUpTestData(cls):
        own_june_close(factories.customer("Juni A/S", "DK", budget_close_month=11))
        factories.customer("Februar A/S", "DK", budget_close_month=2)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        start=st.dates(min_value=D(2021, 1, 1), max_value=D(2030, 12, 31)),
        first=st.integers(0, 500),
        second=st.integers(0, 500),
    )
    def test_union_of_split(self, start, first, second):
        middle = start + datetime.timedelta(days=first)
        end = middle + datetime.timedelta(days=second + 1)
        whole = budget_closes(start, end)
        parts = budget_closes(start, middle) + budget_closes(
            middle + datetime.timedelta(days=1), end
        )
        assert whole == sorted(parts)
