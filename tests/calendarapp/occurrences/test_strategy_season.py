"""The strategy season: 10 to 4 weeks before the budget close, every year, across year ends."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from calendarapp.kinds import STRATEGY_SEASON
from calendarapp.lib import dates, evidence
from calendarapp.occurrences.stream import calendar_between
from customers.models import Customer
from tests import factories

D = datetime.date


def test_a_budget_close_in_february_puts_the_season_in_december_and_january():
    assert evidence.strategy_season(2027, 2, 10, 4) == (D(2026, 12, 20), D(2027, 1, 31))


@given(
    year=st.integers(1990, 2100),
    month=st.integers(1, 12),
    before_start=st.integers(1, 52),
    gap=st.integers(1, 52),
)
def test_the_season_ends_its_weeks_before_the_last_day_of_the_close_month(
    year, month, before_start, gap
):
    before_end = max(before_start - gap, 0)
    start, end = evidence.strategy_season(year, month, before_start, before_end)
    close = D(year, month, dates.days_in_month(year, month))
    assert (close - start).days == 7 * before_start
    assert (close - end).days == 7 * before_end
    assert start < end <= close


@pytest.mark.django_db
def test_the_stream_has_one_season_a_year_whole_across_the_year_end():
    customer = factories.customer("Havfrue Shipping", "DK", budget_close_month=2)
    calendar = calendar_between(
        D(2027, 1, 1), D(2027, 12, 31), customers=Customer.objects.all(), kinds=[STRATEGY_SEASON]
    )
    assert [(o.start, o.end, o.customer_id, o.id) for o in calendar.occurrences] == [
        (D(2026, 12, 20), D(2027, 1, 31), customer.pk, f"strategy-{customer.pk}-2027"),
        # 2028 is a leap year: the close is 29 Feb, so the season ends on 1 Feb.
        (D(2027, 12, 21), D(2028, 2, 1), customer.pk, f"strategy-{customer.pk}-2028"),
    ]


@pytest.mark.django_db
def test_a_customer_sets_its_own_season_and_new_customers_take_the_settings(settings):
    settings.STRATEGY_WEEKS_BEFORE_START = 12
    settings.STRATEGY_WEEKS_BEFORE_END = 6
    default = factories.customer("Nordlys Retail", "NO", budget_close_month=9)
    assert (default.strategy_weeks_before_start, default.strategy_weeks_before_end) == (12, 6)
    own = factories.customer(
        "Dansk Retail",
        "DK",
        budget_close_month=9,
        strategy_weeks_before_start=8,
        strategy_weeks_before_end=2,
    )
    calendar = calendar_between(
        D(2027, 1, 1), D(2027, 12, 31), customers=Customer.objects.all(), kinds=[STRATEGY_SEASON]
    )
    seasons = {o.customer_id: (o.start, o.end) for o in calendar.occurrences}
    assert seasons[default.pk] == (D(2027, 7, 8), D(2027, 8, 19))
    assert seasons[own.pk] == (D(2027, 8, 5), D(2027, 9, 16))


@pytest.mark.django_db
def test_a_season_that_ends_before_it_starts_is_refused_naming_the_field():
    customer = Customer(
        name="X", country="DK", strategy_weeks_before_start=4, strategy_weeks_before_end=6
    )
    with pytest.raises(ValidationError) as raised:
        customer.full_clean()
    assert "strategy_weeks_before_end" in raised.value.message_dict
