"""A horizon that stops dateutil's walk through a recurrence rule's periods.

dateutil has no cap on its work: to find a rule's next date it examines period
after period, so `FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR` (a date every
28 years) examines ~10,000 days to learn that none falls in a two-year window,
and `FREQ=WEEKLY;BYWEEKNO=53;BYMONTH=1;BYDAY=TH` (never) walks to the year 9999
(seconds). Inside `horizon(day)` every rule's walk stops, raising `PastHorizon`,
at the first month (a yearly rule: year) that begins after `day`: the work is
bounded by the days up to the horizon, whatever the rule, and every date up to
it has been given.

dateutil builds its per-walk calendar masks (`_iterinfo`) afresh for each
iteration, so the count lives in a subclass installed once in its module; outside
`horizon()` it behaves exactly as dateutil's own.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from contextvars import ContextVar

from dateutil import rrule

# The ordinal of the last day a walk may examine, or None for no horizon.
_HORIZON: ContextVar[int | None] = ContextVar("rule_horizon", default=None)


class PastHorizon(Exception):
    """A rule's walk reached a period after the horizon without finding another date."""


# dateutil's private helper (pyproject pins dateutil's minor version); the contract test in
# tests/calendarapp/lib/test_rule_work.py fails if a dateutil release changes it.
_DateutilInfo = rrule._iterinfo


class _HorizonInfo(_DateutilInfo):
    """dateutil's calendar masks for one walk, refusing months beyond the horizon."""

    __slots__ = ["horizon", "yearly"]

    def __init__(self, rule: rrule.rrule) -> None:
        # dateutil's __init__ clears only `type(self).__slots__`: clear its own slots too.
        for attr in _DateutilInfo.__slots__:
            setattr(self, attr, None)
        self.rrule = rule
        self.horizon = _HORIZON.get()
        self.yearly = rule._freq == rrule.YEARLY  # type: ignore[attr-defined]

    def rebuild(self, year: int, month: int) -> None:
        # dateutil rebuilds its masks for every new month it walks into (every period of a
        # monthly or yearly rule), so checking here costs nothing per day. A yearly period
        # is the whole year; any other lies in or after the month named.
        if self.horizon is not None:
            first = datetime.date(year, 1 if self.yearly else month, 1)
            if first.toordinal() > self.horizon:
                raise PastHorizon
        super().rebuild(year, month)


rrule._iterinfo = _HorizonInfo  # type: ignore[misc,assignment]


@contextlib.contextmanager
def horizon(day: datetime.date) -> Iterator[None]:
    """Stop every rule walk in this block at the first period after `day`."""
    token = _HORIZON.set(day.toordinal())
    try:
        yield
    finally:
        _HORIZON.reset(token)


def dates_until(
    rules: rrule.rrulebase,
    after: datetime.datetime,
    before: datetime.datetime,
    count: int = 0,
) -> tuple[list[datetime.datetime], bool]:
    """The rule's dates from `after` to `before` (both inclusive), at most `count` if given,
    and whether the walk passed `before` with the rule still running (no more dates by then;
    False when the rule ended or `count` dates were found).

    With several RRULEs, an EXRULE or RDATEs in one set, the first walk past the horizon ends
    the whole set's iteration, so other dates up to `before` may be missing: a caller that
    needs them all expands such a set unbounded.
    """
    found: list[datetime.datetime] = []
    with horizon(before.date()):
        try:
            for moment in rules.xafter(after, inc=True):
                if moment > before:
                    return found, True
                found.append(moment)
                if count and len(found) >= count:
                    return found, False
        except PastHorizon:
            return found, True
    return found, False
