"""Each customer's strategy season, every year (kind `strategy_season`).

Customers shape next year's strategy as their fiscal year turns: from
`strategy_weeks_before_start` to `strategy_weeks_before_end` weeks before the
last day of the budget-close month (defaults from the settings of the same
names). That is the time for open questions, before a strategy becomes a
shopping list. A close in February puts the season in December and January.
"""

from __future__ import annotations

import datetime

from calendarapp.kinds import KINDS, STRATEGY_SEASON
from calendarapp.lib import evidence
from calendarapp.occurrences.scope import OccurrenceSource, Scope
from calendarapp.occurrences.value import Occurrence
from customers.models import Customer

NAME = "strategy_season"
# On the timeline and in the feeds too, so the season carries what to do in it.
TITLE = "Strategy season: ask open questions"
# The prompt the season carries on the customer page, the feeds and This week.
OPEN_QUESTION = KINDS[STRATEGY_SEASON].prompt


def load(scope: Scope) -> list[Occurrence]:
    found = []
    # Customers share a few budget-close months and season lengths: each season is dated once.
    seasons: dict[tuple[int, int, int], list[tuple[int, datetime.date, datetime.date]]] = {}
    for customer in scope.customers:
        shape = (
            customer.budget_close_month,
            customer.strategy_weeks_before_start,
            customer.strategy_weeks_before_end,
        )
        dated = seasons.get(shape)
        if dated is None:
            dated = seasons[shape] = _seasons(scope, *shape)
        for year, start, end in dated:
            # Positional: keyword arguments cost measurably at thousands a call.
            found.append(
                Occurrence(
                    f"strategy-{customer.id}-{year}",
                    start,
                    end,
                    STRATEGY_SEASON,
                    TITLE,
                    NAME,
                    customer.id,
                    "",
                    "",
                    0,
                    customer.id,
                )
            )
    return found


def _seasons(
    scope: Scope, month: int, weeks_before_start: int, weeks_before_end: int
) -> list[tuple[int, datetime.date, datetime.date]]:
    """The seasons of one close month and length that touch the scope's window, by close year."""
    found = []
    # A season ends weeks before its close, so a window's seasons belong to closes up to a
    # year after the window (a season ends at most 51 weeks before its close).
    for year in range(scope.start.year, scope.end.year + 2):
        start, end = evidence.strategy_season(year, month, weeks_before_start, weeks_before_end)
        if start <= scope.end and end >= scope.start:
            found.append((year, start, end))
    return found


SOURCE = OccurrenceSource(
    name=NAME,
    prefix="strategy",
    kinds=frozenset({STRATEGY_SEASON}),
    models=(Customer,),
    load=load,
)
