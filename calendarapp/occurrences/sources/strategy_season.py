"""Each customer's strategy season, every year (kind `strategy_season`).

Customers shape next year's strategy as their fiscal year turns: from
`strategy_weeks_before_start` to `strategy_weeks_before_end` weeks before the
last day of the budget-close month (defaults from the settings of the same
names). That is the time for open questions, before a strategy becomes a
shopping list. A close in February puts the season in December and January.
"""

from __future__ import annotations

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
    # A season ends weeks before its close, so a window's seasons belong to closes up to a
    # year after the window (a season ends at most 51 weeks before its close).
    for year in range(scope.start.year, scope.end.year + 2):
        for customer in scope.customers:
            start, end = evidence.strategy_season(
                year,
                customer.budget_close_month,
                customer.strategy_weeks_before_start,
                customer.strategy_weeks_before_end,
            )
            if start <= scope.end and end >= scope.start:
                found.append(
                    Occurrence(
                        id=f"strategy-{customer.id}-{year}",
                        start=start,
                        end=end,
                        kind=STRATEGY_SEASON,
                        title=TITLE,
                        source=NAME,
                        customer_id=customer.id,
                        source_id=customer.id,
                    )
                )
    return found


SOURCE = OccurrenceSource(
    name=NAME,
    prefix="strategy",
    kinds=frozenset({STRATEGY_SEASON}),
    models=(Customer,),
    load=load,
)
