"""The fast yearly expansion agrees with dateutil, the reference implementation of RFC 5545."""

from __future__ import annotations

import datetime

from dateutil import rrule
from hypothesis import given, settings
from hypothesis import strategies as st

from calendarapp.lib import dates

D = datetime.date
days = st.dates(min_value=D(1995, 1, 1), max_value=D(2045, 12, 31))
durations = st.integers(min_value=0, max_value=40)
weekday_codes = st.sampled_from(dates.WEEKDAYS)


@st.composite
def simple_rules(draw) -> str:
    shape = draw(st.sampled_from(["plain", "month", "monthday", "nth", "weekno"]))
    if shape == "plain":
        return "RRULE:FREQ=YEARLY"
    month = draw(st.integers(1, 12))
    if shape == "month":
        return f"RRULE:FREQ=YEARLY;BYMONTH={month}"
    if shape == "monthday":
        monthday = draw(st.integers(1, 31) | st.integers(-31, -1))
        return f"RRULE:FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={monthday}"
    if shape == "nth":
        ordinal = draw(st.integers(1, 5) | st.integers(-5, -1))
        return f"RRULE:FREQ=YEARLY;BYMONTH={month};BYDAY={ordinal}{draw(weekday_codes)}"
    return f"RRULE:FREQ=YEARLY;BYWEEKNO={draw(st.integers(1, 53))};BYDAY={draw(weekday_codes)}"


def dateutil_expansion(rule_text, start, end, window_start, window_end):
    duration = end - start
    rules = rrule.rrulestr(rule_text, dtstart=datetime.datetime.combine(start, datetime.time()))
    after = datetime.datetime.combine(window_start - duration, datetime.time())
    before = datetime.datetime.combine(window_end, datetime.time())
    return [(m.date(), m.date() + duration) for m in rules.between(after, before, inc=True)]


@settings(max_examples=400, deadline=None)
@given(
    rule=simple_rules(),
    start=days,
    duration=durations,
    window_start=days,
    window_days=st.integers(0, 800),
)
def test_fast_yearly_rules_match_dateutil(rule, start, duration, window_start, window_days):
    assert dates.parse_yearly_rule(rule) is not None, "the rule should take the fast path"
    end = start + datetime.timedelta(days=duration)
    window_end = window_start + datetime.timedelta(days=window_days)
    fast = list(dates.expand(rule, start, end, window_start, window_end))
    assert fast == dateutil_expansion(rule, start, end, window_start, window_end)


@settings(max_examples=200, deadline=None)
@given(
    rule=simple_rules(),
    start=days,
    duration=durations,
    window_start=days,
    first_part=st.integers(0, 400),
    second_part=st.integers(0, 400),
)
def test_a_window_is_the_union_of_its_parts(
    rule, start, duration, window_start, first_part, second_part
):
    end = start + datetime.timedelta(days=duration)
    middle = window_start + datetime.timedelta(days=first_part)
    window_end = middle + datetime.timedelta(days=second_part + 1)
    whole = set(dates.expand(rule, start, end, window_start, window_end))
    parts = set(dates.expand(rule, start, end, window_start, middle))
    parts |= set(dates.expand(rule, start, end, middle + dates.ONE_DAY, window_end))
    assert whole == parts


def test_leap_day_recurs_only_in_leap_years():
    found = list(
        dates.expand(
            "RRULE:FREQ=YEARLY", D(2024, 2, 29), D(2024, 2, 29), D(2025, 1, 1), D(2032, 12, 31)
        )
    )
    assert [first for first, _ in found] == [D(2028, 2, 29), D(2032, 2, 29)]


def test_last_day_of_february_every_year():
    rule = "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"
    found = list(dates.expand(rule, D(2024, 2, 29), D(2024, 2, 29), D(2025, 1, 1), D(2028, 12, 31)))
    assert [first for first, _ in found] == [
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
        D(2028, 2, 29),
    ]


def test_iso_week_53_only_in_long_years():
    rule = "RRULE:FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO"
    found = list(dates.expand(rule, D(2020, 12, 28), D(2021, 1, 1), D(2021, 1, 1), D(2032, 12, 31)))
    # The 2020 week reaches into the window, so it is there whole.
    assert [first for first, _ in found] == [D(2020, 12, 28), D(2026, 12, 28), D(2032, 12, 27)]
    assert dates.weeks_in_iso_year(2026) == 53 and dates.weeks_in_iso_year(2027) == 52


def test_season_across_new_year_is_one_occurrence():
    found = list(
        dates.expand(
            "RRULE:FREQ=YEARLY", D(2020, 12, 15), D(2021, 1, 10), D(2026, 1, 1), D(2026, 1, 31)
        )
    )
    assert found == [(D(2025, 12, 15), D(2026, 1, 10))]


def test_other_rules_fall_back_to_dateutil():
    rule = "RRULE:FREQ=MONTHLY;BYMONTHDAY=1"
    assert dates.parse_yearly_rule(rule) is None
    found = list(dates.expand(rule, D(2026, 1, 1), D(2026, 1, 1), D(2026, 3, 1), D(2026, 4, 30)))
    assert found == [(D(2026, 3, 1), D(2026, 3, 1)), (D(2026, 4, 1), D(2026, 4, 1))]


def test_rule_must_include_its_start():
    assert dates.validate_rule("RRULE:FREQ=YEARLY;BYWEEKNO=42;BYDAY=MO", D(2026, 10, 12)) is None
    message = dates.validate_rule("RRULE:FREQ=YEARLY;BYWEEKNO=42;BYDAY=MO", D(2026, 10, 13))
    assert "2026-10-13 is not a date of the rule" in message
    assert "not a valid RFC 5545 rule" in dates.validate_rule("RRULE:FREQ=SOMETIMES", D(2026, 1, 1))


def test_longer_than_a_year():
    assert not dates.longer_than_a_year(D(2026, 1, 1), D(2026, 12, 31))
    assert dates.longer_than_a_year(D(2026, 1, 1), D(2027, 1, 1))
    assert not dates.longer_than_a_year(D(2024, 2, 29), D(2025, 2, 27))


def test_format_span():
    assert dates.format_span(D(2026, 9, 30), D(2026, 9, 30)) == "30 Sep 2026"
    assert dates.format_span(D(2026, 10, 12), D(2026, 10, 16)) == "12–16 Oct 2026"
    assert dates.format_span(D(2026, 9, 28), D(2026, 10, 2)) == "28 Sep – 2 Oct 2026"
    assert dates.format_span(D(2026, 12, 15), D(2027, 1, 10)) == "15 Dec 2026 – 10 Jan 2027"


def test_week_1_starting_in_december_is_found_in_that_december():
    rule = "RRULE:FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO"
    found = list(
        dates.expand(rule, D(2024, 12, 30), D(2024, 12, 30), D(2025, 12, 29), D(2025, 12, 31))
    )
    assert found == [(D(2025, 12, 29), D(2025, 12, 29))]


def test_rule_that_restarts_before_the_tradition_ends_is_refused():
    message = dates.validate_rule("RRULE:FREQ=YEARLY;BYDAY=MO", D(2026, 10, 12), D(2026, 10, 20))
    assert "starts again on 2026-10-19, before the occurrence from 2026-10-12 has ended" in message
    assert dates.validate_rule("RRULE:FREQ=WEEKLY", D(2026, 10, 12), D(2026, 10, 18)) is None
