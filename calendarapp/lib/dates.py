"""Date arithmetic for all-day calendars, with no Django in it.

Traditions repeat by RFC 5545 rules (as stored by django-recurrence). dateutil
expands any rule correctly but walks every year from the rule's start, which is
too slow for tens of thousands of traditions on every page. The rules people
actually use for traditions are yearly and simple: "every year on this date",
"the last Thursday of November", "Monday of ISO week 42", "the last day of
February". Those are computed here directly, one year at a time; any other rule
falls back to dateutil. The fast path is tested against dateutil as the oracle.

Semantics follow RFC 5545, as every calendar client does: a yearly rule on
29 February only occurs in leap years (use BYMONTH=2;BYMONTHDAY=-1 for "the
last day of February"), and a "5th Monday" occurs only where one exists.
"""

from __future__ import annotations

import datetime
import functools
import itertools
from collections.abc import Iterator
from typing import NamedTuple

from dateutil import rrule
from dateutil.relativedelta import relativedelta

from calendarapp.lib import rule_work

Day = datetime.date
ONE_DAY = datetime.timedelta(days=1)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class YearlyRule(NamedTuple):
    """A yearly rule that picks at most one day a year.

    Exactly one shape is set: a month and day of month (negative counts from
    the end), a month and an nth weekday (negative counts from the end), or an
    week number and weekday (weeks begin on `wkst`, Monday being ISO weeks).
    """

    month: int | None = None
    monthday: int | None = None
    weekday: int | None = None
    ordinal: int | None = None
    weekno: int | None = None
    until: Day | None = None
    wkst: int = 0

    def day_in_year(self, year: int) -> Day | None:
        """Return the rule's day in a calendar year (its week year for week rules), or None."""
        # Each shape sets its own fields (see the class docstring); the asserts say which.
        if self.weekno is not None:
            assert self.weekday is not None
            if self.wkst:
                return day_of_week_number(year, self.weekno, self.weekday, self.wkst)
            if self.weekno > weeks_in_iso_year(year):
                return None
            return Day.fromisocalendar(year, self.weekno, self.weekday + 1)
        assert self.month is not None
        if self.ordinal is not None:
            assert self.weekday is not None
            return nth_weekday(year, self.month, self.weekday, self.ordinal)
        assert self.monthday is not None
        return day_of_month(year, self.month, self.monthday)


def weeks_in_iso_year(year: int) -> int:
    """Return 52 or 53: 28 December always lies in the last ISO week of its year."""
    return Day(year, 12, 28).isocalendar().week


def first_week_start(year: int, wkst: int) -> Day:
    """Return the first day of week 1 when weeks begin on `wkst` (RFC 5545 3.3.10).

    Week 1 is the first week with at least four days in the year, as in ISO 8601
    (which is the case `wkst` = Monday).
    """
    new_year = Day(year, 1, 1)
    offset = (new_year.weekday() - wkst) % 7
    start = new_year - datetime.timedelta(days=offset)
    return start + datetime.timedelta(days=7) if offset > 3 else start


def day_of_week_number(year: int, weekno: int, weekday: int, wkst: int) -> Day | None:
    """Return a weekday of week `weekno` of a year whose weeks begin on `wkst`, or None."""
    first = first_week_start(year, wkst)
    if weekno > (first_week_start(year + 1, wkst) - first).days // 7:
        return None
    return first + datetime.timedelta(days=7 * (weekno - 1) + (weekday - wkst) % 7)


def days_in_month(year: int, month: int) -> int:
    next_month = Day(year + month // 12, month % 12 + 1, 1)
    return (next_month - ONE_DAY).day


def day_of_month(year: int, month: int, monthday: int) -> Day | None:
    length = days_in_month(year, month)
    day = monthday if monthday > 0 else length + monthday + 1
    if not 1 <= day <= length:
        return None
    return Day(year, month, day)


def nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> Day | None:
    """Return the nth (or, negative, nth-last) weekday of a month, or None if there is none."""
    if ordinal > 0:
        first = Day(year, month, 1)
        day = first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (ordinal - 1))
    else:
        last = Day(year, month, days_in_month(year, month))
        day = last - datetime.timedelta(days=(last.weekday() - weekday) % 7 + 7 * (-ordinal - 1))
    return day if day.month == month else None


def longer_than_a_year(start: Day, end: Day) -> bool:
    """Tell whether an inclusive span lasts longer than one year (a leap year counts)."""
    return end >= start + relativedelta(years=1)


def iso_weeks(start: Day, end: Day) -> list[tuple[int, int, Day]]:
    """List (ISO year, ISO week, Monday) for every ISO week that touches the window."""
    monday = start - datetime.timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        iso = monday.isocalendar()
        weeks.append((iso.year, iso.week, monday))
        monday += datetime.timedelta(days=7)
    return weeks


def overlaps(start: Day, end: Day, window_start: Day, window_end: Day) -> bool:
    return start <= window_end and end >= window_start


def serialize_recurrence(value: object) -> str:
    """Return the RFC 5545 text of a django-recurrence value (or pass text through)."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    import recurrence

    return str(recurrence.serialize(value))


def with_local_instants(text: str, zone: datetime.tzinfo) -> str:
    """Rewrite UTC instants in RDATE and EXDATE lines as local, naive midnights, and UTC
    UNTILs as the local day they fall on.

    django-recurrence stores every UNTIL as a UTC instant (UNTIL=20301215 becomes
    20301214T230000Z in Copenhagen), which dateutil refuses next to our naive
    starts; our occurrences begin at local midnight, so the last one is on the
    local day of that instant.
    """
    if "DATE:" not in text and "UNTIL=" not in text:
        return text
    lines = []
    for line in text.splitlines():
        name, _, values = line.partition(":")
        if name in ("RDATE", "EXDATE"):
            values = ",".join(_local_midnight(value, zone) for value in values.split(","))
        elif name in ("RRULE", "EXRULE") and "UNTIL=" in values:
            values = ";".join(_local_until(part, zone) for part in values.split(";"))
        lines.append(f"{name}:{values}")
    return "\n".join(lines)


def _local_midnight(value: str, zone: datetime.tzinfo) -> str:
    if not value.endswith("Z"):
        return value
    return f"{_local_moment(value, zone):%Y%m%d}T000000"


def _local_until(part: str, zone: datetime.tzinfo) -> str:
    if not (part.startswith("UNTIL=") and part.endswith("Z")):
        return part
    return f"UNTIL={_local_moment(part[6:], zone):%Y%m%d}"


def _local_moment(value: str, zone: datetime.tzinfo) -> datetime.datetime:
    moment = datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    return moment.astimezone(zone)


@functools.lru_cache(maxsize=4096)
def parse_yearly_rule(text: str) -> YearlyRule | None:
    """Return the fast form of a simple yearly rule, or None when dateutil must expand it.

    A rule without BYMONTHDAY takes its day from the start date, which is not
    part of the text, so that case is marked with monthday 0 and filled in by
    `expand`.
    """
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(lines) != 1 or not lines[0].startswith("RRULE:"):
        return None
    parts = dict(part.split("=", 1) for part in lines[0][6:].split(";") if "=" in part)
    if parts.pop("FREQ", None) != "YEARLY" or parts.pop("INTERVAL", "1") != "1":
        return None
    wkst = parts.pop("WKST", "MO")
    until = parts.pop("UNTIL", None)
    if until and until.endswith("Z"):
        return None  # a UTC instant: its day depends on the zone (see with_local_instants)
    try:
        until_day = _parse_until(until) if until else None
        rule = _simple_yearly_shape(parts)
        week_start = WEEKDAYS.index(wkst)
    except (ValueError, KeyError):
        return None
    if rule is None:
        return None
    return YearlyRule(
        month=rule.month,
        monthday=rule.monthday,
        weekday=rule.weekday,
        ordinal=rule.ordinal,
        weekno=rule.weekno,
        until=until_day,
        # Only week numbers depend on the week's first day.
        wkst=week_start if rule.weekno is not None else 0,
    )


def _parse_until(value: str) -> Day:
    return datetime.datetime.strptime(value[:8], "%Y%m%d").date()


def _parse_weekday(value: str) -> tuple[int, int | None]:
    code = value[-2:]
    ordinal = int(value[:-2]) if value[:-2] else None
    if ordinal == 0:
        raise ValueError(value)
    return WEEKDAYS.index(code), ordinal


def _simple_yearly_shape(parts: dict[str, str]) -> YearlyRule | None:
    keys = set(parts)
    if any("," in value for value in parts.values()):
        return None
    if not keys:
        return YearlyRule(monthday=0)
    if keys == {"BYWEEKNO", "BYDAY"}:
        weekno = int(parts["BYWEEKNO"])
        weekday, ordinal = _parse_weekday(parts["BYDAY"])
        if ordinal is not None or not 1 <= weekno <= 53:
            return None
        return YearlyRule(weekno=weekno, weekday=weekday)
    month = int(parts["BYMONTH"])
    if not 1 <= month <= 12:
        return None
    if keys == {"BYMONTH"}:
        return YearlyRule(month=month, monthday=0)
    if keys == {"BYMONTH", "BYMONTHDAY"}:
        monthday = int(parts["BYMONTHDAY"])
        return YearlyRule(month=month, monthday=monthday) if 1 <= abs(monthday) <= 31 else None
    if keys == {"BYMONTH", "BYDAY"}:
        weekday, ordinal = _parse_weekday(parts["BYDAY"])
        if ordinal is None or not 1 <= abs(ordinal) <= 5:
            return None
        return YearlyRule(month=month, weekday=weekday, ordinal=ordinal)
    return None


@functools.lru_cache(maxsize=4096)
def _dateutil_rule(text: str, start: Day) -> rrule.rruleset:
    return rrule.rrulestr(
        text, dtstart=datetime.datetime.combine(start, datetime.time()), forceset=True
    )


# How many of a rule's first occurrences are checked for overlapping one another.
OVERLAP_CHECK_COUNT = 12
# How far past its start a rule is examined when checked: a tradition every four years
# (29 February, an election) gives its second date within it; one that gives no date
# within it is refused rather than walked to the year 9999.
RULE_CHECK_REACH_YEARS = 8
RULE_CHECK_REACH = datetime.timedelta(days=RULE_CHECK_REACH_YEARS * 366)


# The most days each month can have (February in a leap year).
LONGEST_MONTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def impossible_day_error(text: str) -> str | None:
    """An error when the rule's months have none of its month days (BYMONTH=2;BYMONTHDAY=30).

    dateutil looks for such a date year by year up to 9999 (seconds per rule), so this is
    asked first, from the rule's text alone.
    """
    parts = _rule_parts(text)
    if "BYMONTHDAY" not in parts:
        return None
    try:
        months = [int(m) for m in parts.get("BYMONTH", "").split(",") if m] or range(1, 13)
        days = [abs(int(d)) for d in parts["BYMONTHDAY"].split(",") if d]
    except ValueError:
        return None  # unreadable: dateutil says what is wrong
    if any(1 <= m <= 12 and 0 < d <= LONGEST_MONTHS[m - 1] for m in months for d in days):
        return None
    return (
        f"The rule never gives a date: no month of BYMONTH={parts.get('BYMONTH', '1-12')} "
        f"has day {parts['BYMONTHDAY']}."
    )


def _rule_parts(text: str) -> dict[str, str]:
    """A rule's NAME=value parts, upper case (of every rule line, the last one winning)."""
    return dict(
        part.split("=", 1) for part in text.upper().replace("RRULE:", ";").split(";") if "=" in part
    )


def validate_rule(
    text: str, start: Day, end: Day | None = None, *, repeat_within: int | None = None
) -> str | None:
    """Return an error message when a rule is unreadable, misses its start, or overlaps itself.

    A tradition lasting from `start` to `end` must not begin again before it
    has ended ("every Monday" for a five-day holiday). With `repeat_within`,
    the rule must also give its second date within that many days. dateutil
    examines at most `RULE_CHECK_REACH` of the rule's days (see rule_work).
    """
    if error := impossible_day_error(text):
        return error
    try:
        rules = _dateutil_rule(text, start)
        moment = datetime.datetime.combine(start, datetime.time())
        following, passed = rule_work.dates_until(
            rules, moment, moment + RULE_CHECK_REACH, count=OVERLAP_CHECK_COUNT
        )
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        return f"This is not a valid RFC 5545 rule ({exc})."
    if not following:
        if passed:
            return (
                f"The rule gives no date within {RULE_CHECK_REACH_YEARS} years of the start date."
            )
        return "The rule never produces a date on or after the start date."
    first = following[0]
    if first.date() != start:
        return (
            f"The start date {start.isoformat()} is not a date of the rule; "
            f"its first date from there is {first.date().isoformat()}."
        )
    if repeat_within is not None and (
        len(following) < 2 or (following[1].date() - start).days > repeat_within
    ):
        return (
            f"The rule does not repeat within {_in_years(repeat_within)} of "
            f"{start.isoformat()}; give a rule that repeats at least that often, or no rule."
        )
    return _overlap_error(following, (end - start).days if end else 0)


def _in_years(days: int) -> str:
    return f"{round(days / 365.25)} years"


def _overlap_error(following: list[datetime.datetime], length: int) -> str | None:
    """An error when an occurrence `length` days long would begin again before it ended."""
    for earlier, later in itertools.pairwise(following):
        if (later - earlier).days <= length:
            return (
                f"The rule starts again on {later.date().isoformat()}, before the "
                f"occurrence from {earlier.date().isoformat()} has ended; make it repeat "
                "less often or make the tradition shorter."
            )
    return None


# A repeating step must meet within this many days of its anchor (or of its first date).
RULE_FROM_REACH_DAYS = 731


def validate_rule_from(text: str, anchor: Day) -> str | None:
    """An error when a rule without a start date is unreadable, gives no day within two years,
    or repeats within a day (every hour would be 24 steps a day).

    Bounded like `validate_rule`: dateutil examines only the rule's days from `anchor` to
    two years after it, however rarely (or never) the rule matches.
    """
    if error := impossible_day_error(text):
        return error
    try:
        rules = _dateutil_rule(text, anchor)
        moment = datetime.datetime.combine(anchor, datetime.time())
        following, _ = rule_work.dates_until(
            rules,
            moment,
            moment + datetime.timedelta(days=RULE_FROM_REACH_DAYS),
            count=OVERLAP_CHECK_COUNT,
        )
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        return f"This is not a valid RFC 5545 rule ({exc})."
    if not following:
        return "The rule gives no date in the next two years."
    return _overlap_error(following, 0)


def expand(
    rule_text: str, start: Day, end: Day, window_start: Day, window_end: Day
) -> list[tuple[Day, Day]]:
    """List (first day, last day) of each occurrence that touches the window.

    `start`..`end` is the first occurrence; the rule gives the later start days.
    A one-off (empty rule) is just the first occurrence. Occurrences that cross
    the window's edges are listed whole, so a season from 15 December to
    10 January is one occurrence, not two halves.
    """
    duration = end - start
    if not rule_text:
        return [(start, end)] if overlaps(start, end, window_start, window_end) else []
    rule = parse_yearly_rule(rule_text)
    if rule is None:
        return list(_expand_with_dateutil(rule_text, start, duration, window_start, window_end))
    if rule.monthday == 0:
        rule = _with_start_day(rule, start.month, start.day)
    # An occurrence touches the window when it starts no later than the window's end
    # and ends no earlier than its start; it also lies between the rule's start and UNTIL.
    lowest = max(start, window_start - duration)
    highest = min(window_end, rule.until) if rule.until else window_end
    return [
        (day, day + duration)
        for day in _days_between(rule, (window_start - duration).year, window_end.year)
        if lowest <= day <= highest
    ]


@functools.lru_cache(maxsize=65536)
def _days_between(rule: YearlyRule, first_year: int, last_year: int) -> tuple[Day, ...]:
    """The rule's days from `first_year` to `last_year`, shared by every tradition using it."""
    # A week rule's year is the ISO year, which may begin in December or end in January.
    spill = 1 if rule.weekno is not None else 0
    years = range(first_year - spill, last_year + spill + 1)
    return tuple(day for year in years if (day := rule.day_in_year(year)) is not None)


@functools.lru_cache(maxsize=4096)
def _with_start_day(rule: YearlyRule, month: int, day: int) -> YearlyRule:
    """Fill in the day a rule without BYMONTHDAY takes from its start date."""
    return YearlyRule(month=rule.month or month, monthday=day, until=rule.until)


def _expand_with_dateutil(
    rule_text: str,
    start: Day,
    duration: datetime.timedelta,
    window_start: Day,
    window_end: Day,
) -> Iterator[tuple[Day, Day]]:
    alone = _walks_alone(rule_text)
    if alone:
        start = _start_near(rule_text, start, window_start - duration)
    rules = _dateutil_rule(rule_text, start)
    after = datetime.datetime.combine(window_start - duration, datetime.time())
    before = datetime.datetime.combine(window_end, datetime.time())
    # dateutil walks on past the window to the rule's next date, decades away for a rule on
    # Fridays the 29th of February: stop at the window's end instead.
    moments, passed = rule_work.dates_until(rules, after, before)
    if passed and not alone:
        # Another rule's or RDATE's dates may be missing (see dates_until): walk them all.
        moments = rules.between(after, before, inc=True)
    for moment in moments:
        yield moment.date(), moment.date() + duration


# Days one period of a frequency whose periods are all alike spans (see _start_near).
ALIKE_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7}


def _start_near(rule_text: str, start: Day, first_wanted: Day) -> Day:
    """A later start giving the same dates from `first_wanted` on, so dateutil need not walk
    the years between: a whole number of periods later, for a daily or weekly rule without
    COUNT (its dates depend on the start only through the period's phase and weekday)."""
    parts = _rule_parts(rule_text)
    period_days = ALIKE_PERIOD_DAYS.get(parts.get("FREQ", ""))
    if period_days is None or "COUNT" in parts or first_wanted <= start:
        return start
    try:
        step = period_days * int(parts.get("INTERVAL", "1"))
    except ValueError:
        return start  # unreadable: dateutil says what is wrong
    if step < 1:
        return start
    return start + datetime.timedelta(days=(first_wanted - start).days // step * step)


def _walks_alone(rule_text: str) -> bool:
    """Whether the text's one RRULE (`RRULE:` named or not) is all dateutil walks or merges."""
    upper = rule_text.upper()
    return upper.count("RRULE:") <= 1 and "EXRULE" not in upper and "RDATE" not in upper


def format_day(day: Day) -> str:
    """Format a day the way a person writes it: 30 Sep 2026."""
    return f"{day.day} {day:%b %Y}"


def short_day(day: Day, today: Day) -> str:
    """Write a day as people do in a note: "1 Aug", with the year when it is not this year."""
    return f"{day.day} {day:%b}" if day.year == today.year else format_day(day)


def format_span(start: Day, end: Day) -> str:
    """Format an inclusive span briefly: "12–16 Oct 2026", "15 Dec 2026 – 10 Jan 2027"."""
    if start == end:
        return format_day(start)
    if start.year != end.year:
        return f"{format_day(start)} – {format_day(end)}"
    if start.month != end.month:
        return f"{start.day} {start:%b} – {format_day(end)}"
    return f"{start.day}–{format_day(end)}"


def monday_of(day: Day) -> Day:
    return day - datetime.timedelta(days=day.weekday())


def sunday_of(day: Day) -> Day:
    return day + datetime.timedelta(days=6 - day.weekday())
