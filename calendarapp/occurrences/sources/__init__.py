"""Every source of occurrences, in the order `calendar_between` runs them.

A new source is one module here with a `SOURCE` and one entry in `SOURCES`;
the stream, the feeds' data version and the contract test read this tuple.
"""

from calendarapp.occurrences.scope import OccurrenceSource
from calendarapp.occurrences.sources import (
    budget,
    contracts,
    decision_steps,
    imported,
    plans,
    public_holidays,
    school_holidays,
    strategy_season,
    touches,
    traditions,
)

SOURCES: tuple[OccurrenceSource, ...] = (
    traditions.SOURCE,
    contracts.SOURCE,
    budget.SOURCE,
    public_holidays.SOURCE,
    school_holidays.SOURCE,
    imported.SOURCE,
    plans.SOURCE,
    touches.SOURCE,
    decision_steps.SOURCE,
    strategy_season.SOURCE,
)
