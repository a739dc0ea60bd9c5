"""The dates of what a customer told us: when an interest goes stale, and the strategy season.

Shared by the customer models (defaults and limits), the strategy-season source,
the audience and the pages. An interest is evidence with a date: not confirmed
for `INTEREST_STALE_DAYS` it is stale. Customers shape next year's strategy as
their fiscal year turns: from `strategy_weeks_before_start` to
`strategy_weeks_before_end` weeks before the last day of the budget-close month.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from calendarapp.lib import dates


def default_strategy_weeks_before_start() -> int:
    """The team's default, from the setting STRATEGY_WEEKS_BEFORE_START."""
    weeks: int = settings.STRATEGY_WEEKS_BEFORE_START
    return weeks


def default_strategy_weeks_before_end() -> int:
    """The team's default, from the setting STRATEGY_WEEKS_BEFORE_END."""
    weeks: int = settings.STRATEGY_WEEKS_BEFORE_END
    return weeks


def stale_before(today: datetime.date) -> datetime.date:
    """Evidence last confirmed before this day is stale."""
    return today - datetime.timedelta(days=settings.INTEREST_STALE_DAYS)


def is_stale(last_confirmed: datetime.date, today: datetime.date) -> bool:
    """Not confirmed for `INTEREST_STALE_DAYS`: we no longer know it holds."""
    return last_confirmed < stale_before(today)


def budget_close_day(year: int, month: int) -> datetime.date:
    """The last day of the budget-close month of `year`."""
    return datetime.date(year, month, dates.days_in_month(year, month))


def strategy_season(
    close_year: int, month: int, weeks_before_start: int, weeks_before_end: int
) -> tuple[datetime.date, datetime.date]:
    """The strategy season before the budget close of `close_year`, first and last day.

    A close in February puts the season in December and January: it crosses the year end.
    """
    close = budget_close_day(close_year, month)
    return (
        close - datetime.timedelta(weeks=weeks_before_start),
        close - datetime.timedelta(weeks=weeks_before_end),
    )
