"""Import events from .ics files and URLs, and keep URL sources up to date.

An import is all or nothing: the file is fetched and parsed completely
before anything is written, and the writes (update in place by key, delete
what vanished) run in one transaction. Every problem raises `IcsImportError`
with a message that names it and says what to do; the data stays as it was.
A line the import does not need and cannot read is skipped with a warning.

URLs are fetched by `calendarapp/lib/fetching.py`: a size limit, a total time
limit, and never from private or loopback addresses (a server-side request
forgery guard) unless `ICS_IMPORT_ALLOW_PRIVATE_HOSTS` lists the host.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import math
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import icalendar
import recurring_ical_events
from dateutil import rrule
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from calendarapp.lib import countries, dates, fetching, rule_work
from calendarapp.lib.dates import ONE_DAY
from calendarapp.lib.fetching import too_big_message
from calendarapp.lib.validation import FAR_DATE, LATEST
from calendarapp.models import IcsSource, ImportedEvent, ImportKind
from calendarapp.occurrences.stream import subscription_window
from customers.models import Customer

# A calendar that expands to more events than this is refused rather than flooding the timeline.
MAX_EVENTS = 20_000
# Expanding steps through every date of a rule from its DTSTART (about 600,000 a second), so
# a daily rule from the year 1000 costs a worker half a second even with none in the window.
MAX_RULE_STEPS = 1_000_000


class IcsImportError(ValueError):
    """An import failed; the message says why, in words an admin can act on.

    `field` names the form field at fault when it is not the file or URL itself.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class ParsedEvent:
    uid: str
    start: datetime.date
    end: datetime.date
    title: str
    # The key a row stored before occurrences had their own keys carries (`UID/YYYYMMDD`, the
    # day the occurrence starts); a row under it is taken over instead of removed and added.
    former_uid: str = ""


@dataclass(frozen=True, slots=True)
class ImportWarning:
    """Something in the file that was skipped or kept differently; `text` names event and line."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class ParsedCalendar:
    events: list[ParsedEvent]
    warnings: list[ImportWarning]


@dataclass(frozen=True, slots=True)
class SyncResult:
    created: int
    updated: int
    deleted: int
    warnings: tuple[ImportWarning, ...] = ()
    new_source: bool = False  # the import made its source, rather than re-importing into it

    def __str__(self) -> str:
        return f"{self.created} added, {self.updated} updated, {self.deleted} removed"


# Parsing ----------------------------------------------------------------------------------


def parse_events(
    data: bytes,
    *,
    window: tuple[datetime.date, datetime.date],
    tz: datetime.tzinfo,
) -> ParsedCalendar:
    """Parse an .ics file into all-day events in the window, recurring ones expanded.

    Each occurrence of a recurring event is keyed `UID/<its RECURRENCE-ID>`
    (`UID/20261012`, `UID/20261012T080000Z`), so occurrences sharing a day
    are all kept and each is updated in place on the next refresh.
    """
    if len(data) > settings.ICS_IMPORT_MAX_BYTES:
        raise IcsImportError(too_big_message())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IcsImportError("The file is not an iCalendar file: it is not UTF-8 text.") from None
    try:
        calendar = icalendar.Calendar.from_ical(_without_alarms(text))
    except ValueError as error:
        raise IcsImportError(
            f"The file is not a valid iCalendar file: {error}. Export it again from its "
            "calendar app, or correct the line the message quotes, and import it again."
        ) from None
    if calendar.name != "VCALENDAR":
        raise IcsImportError("The file is not an iCalendar file: it has no VCALENDAR.")
    where = _event_lines(text)
    warnings = _prepare_events(calendar, where)
    start, end = window
    in_window, steps = _rule_occurrences(calendar, start, end)
    if in_window > MAX_EVENTS:
        raise IcsImportError(_too_many_message())
    if steps > MAX_RULE_STEPS:
        raise IcsImportError(
            "The calendar's recurring events start too long before today: expanding them would "
            f"step through more than {MAX_RULE_STEPS} dates. Move their DTSTART closer to today."
        )
    _check_rule_reach(calendar, where, start, end)
    recurring = {
        str(event["UID"])
        for event in calendar.walk("VEVENT")
        if {"RRULE", "RDATE", "RECURRENCE-ID"} & set(event)
    }
    # The window is in the customer's zone and the expansion compares in each event's own:
    # a day more on each side keeps what lies just inside, the filter below drops the rest.
    try:
        expanded = recurring_ical_events.of(calendar).between(start - ONE_DAY, end + 2 * ONE_DAY)
    except Exception as error:  # the library raises many types for broken rules and dates
        raise IcsImportError(_unreadable_message(calendar, error)) from None
    events: dict[str, ParsedEvent] = {}
    for component in expanded:
        event = _to_event(component, tz, recurring)
        if event.end < start or event.start > end:
            continue
        events[event.uid] = event
        if len(events) > MAX_EVENTS:
            raise IcsImportError(_too_many_message())
    return ParsedCalendar(
        events=sorted(events.values(), key=lambda event: (event.start, event.uid)),
        warnings=warnings,
    )


ALARM = re.compile(r"^BEGIN:VALARM\r?$.*?^END:VALARM\r?(\n|$)", re.I | re.M | re.S)


def _without_alarms(text: str) -> str:
    """The file without its VALARMs: the calendar keeps no reminders, and icalendar refuses a
    whole file for one alarm's unreadable TRIGGER where it only marks an event's property.

    Warnings number the lines of the file as sent (`_event_lines`), not of this text.
    """
    return ALARM.sub("", text)


def _too_many_message() -> str:
    return f"The calendar has more than {MAX_EVENTS} events in the window."


# Days in one period of each frequency, and the most occurrences one period can hold.
PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 28, "YEARLY": 365}


def _rule_occurrences(
    calendar: icalendar.Calendar, start: datetime.date, end: datetime.date
) -> tuple[int, int]:
    """Upper estimates of the occurrences the events' RRULEs give in the window, and from
    their DTSTARTs to the window's end (the dates expanding steps through).

    recurring_ical_events materialises every occurrence before the cap can
    count them, so 200 daily events cost a worker 220,000 objects. This sums
    from the rules alone (frequency, INTERVAL, BY* lists, COUNT, UNTIL),
    without iterating: iterating from a DTSTART centuries back would cost as
    much as expanding. Plain events and RDATEs are left to the cap after
    expansion; their cost grows only with the file, which is size-limited.
    """
    in_window = steps = 0
    for event in calendar.walk("VEVENT"):
        rules = event.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules else []:
            try:
                first = _day(event.decoded("DTSTART"), datetime.UTC)
                in_window += _estimate(rule, first, start, end)
                steps += _estimate(rule, first, first, end)
            except (KeyError, TypeError, ValueError):
                continue  # a rule this cannot read fails with its own message when expanded
    return in_window, steps


def _estimate(rule: Any, first: datetime.date, start: datetime.date, end: datetime.date) -> int:
    last = end
    if until := rule.get("UNTIL"):
        last = min(last, _day(until[0], datetime.UTC))
    days = (last - max(start, first)).days + 1
    if days <= 0:
        return 0

    def size(part: str) -> int:
        return len(rule.get(part, [])) or 1

    freq = str(rule["FREQ"][0]).upper()
    interval = max(1, int(rule.get("INTERVAL", [1])[0]))
    periods = days // (PERIOD_DAYS[freq] * interval) + 1
    weekdays = len(rule.get("BYDAY", []))
    # BYDAY in a month (or a year with no BYMONTH/BYWEEKNO) means every such weekday in
    # it: up to 5 (or 53) of each. Limiting parts (BYMONTHDAY with BYDAY) only lower it.
    if weekdays and "BYMONTHDAY" in rule:
        monthly = min(5 * weekdays, len(rule["BYMONTHDAY"]))
    else:
        monthly = min(5 * weekdays, 31) if weekdays else size("BYMONTHDAY")
    if freq == "DAILY":
        per_period = 1
    elif freq == "WEEKLY":
        per_period = size("BYDAY")
    elif freq == "MONTHLY":
        per_period = monthly
    elif "BYYEARDAY" in rule:
        per_period = len(rule["BYYEARDAY"])
    elif "BYWEEKNO" in rule:
        per_period = len(rule["BYWEEKNO"]) * (weekdays or 7)
    elif "BYMONTH" in rule:
        per_period = len(rule["BYMONTH"]) * monthly
    else:
        per_period = 53 * weekdays or 12 * len(rule.get("BYMONTHDAY", [])) or 1
    if "BYSETPOS" in rule:
        per_period = min(per_period, len(rule["BYSETPOS"]))
    # Parts finer than the frequency only keep some of its periods (DAILY;BYDAY=MO: 1 in 7).
    kept = 1.0
    if freq != "YEARLY" and "BYMONTH" in rule:
        kept *= len(rule["BYMONTH"]) / 12
    if freq in ("DAILY", "WEEKLY") and "BYMONTHDAY" in rule:
        kept *= len(rule["BYMONTHDAY"]) / 28
    if freq == "DAILY" and weekdays:
        kept *= weekdays / 7
    if freq == "DAILY" and "BYYEARDAY" in rule:
        kept *= len(rule["BYYEARDAY"]) / 365
    # Never more days than the span has, times the BYHOUR/BYMINUTE/BYSECOND copies of a day.
    within_day = size("BYHOUR") * size("BYMINUTE") * size("BYSECOND")
    estimate = math.ceil(min(periods * per_period, days) * min(kept, 1.0)) * within_day
    if count := rule.get("COUNT"):
        estimate = min(estimate, int(count[0]))
    return estimate


# The calendar keeps days: a rule repeating within a day adds nothing but copies, and one
# repeating every minute would be expanded into millions before any cap could count them.
SUB_DAILY = re.compile(r"FREQ=(SECONDLY|MINUTELY|HOURLY)", re.IGNORECASE)


# What the import reads of an event: a broken one of these refuses the file, any other
# broken property is skipped with a warning.
READ_PROPERTIES = frozenset(
    {"UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
)
# An event has at most one of each of these (RFC 5545 3.6.1).
SINGLE_PROPERTIES = ("UID", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID")
# The content an event without UID is known by: a change to any of it is a new event.
CONTENT_KEY_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "SUMMARY", "RRULE", "RDATE", "EXDATE")
# icalendar's message for a line it dropped: "… parts: '<the line>': <why>".
UNPARSED_LINE = "could not be parsed into parts: '"


@dataclass(frozen=True, slots=True)
class _EventLines:
    """Where one VEVENT is in the file: its BEGIN line and its own (unfolded) lines."""

    begin: int
    lines: list[tuple[int, str]]

    def unparsed(self, message: str) -> str:
        """The event's line an icalendar message about a line it could not split quotes."""
        _, found, rest = message.partition(UNPARSED_LINE)
        if not found:
            return ""
        quoted = [line for _, line in self.lines if rest.startswith(f"{line}': ")]
        return max(quoted, key=len, default=rest.split("': ", 1)[0])

    def number_of(self, name: str = "", text: str = "") -> int:
        """The file line of the event's first `name` property, or of the line `text`."""
        for number, line in self.lines:
            if text and line == text:
                return number
        for number, line in self.lines:
            if name and re.match(rf"{re.escape(name)}[;:]", line, re.IGNORECASE):
                return number
        return self.begin


def _event_lines(text: str) -> list[_EventLines]:
    """Each top-level VEVENT's lines with their numbers in the file, in the file's order."""
    found: list[_EventLines] = []
    current: _EventLines | None = None
    depth = 0
    unfolded: list[tuple[int, str]] = []
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        if line[:1] in (" ", "\t") and unfolded:
            unfolded[-1] = (unfolded[-1][0], unfolded[-1][1] + line[1:])
        else:
            unfolded.append((number, line))
    for number, line in unfolded:
        upper = line.upper()
        if upper.startswith("BEGIN:"):
            if upper == "BEGIN:VEVENT" and current is None:
                current, depth = _EventLines(begin=number, lines=[]), 0
                found.append(current)
                continue
            depth += 1
        elif upper.startswith("END:") and current is not None:
            if depth == 0:
                current = None
                continue
            depth -= 1
        elif current is not None and depth == 0:
            current.lines.append((number, line))
    return found


def _numbered_events(
    calendar: icalendar.Calendar, where: list[_EventLines]
) -> Iterator[tuple[int, icalendar.Component, _EventLines]]:
    """Each VEVENT with its number and its lines in the file (none where it cannot number)."""
    events = calendar.walk("VEVENT")
    if len(where) != len(events):
        where = [_EventLines(begin=0, lines=[]) for _ in events]
    for number, (event, lines) in enumerate(zip(events, where, strict=True), start=1):
        yield number, event, lines


def _prepare_events(calendar: icalendar.Calendar, where: list[_EventLines]) -> list[ImportWarning]:
    """Refuse what cannot be imported right, skip what is not needed, key UID-less events.

    Refused, naming the event and line and what to do: no DTSTART, two of a property an
    event has once, an unreadable date or rule, a rule repeating within a day or in another
    calendar scale (RSCALE). Skipped with a warning: any other unreadable line.
    """
    warnings: list[ImportWarning] = []
    for number, event, lines in _numbered_events(calendar, where):
        label = _label(event, number, lines.begin)
        for name in SINGLE_PROPERTIES:
            if isinstance(values := event.get(name), list):
                numbers = [n for n, line in lines.lines if _property_name(line) == name]
                at = f" (lines {', '.join(map(str, numbers))})" if numbers else ""
                raise IcsImportError(
                    f"{label} has {len(values)} {name} lines{at}; an event has one. "
                    "Remove the extra ones and import the file again."
                )
        for broken, message in event.errors:
            # icalendar drops a line it cannot split into parts, and keeps a property whose
            # value it cannot read as a broken one (named), which would fail when read.
            line_text = lines.unparsed(message) if broken is None else ""
            name = broken or _property_name(line_text) or "a property"
            found_at = lines.number_of(name=name, text=line_text)
            line = f"line {found_at}" if found_at else "a line"
            if name in READ_PROPERTIES:
                raise IcsImportError(
                    f"{label} has an invalid {name} on {line}: {message}. Correct that "
                    "line in the calendar (or the file) and import it again."
                )
            warnings.append(
                ImportWarning(
                    code="unreadable_property",
                    text=f"{label}: {line} could not be read and was skipped ({name}).",
                )
            )
            if broken is not None and broken in event:
                del event[broken]
        if "DTSTART" not in event:
            raise IcsImportError(
                f"{label} has no DTSTART (start date). Add one, or remove the event, "
                "and import the file again."
            )
        _check_rules(event, label, lines)
        if not event.get("UID"):
            event["UID"] = icalendar.vText(_content_key(event))
            warnings.append(
                ImportWarning(
                    code="no_uid",
                    text=(
                        f"{label} has no UID; it is kept by its dates and title, so a change "
                        "to them removes it and adds it again."
                    ),
                )
            )
    return warnings


def _check_rules(event: icalendar.Component, label: str, lines: _EventLines) -> None:
    rules = event.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules else []:
        line = lines.number_of(name="RRULE")
        if found := SUB_DAILY.search(rule.to_ical().decode()):
            raise IcsImportError(
                f"{label} repeats more often than daily ({found.group(0)}, line {line}); "
                "the calendar keeps days, so import it as a daily or rarer event."
            )
        if error := dates.impossible_day_error(rule.to_ical().decode()):
            raise IcsImportError(
                f"{label} (line {line}): {error} Correct its RRULE, or leave it out."
            )
        if "RSCALE" not in rule:
            continue
        scale = str(rule["RSCALE"][0]).upper()
        skip = str(rule.get("SKIP", ["OMIT"])[0]).upper()
        if scale == "GREGORIAN" and skip == "OMIT":
            # RFC 7529: the Gregorian scale skipping invalid dates is the plain RFC 5545 rule.
            for part in ("RSCALE", "SKIP"):
                rule.pop(part, None)
            continue
        raise IcsImportError(
            f"{label} repeats by the {scale.lower()} calendar (RSCALE={scale}"
            + (f";SKIP={skip}" if skip != "OMIT" else "")
            + f", line {line}), which this import cannot expand. Export the event from its "
            "calendar with its dates written out (single events, or RDATE lines), and import "
            "the file again."
        )


# How far past the window a running rule must give a date: a birthday on 29 February gives
# one within four years. One that gives none by then (a Friday the 29th of February: once
# in 28 years; a Thursday of ISO week 53 in January: never) is refused, not walked on by
# every refresh to its next date or to the year 9999.
RULE_REACH = datetime.timedelta(days=4 * 366)


def _check_rule_reach(
    calendar: icalendar.Calendar, where: list[_EventLines], start: datetime.date, end: datetime.date
) -> None:
    """Refuse an event whose rule, not ended before the window, gives no date from the
    window's start to `RULE_REACH` past its end: found in bounded work (rule_work)."""
    last = datetime.datetime.combine(end + RULE_REACH, datetime.time())
    for number, event, lines in _numbered_events(calendar, where):
        rules = event.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules else []:
            text = rule.to_ical().decode()
            try:
                first = datetime.datetime.combine(
                    _day(event.decoded("DTSTART"), datetime.UTC), datetime.time()
                )
                if (until := rule.get("UNTIL")) and _day(until[0], datetime.UTC) < start:
                    continue  # ended before the window: expanding it gives nothing there
                walk = rrule.rrulestr(f"RRULE:{text}", dtstart=first, ignoretz=True, forceset=True)
                after = datetime.datetime.combine(start, datetime.time())
                found, passed = rule_work.dates_until(walk, after, last, count=1)
            except (KeyError, TypeError, ValueError):
                continue  # a rule this cannot read fails with its own message when expanded
            if passed and not found:
                uid = f" (UID {event['UID']})" if event.get("UID") else ""
                raise IcsImportError(
                    f"{_label(event, number, lines.begin)}{uid} repeats by a rule that gives "
                    f"no date from {start.isoformat()} to {last.date().isoformat()} "
                    f"(RRULE:{text}, line {lines.number_of(name='RRULE')}). Correct its RRULE, "
                    "or leave the event out, and import the file again."
                )


def _property_name(line: str) -> str:
    return re.split(r"[;:]", line, maxsplit=1)[0].strip().upper()


def _content_key(event: icalendar.Component) -> str:
    """A key for an event without UID from its dates, rule and title: the same every import."""
    parts = []
    for name in CONTENT_KEY_PROPERTIES:
        values = event.get(name)
        for value in values if isinstance(values, list) else [values] if values else []:
            params = ";".join(f"{key}={param}" for key, param in sorted(value.params.items()))
            parts.append(f"{name};{params}:{value.to_ical().decode()}")
    return "no-uid-" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _label(event: icalendar.Component, number: int, line: int = 0) -> str:
    summary = str(event.get("SUMMARY", "")).strip()
    return (
        f"Event {number}"
        + (f" at line {line}" if line else "")
        + (f" (“{summary[:60]}”)" if summary else "")
    )


def _unreadable_message(calendar: icalendar.Calendar, error: Exception) -> str:
    """Name the event the expansion failed on, found by expanding each UID alone."""
    events = calendar.walk("VEVENT")
    for number, event in enumerate(events, start=1):
        alone = icalendar.Calendar()
        for other in events:
            if other.get("UID") == event.get("UID"):
                alone.add_component(other)
        try:
            recurring_ical_events.of(alone).count()
        except Exception as own:  # noqa: BLE001 (the same library errors as above)
            return (
                f"{_label(event, number)} could not be read ({own}). Check its DTSTART, DTEND, "
                "RRULE, RDATE and EXDATE lines in the calendar (or the file) and import it again."
            )
    return (
        f"The events could not be read ({error}). Check the recurring events' RRULE, RDATE and "
        "EXDATE lines in the calendar (or the file) and import it again."
    )


def _to_event(component: icalendar.Event, tz: datetime.tzinfo, recurring: set[str]) -> ParsedEvent:
    dtstart = component.decoded("DTSTART")
    first = _day(dtstart, tz)
    if "DTEND" in component:
        last = _day(component.decoded("DTEND"), tz, exclusive_end=True)
    elif "DURATION" in component:
        last = _day(dtstart + component.decoded("DURATION"), tz, exclusive_end=True)
    else:
        last = first  # RFC 5545: a DTSTART alone lasts that day (or that instant)
    uid = str(component["UID"])
    title = str(component.get("SUMMARY", "")).strip() or "(no title)"
    label = f"The event “{title[:60]}” ({first.isoformat()})"
    if "\x00" in uid or "\x00" in title:
        raise IcsImportError(
            f"{label} has a NUL byte in its UID or SUMMARY, which no text may hold."
        )
    if last > LATEST:
        raise IcsImportError(f"{label} ends on {last.isoformat()}: {FAR_DATE}")
    former = ""
    if uid in recurring:
        occurrence = _occurrence_key(component.decoded("RECURRENCE-ID", dtstart))
        former = f"{uid[: KEY_LENGTH - 9]}/{first:%Y%m%d}"
        uid = f"{uid[: KEY_LENGTH - len(occurrence) - 1]}/{occurrence}"
    return ParsedEvent(
        uid=uid[:KEY_LENGTH],
        start=first,
        end=max(first, last),
        title=title[:500],
        former_uid=former if former != uid else "",
    )


KEY_LENGTH = 500  # ImportedEvent.uid


def _occurrence_key(value: datetime.date | datetime.datetime) -> str:
    """An occurrence's RECURRENCE-ID as iCalendar writes it: a date, a UTC or a floating time."""
    if not isinstance(value, datetime.datetime):
        return f"{value:%Y%m%d}"
    if value.tzinfo is None:
        return f"{value:%Y%m%dT%H%M%S}"
    return f"{value.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}"


def _day(
    value: datetime.date | datetime.datetime, tz: datetime.tzinfo, exclusive_end: bool = False
) -> datetime.date:
    """The calendar day of a DATE or DATE-TIME in the target's time zone.

    An exclusive end (DTEND) names the first day not included: for a date,
    the day before; for a time, the day of the last moment before it.
    """
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(tz)
        if exclusive_end:
            value -= datetime.timedelta(microseconds=1)
        return value.date()
    return value - ONE_DAY if exclusive_end else value


# Fetching (calendarapp/lib/fetching.py) --------------------------------------------------


def check_url(url: str) -> str:
    """The URL to fetch (webcal:// becomes https://); refuses other schemes and private hosts."""
    with _as_import_error():
        return fetching.check_url(url)


def fetch(url: str) -> bytes:
    """Download an .ics URL within the size limit and the whole exchange's time limit."""
    with _as_import_error():
        return fetching.fetch(url)


@contextlib.contextmanager
def _as_import_error() -> Iterator[None]:
    try:
        yield
    except fetching.FetchError as error:
        raise IcsImportError(str(error)) from None


# Writing ----------------------------------------------------------------------------------


def _timezone(source: IcsSource) -> datetime.tzinfo:
    """Timed events fall on the day they have where the customer (or country) is."""

    customer = source.customer
    if customer is not None:
        name = customer.timezone or countries.default_timezone(customer.country)
    else:
        name = countries.default_timezone(source.country)
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def sync_events(source: IcsSource, parsed: ParsedCalendar) -> SyncResult:
    """Make the source's stored events equal the parsed ones: update by key, add, delete vanished.

    A row stored under an occurrence's former day key (see the migration
    `0012_imported_occurrence_keys`) is taken over by that occurrence, so it keeps its id.
    """
    events = parsed.events
    existing = {event.uid: event for event in source.events.all()}
    incoming = {event.uid for event in events}
    spare = {uid: row for uid, row in existing.items() if uid not in incoming}
    # Of the occurrences a day-keyed row could be, the one it shows takes it over first.
    heirs = sorted(
        (e for e in events if e.uid not in existing and e.former_uid in spare),
        key=lambda e: _content(spare[e.former_uid]) != (e.start, e.end, e.title),
    )
    for event in heirs:
        if (row := spare.pop(event.former_uid, None)) is not None:
            existing[event.uid] = row
    changed: list[ImportedEvent] = []
    created: list[ImportedEvent] = []
    for event in events:
        stored = existing.get(event.uid)
        if stored is None:
            created.append(
                ImportedEvent(
                    source=source,
                    uid=event.uid,
                    start=event.start,
                    end=event.end,
                    title=event.title,
                )
            )
        elif (stored.uid, stored.start, stored.end, stored.title) != (
            event.uid,
            event.start,
            event.end,
            event.title,
        ):
            stored.uid, stored.start, stored.end = event.uid, event.start, event.end
            stored.title = event.title
            stored.updated_at = timezone.now()
            changed.append(stored)
    source.events.filter(uid__in=spare).delete()
    ImportedEvent.objects.bulk_update(
        changed, ["uid", "start", "end", "title", "updated_at"], batch_size=1000
    )
    ImportedEvent.objects.bulk_create(created, batch_size=1000)
    return SyncResult(
        created=len(created),
        updated=len(changed),
        deleted=len(spare),
        warnings=tuple(parsed.warnings),
    )


def _content(row: ImportedEvent) -> tuple[datetime.date, datetime.date, str]:
    return row.start, row.end, row.title


def _validated_source(**fields) -> IcsSource:
    source = IcsSource(**fields)
    if source.kind not in ImportKind.values:
        raise IcsImportError(f"Choose the kind: {', '.join(ImportKind.values)}.", field="kind")
    try:
        source.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise IcsImportError(" ".join(messages), field=field) from None
    return source


def import_ics(
    *,
    name: str,
    kind: str,
    customer: Customer | None = None,
    country: str = "",
    subdivision: str = "",
    url: str = "",
    data: bytes | None = None,
) -> tuple[IcsSource, SyncResult]:
    """Import a file (`data`) or a URL for a customer or a region, all or nothing.

    Importing the same URL, or a file of the same name, for the same customer or
    region again updates that source's events in place by key instead of
    adding a second copy of every event. A URL's `name` may be empty: a
    re-import keeps the source's name, a new source is named after the host.
    """
    if (data is None) == (not url):
        raise IcsImportError("Give either a file or a URL.")
    url = fetching.webcal_as_https(url)  # before the model's URL check, which knows no webcal://
    same = IcsSource.objects.filter(
        customer=customer, country=country, subdivision=subdivision, url=url
    )
    existing = (same if url else same.filter(name=name)).first()
    if url and not name:
        name = existing.name if existing else urlsplit(url).hostname or ""
    source = _validated_source(
        name=name, kind=kind, customer=customer, country=country, subdivision=subdivision, url=url
    )
    if existing is not None:
        existing.name, existing.kind = source.name, source.kind
        source = existing
    if url:
        source.url = check_url(url)
        data = fetch(source.url)
    assert data is not None, "a file or a URL, checked above"
    parsed = parse_events(
        data, window=subscription_window(timezone.localdate()), tz=_timezone(source)
    )
    with transaction.atomic():
        source.last_fetched_at = timezone.now()
        source.last_error = ""
        source.save()
        result = sync_events(source, parsed)
    return source, dataclasses.replace(result, new_source=existing is None)


def refresh_source(source_id: int) -> SyncResult | None:
    """Fetch a URL source again and sync its events; safe to run twice.

    On failure the events stay as they were and the source records the error.
    Returns None for a source that no longer exists or has no URL.
    """
    source = IcsSource.objects.select_related("customer").filter(pk=source_id).first()
    if source is None or not source.url:
        return None
    try:
        window = subscription_window(timezone.localdate())
        parsed = parse_events(fetch(source.url), window=window, tz=_timezone(source))
    except IcsImportError as error:
        IcsSource.objects.filter(pk=source.pk).update(last_error=str(error))
        raise
    with transaction.atomic():
        result = sync_events(source, parsed)
        IcsSource.objects.filter(pk=source.pk).update(last_fetched_at=timezone.now(), last_error="")
    return result
