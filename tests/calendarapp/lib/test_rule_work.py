"""The horizon that stops dateutil's walk through a rule's periods."""

from __future__ import annotations

import datetime
import inspect

import pytest
from dateutil import rrule

from calendarapp.lib import rule_work

DT = datetime.datetime


def rules_of(text: str) -> rrule.rruleset:
    return rrule.rrulestr(text, dtstart=DT(2026, 1, 1), forceset=True)


@pytest.mark.parametrize(
    "text",
    [
        # Never: ISO week 53's Thursday is always in December.
        "RRULE:FREQ=WEEKLY;BYWEEKNO=53;BYMONTH=1;BYDAY=TH",
        # Never: every 7th day from a Thursday never lands on a Friday.
        "RRULE:FREQ=DAILY;INTERVAL=7;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR",
        # Once in 28 years (2036).
        "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR",
        # Once in 28 years (2044).
        "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",
    ],
)
def test_a_rule_with_no_date_before_the_horizon_stops_there_instead_of_walking_on(text):
    # Without the horizon dateutil walks to the rule's next date (2036, 2044) or to 9999.
    found, passed = rule_work.dates_until(rules_of(text), DT(2026, 1, 1), DT(2027, 12, 31))
    assert (found, passed) == ([], True)


def test_dates_up_to_the_horizon_are_all_given():
    text = "RRULE:FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR"
    found, passed = rule_work.dates_until(rules_of(text), DT(2026, 1, 1), DT(2027, 12, 31))
    assert found == list(rules_of(text).between(DT(2026, 1, 1), DT(2027, 12, 31), inc=True))
    assert passed


def test_a_count_stops_before_the_horizon_and_a_weekly_rule_stops_at_its_next_week():
    text = "RRULE:FREQ=WEEKLY;BYDAY=MO"
    assert rule_work.dates_until(rules_of(text), DT(2026, 1, 1), DT(2026, 12, 31), count=2) == (
        [DT(2026, 1, 5), DT(2026, 1, 12)],
        False,
    )
    found, passed = rule_work.dates_until(rules_of(text), DT(2026, 1, 1), DT(2026, 1, 31))
    assert [moment.day for moment in found] == [5, 12, 19, 26]
    assert passed  # the week from 2 February begins after the horizon


def test_a_rule_that_ends_before_the_horizon_is_not_said_to_pass_it():
    text = "RRULE:FREQ=DAILY;COUNT=3"
    assert rule_work.dates_until(rules_of(text), DT(2026, 1, 1), DT(2030, 1, 1)) == (
        [DT(2026, 1, 1), DT(2026, 1, 2), DT(2026, 1, 3)],
        False,
    )


def test_outside_a_horizon_dateutil_walks_as_it_always_did():
    # The installed masks change nothing without a horizon: the 2044 date is still found.
    text = "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO"
    assert rules_of(text).after(DT(2026, 1, 1)) == DT(2044, 2, 29)


def test_dateutils_private_masks_still_have_the_shape_the_horizon_replaces():
    """rule_work subclasses dateutil's private `rrule._iterinfo`: a release that changes it must
    fail here by name (pyproject pins dateutil's minor version for this), not walk unbounded."""
    info = rule_work._DateutilInfo
    assert rrule._iterinfo is rule_work._HorizonInfo, "the horizon's masks are not installed"
    assert issubclass(rule_work._HorizonInfo, info)
    assert list(inspect.signature(info.__init__).parameters) == ["self", "rrule"]
    assert list(inspect.signature(info.rebuild).parameters) == ["self", "year", "month"]
    # __init__ clears these slots (ours clears them for dateutil): the same names, all there.
    assert set(info.__slots__) >= {"rrule", "lastyear", "lastmonth", "yearlen", "mmask"}
    walk = inspect.getsource(rrule.rrule._iter)
    assert "_iterinfo(self)" in walk, "rrule._iter no longer builds its masks by _iterinfo"
    assert "ii.rebuild(year, month)" in walk, "rrule._iter no longer rebuilds them per period"
