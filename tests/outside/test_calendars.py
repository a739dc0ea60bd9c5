"""Small calendars shaped like the world's (Google, Outlook, Apple, Fastmail, a school's) import as
recurring-ical-events reads them: every occurrence, on its day in the customer's time zone.

Each file in `calendars/` holds one thing other readers take and this import once lost or
refused (issue 25). The reference reading is written apart from the import's: the library
expands the whole file, and each occurrence's first and last day is taken in the customer's zone.
"""

from __future__ import annotations

import collections
import datetime
import pathlib
import zoneinfo

import icalendar
import pytest
import recurring_ical_events

from calendarapp.imports.ics import IcsImportError, import_ics
from tests import factories
from tests.outside.conftest import WINDOW

CALENDARS = pathlib.Path(__file__).parent / "calendars"
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
Row = tuple[datetime.date, datetime.date, str]


def local_day(value: datetime.date, last: bool = False) -> datetime.date:
    """The day of a DATE or DATE-TIME in Copenhagen; `last` for an exclusive end."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(COPENHAGEN)
        return (value - datetime.timedelta(microseconds=1) if last else value).date()
    return value - datetime.timedelta(days=1) if last else value


def as_others_read(data: bytes) -> collections.Counter[Row]:
    calendar = icalendar.Calendar.from_ical(data)
    rows: collections.Counter[Row] = collections.Counter()
    for event in recurring_ical_events.of(calendar).all():
        start = event.decoded("DTSTART")
        if "DTEND" in event:
            last = local_day(event.decoded("DTEND"), last=True)
        elif "DURATION" in event:
            last = local_day(start + event.decoded("DURATION"), last=True)
        else:
            last = local_day(start)
        first = local_day(start)
        if first <= WINDOW[1] and last >= WINDOW[0]:
            rows[first, max(first, last), str(event["SUMMARY"])] += 1
    return rows


def imported(name: str) -> tuple[collections.Counter[Row], list[str]]:
    customer = factories.customer("Nordlys A/S", "DK")
    data = (CALENDARS / name).read_bytes()
    source, result = import_ics(name=name, kind="customer_event", customer=customer, data=data)
    rows = collections.Counter((e.start, e.end, e.title) for e in source.events.all())
    _, again = import_ics(name=name, kind="customer_event", customer=customer, data=data)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0), "not stable"
    return rows, [warning.text for warning in result.warnings]


@pytest.mark.parametrize(
    "name, count",
    [
        ("moved_onto_another_day.ics", 4),  # the moved one lands on the next one's day
        ("rdate_on_rule_day.ics", 4),  # an extra board meeting on a rule's day
        ("two_times_a_day.ics", 4),  # 08:00 and 16:00 on two days
        ("no_uid.ics", 3),  # a school's holidays, none with a UID
        ("apple_structured_location.ics", 2),
        ("bad_x_parameter.ics", 1),
        ("just_inside_the_window.ics", 2),  # the third lies outside in Copenhagen
    ],
)
def test_a_calendar_imports_as_other_readers_read_it(clock, db, name, count):
    rows, _ = imported(name)
    assert rows == as_others_read((CALENDARS / name).read_bytes())
    assert rows.total() == count


def test_a_gregorian_rscale_rule_imports_as_the_plain_rule_reads(clock, db):
    # recurring-ical-events refuses any RSCALE; RFC 7529's GREGORIAN is the plain rule.
    rows, _ = imported("rscale_gregorian.ics")
    plain = (CALENDARS / "rscale_gregorian.ics").read_bytes().replace(b"RSCALE=GREGORIAN;", b"")
    assert rows == as_others_read(plain) and rows.total() == 3


def test_a_rule_in_another_calendar_scale_is_refused_saying_what_to_do(clock, db):
    customer = factories.customer("Nordlys A/S", "DK")
    with pytest.raises(IcsImportError) as refused:
        import_ics(
            name="Lunar",
            kind="customer_event",
            customer=customer,
            data=(CALENDARS / "rscale_chinese.ics").read_bytes(),
        )
    assert str(refused.value) == (
        "Event 1 at line 4 (“Lunar New Year”) repeats by the chinese calendar "
        "(RSCALE=CHINESE, line 8), which this import cannot expand. Export the event from its "
        "calendar with its dates written out (single events, or RDATE lines), and import the "
        "file again."
    )


@pytest.mark.parametrize(
    "name, warnings",
    [
        (
            "apple_structured_location.ics",
            [
                "Event 1 at line 5 (“Trade fair”): line 12 could not be read and was skipped "
                "(X-APPLE-STRUCTURED-LOCATION)."
            ],
        ),
        (
            "bad_x_parameter.ics",
            [
                "Event 1 at line 4 (“Customer day”): line 10 could not be read and was skipped "
                "(LOCATION).",
                "Event 1 at line 4 (“Customer day”): line 11 could not be read and was skipped "
                "(DESCRIPTION).",
            ],
        ),
    ],
)
def test_an_unreadable_line_is_a_warning_naming_event_and_line(clock, db, name, warnings):
    _, said = imported(name)
    assert said == warnings
