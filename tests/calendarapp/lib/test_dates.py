"""The fast yearly expansion agrees with dateutil, the reference implementation of RFC 5545."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from dateutil import rrule
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calendarapp.lib import dates, rule_work

D = datetime.date
days = st.dates(min_value=D(1995, 1, 1), max_value=D(2045, 12, 31))
durations = st.integers(min_value=0, max_value=40)
weekday_codes = st.sampled_from(dates.WEEKDAYS)


WKSTS = st.sampled_from(("",) + dates.WEEKDAYS)
ZONE = zoneinfo.ZoneInfo("Europe/Copenhagen")


@st.composite
def simple_rules(draw, wkst=WKSTS) -> str:
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
    week = f"RRULE:FREQ=YEARLY;BYWEEKNO={draw(st.integers(1, 53))};BYDAY={draw(weekday_codes)}"
    week_start = draw(wkst)
    return f"{week};WKST={week_start}" if week_start else week


# dateutil 2.9 counts the January days before week 1 in week 53 of the year before even
# when that year has only 52 weeks: it finds them for BYWEEKNO=53 and misses them for 52.
# They are the two weekdays before the week's first day, in weeks 52 and 53; for ISO weeks
# (WKST=MO, the default) Saturday and Sunday. There we keep the ISO calendar's answer.
DATEUTIL_WEEK_ERRORS = frozenset(
    (week, dates.WEEKDAYS[(first - back) % 7], dates.WEEKDAYS[first])
    for first in range(7)
    for week in (52, 53)
    for back in (1, 2)
)
assert {(52, "SA", "MO"), (52, "SU", "MO"), (53, "SA", "MO"), (53, "SU", "MO")} <= (
    DATEUTIL_WEEK_ERRORS
)


def assert_agrees_with_dateutil(rule_text, fast, oracle):
    parts = dict(part.split("=") for part in rule_text.removeprefix("RRULE:").split(";"))
    shape = (int(parts.get("BYWEEKNO", 0)), parts.get("BYDAY"), parts.get("WKST", "MO"))
    # Rules off the fast path are expanded by dateutil itself.
    fast_path = dates.parse_yearly_rule(dates.with_local_instants(rule_text, ZONE))
    if shape not in DATEUTIL_WEEK_ERRORS or fast_path is None:
        assert fast == oracle
        return
    # Only the January days dateutil misplaces may differ, and for ISO weeks our days are
    # exactly the ISO calendar's.
    assert all(day.month == 1 and day.day <= 3 for day, _ in set(fast) ^ set(oracle))
    if shape[2] == "MO":
        iso = (shape[0], dates.WEEKDAYS.index(shape[1]) + 1)
        assert all(tuple(day.isocalendar())[1:] == iso for day, _ in fast)


def dateutil_expansion(rule_text, start, end, window_start, window_end, zone=None):
    """dateutil's expansion from midnight of `start`, local to `zone` when given."""
    duration = end - start
    rules = rrule.rrulestr(
        rule_text, dtstart=datetime.datetime.combine(start, datetime.time(), tzinfo=zone)
    )
    after = datetime.datetime.combine(window_start - duration, datetime.time(), tzinfo=zone)
    before = datetime.datetime.combine(window_end, datetime.time(), tzinfo=zone)
    return [(m.date(), m.date() + duration) for m in rules.between(after, before, inc=True)]


@st.composite
def spans(draw) -> tuple[D, D, D, D]:
    """A first occurrence and a window: (start, end, window start, window end)."""
    start, window_start = draw(days), draw(days)
    end = start + datetime.timedelta(days=draw(durations))
    return (
        start,
        end,
        window_start,
        window_start + datetime.timedelta(days=draw(st.integers(0, 800))),
    )


@settings(max_examples=400, deadline=None)
@given(rule=simple_rules(), span=spans())
def test_fast_yearly_rules_match_dateutil(rule, span):
    assert dates.parse_yearly_rule(rule) is not None, "the rule should take the fast path"
    fast = list(dates.expand(rule, *span))
    assert_agrees_with_dateutil(rule, fast, dateutil_expansion(rule, *span))


@st.composite
def yearly_rules_with_modifiers(draw) -> tuple[str, zoneinfo.ZoneInfo | None]:
    """A simple yearly rule with any of INTERVAL, BYSETPOS, COUNT or UNTIL, and the zone
    its UNTIL is read in (None when it names a day or a local time)."""
    rule = draw(simple_rules())
    if draw(st.booleans()):
        rule += f";INTERVAL={draw(st.integers(1, 3))}"
    if draw(st.booleans()):
        rule += f";BYSETPOS={draw(st.sampled_from([1, -1]))}"
    end = draw(st.sampled_from(["", "count", "date", "local", "utc"]))
    if end == "count":
        return f"{rule};COUNT={draw(st.integers(1, 12))}", None
    if not end:
        return rule, None
    until = draw(st.datetimes(datetime.datetime(1995, 1, 1), datetime.datetime(2046, 1, 1)))
    if end == "date":
        return f"{rule};UNTIL={until:%Y%m%d}", None
    if end == "local":
        return f"{rule};UNTIL={until:%Y%m%dT%H%M%S}", None
    return f"{rule};UNTIL={until:%Y%m%dT%H%M%SZ}", ZONE


@settings(max_examples=300, deadline=None)
@given(rule_and_zone=yearly_rules_with_modifiers(), span=spans())
def test_every_simple_yearly_shape_with_interval_setpos_count_or_until_matches_dateutil(
    rule_and_zone, span
):
    rule, zone = rule_and_zone
    # A UTC UNTIL is stored as such and read as the day it falls on in the team's zone.
    fast = list(dates.expand(dates.with_local_instants(rule, ZONE), *span))
    assert_agrees_with_dateutil(rule, fast, dateutil_expansion(rule, *span, zone=zone))


def test_until_as_a_utc_instant_ends_on_its_local_day():
    # django-recurrence stores UNTIL=20301215 in Copenhagen as 14 Dec 23:00 UTC.
    stored = "RRULE:FREQ=YEARLY;UNTIL=20301214T230000Z"
    assert dates.with_local_instants(stored, ZONE) == "RRULE:FREQ=YEARLY;UNTIL=20301215"
    ours = dates.with_local_instants(stored, ZONE)
    assert dates.validate_rule(ours, D(2026, 12, 15)) is None
    found = dates.expand(ours, D(2026, 12, 15), D(2026, 12, 15), D(2029, 1, 1), D(2032, 12, 31))
    assert [first for first, _ in found] == [D(2029, 12, 15), D(2030, 12, 15)]


def test_a_week_number_rule_counts_weeks_from_its_wkst():
    rule = "RRULE:FREQ=YEARLY;BYWEEKNO=42;BYDAY=MO;WKST=SU"
    # Week 42 from Sunday 18 Oct 2026 (week 1 begins 4 Jan); its Monday is the 19th.
    assert dates.validate_rule(rule, D(2026, 10, 19)) is None
    found = dates.expand(rule, D(2026, 10, 19), D(2026, 10, 23), D(2026, 1, 1), D(2027, 12, 31))
    assert found == [(D(2026, 10, 19), D(2026, 10, 23)), (D(2027, 10, 18), D(2027, 10, 22))]
    assert dates.parse_yearly_rule(rule) is not None, "it stays on the fast path"


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


@pytest.mark.parametrize(
    "rule",
    [
        "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "RRULE:FREQ=YEARLY;BYMONTH=4,6,9,11;BYMONTHDAY=31",
        "RRULE:FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=-30,31",
        "RRULE:FREQ=MONTHLY;BYMONTHDAY=32",
    ],
)
def test_a_rule_that_never_gives_a_date_is_refused_without_searching_to_9999(rule):
    assert "never gives a date" in dates.validate_rule(rule, D(2026, 2, 1))


@pytest.mark.parametrize(
    "rule",
    ["RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "RRULE:FREQ=MONTHLY;BYMONTHDAY=-31,15"],
)
def test_a_rare_but_possible_month_day_is_not_called_impossible(rule):
    assert dates.impossible_day_error(rule) is None


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


@st.composite
def rare_rules(draw) -> str:
    """Rules off the fast path whose filters meet rarely: leap days, 31sts, ISO week 53."""
    parts = [f"FREQ={draw(st.sampled_from(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']))}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 3))}")
    if draw(st.booleans()):
        months = draw(st.lists(st.sampled_from([1, 2, 12]), min_size=1, max_size=2, unique=True))
        parts.append(f"BYMONTH={','.join(map(str, months))}")
    if draw(st.booleans()):
        parts.append(f"BYMONTHDAY={draw(st.sampled_from([1, 29, 30, 31, -1]))}")
    if draw(st.booleans()):
        parts.append(f"BYWEEKNO={draw(st.sampled_from([1, 52, 53, -1]))}")
    parts.append(f"BYDAY={draw(weekday_codes)}")
    return "RRULE:" + ";".join(parts)


@st.composite
def year_end_spans(draw) -> tuple[D, D, D, D]:
    """A one-day first occurrence and a window beginning in late December."""
    start = draw(st.dates(min_value=D(2016, 1, 1), max_value=D(2032, 12, 31)))
    window_start = D(draw(st.integers(2020, 2034)), 12, draw(st.integers(20, 31)))
    return start, start, window_start, window_start + datetime.timedelta(draw(st.integers(0, 800)))


@settings(max_examples=200, deadline=None)
@given(rule=rare_rules(), span=year_end_spans())
def test_rules_stopped_at_the_window_end_give_every_date_dateutil_gives(rule, span):
    assume(dates.parse_yearly_rule(rule) is None and dates.impossible_day_error(rule) is None)
    # The oracle walks unbounded to the rule's next date: keep rules that have one soon.
    start = datetime.datetime.combine(span[0], datetime.time())
    soon, _ = rule_work.dates_until(
        rrule.rrulestr(rule, dtstart=start), start, start.replace(year=start.year + 40), count=1
    )
    assume(soon)
    assert list(dates.expand(rule, *span)) == dateutil_expansion(rule, *span)


@pytest.mark.parametrize(
    "extra",
    [
        "RRULE:FREQ=MONTHLY;BYMONTHDAY=1",
        "RDATE:20260704T000000",
    ],
)
def test_a_rare_rule_beside_another_rule_or_a_date_loses_none_of_their_dates(extra):
    rare = "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR"
    rule = f"{rare}\n{extra}"
    span = (D(2026, 1, 1), D(2026, 1, 1), D(2026, 6, 1), D(2026, 8, 31))
    found = list(dates.expand(rule, *span))
    assert found == dateutil_expansion(rule, *span)
    assert found


@pytest.mark.parametrize(
    "rule",
    [
        "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",
        "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR",
        "RRULE:FREQ=WEEKLY;BYWEEKNO=53;BYMONTH=1;BYDAY=TH",
    ],
)
def test_a_rule_with_no_date_within_two_years_of_its_anchor_is_refused(rule):
    assert dates.validate_rule_from(rule, D(2026, 3, 1)) == (
        "The rule gives no date in the next two years."
    )


def test_a_step_rule_must_repeat_within_two_years_of_its_first_date():
    leap_friday = "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR"
    message = dates.validate_rule(
        leap_friday, D(2008, 2, 29), repeat_within=dates.RULE_FROM_REACH_DAYS
    )
    assert message.startswith("The rule does not repeat within 2 years of 2008-02-29")
    # A tradition on the leap day every four years is fine.
    assert dates.validate_rule("RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", D(2028, 2, 29)) is None


def test_a_rule_with_no_date_within_eight_years_of_its_start_is_refused():
    never = "RRULE:FREQ=WEEKLY;BYWEEKNO=53;BYMONTH=1;BYDAY=TH"
    assert dates.validate_rule(never, D(2026, 1, 1)) == (
        "The rule gives no date within 8 years of the start date."
    )


@pytest.mark.parametrize(
    "rule",
    [
        "RRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,FR;WKST=SU",
        "RRULE:FREQ=DAILY;INTERVAL=5;BYMONTH=12,1",
        "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20270301",
    ],
)
def test_a_daily_or_weekly_rule_from_long_ago_gives_dateutils_dates_in_a_late_window(rule):
    # The walk starts a whole number of periods before the window, not at 2008.
    for window in [(D(2026, 12, 20), D(2027, 3, 10)), (D(2036, 1, 1), D(2036, 12, 31))]:
        span = (D(2008, 2, 29), D(2008, 3, 2), *window)
        assert list(dates.expand(rule, *span)) == dateutil_expansion(rule, *span)
