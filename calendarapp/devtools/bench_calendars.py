"""`make bench` figures for reading a calendar into touches, registered in `calendarapp.bench`.

One sales manager's calendar of 1,000 events over the past and next 90 days, with the bench's
2,000 customers: each customer has an email domain and one person, 800 past meetings (half
with a person, half with someone at the domain; a tenth with two customers), 100 booked ahead,
50 internal, 50 with strangers. `calendar_sync_1000_events_ms` is the first sync (every touch
logged), `calendar_resync_1000_events_ms` the same events again (nothing changes); each run in a
savepoint rolled back, the customers' domains and people in a transaction rolled back after all.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calendarapp.connections.meetings import meetings_sync
from calendarapp.connections.reading import Attendee, CalendarEvent
from calendarapp.devtools.bench import CUSTOMERS, BenchData, figure, timed
from calendarapp.models import CalendarConnection
from customers.models import Customer, Person

EVENTS = 1000
RUNS = 5


def _attendee(email: str, cutype: str = "INDIVIDUAL") -> Attendee:
    return Attendee(email=email, name="", partstat="ACCEPTED", cutype=cutype)


def _events(now: datetime.datetime, customer_count: int) -> list[CalendarEvent]:
    me = _attendee("owner0@bench.example")
    events = []
    for n in range(EVENTS):
        c = n % customer_count
        if n < 800:
            start = now - datetime.timedelta(days=1 + n % 89, hours=n % 7)
            guest = f"person{c}@c{c}.example" if n % 2 else f"guest{n}@c{c}.example"
            others = [_attendee(guest)]
            if n % 10 == 0:
                others.append(_attendee(f"guest{n}@c{(c + 1) % customer_count}.example"))
        elif n < 900:
            start = now + datetime.timedelta(days=1 + n % 89)
            others = [_attendee(f"person{c}@c{c}.example")]
        elif n < 950:
            start = now - datetime.timedelta(days=1 + n % 89)
            others = [_attendee("owner1@bench.example")]
        else:
            start = now - datetime.timedelta(days=1 + n % 89)
            others = [_attendee(f"someone{n}@elsewhere.example")]
        events.append(
            CalendarEvent(
                uid=f"bench-{n}@calendar.example",
                occurrence=start.astimezone(datetime.UTC).isoformat(),
                start=start,
                end=start + datetime.timedelta(hours=1),
                all_day=False,
                summary=f"Meeting {n}",
                location="Their office" if n % 3 == 0 else "",
                conference_url="https://meet.example/x" if n % 3 == 1 else "",
                private=False,
                cancelled=False,
                organizer="",
                attendees=(me, _attendee("room@bench.example", "ROOM"), *others),
            )
        )
    return events


class _RolledBack(Exception):
    pass


def _with_calendar(measure: Callable[[Callable[[], object], Callable[[], object]], float]) -> float:
    """`measure(first, again)`: `first` syncs the bench calendar in a savepoint rolled back,
    `again` syncs it as it stands. The calendar, and its customers' domains and people, are made
    in a transaction rolled back afterwards, so the bench data stays as it was."""
    result = 0.0
    try:
        with transaction.atomic():
            users = get_user_model().objects
            for n in (0, 1):
                users.filter(username=f"owner{n}").update(email=f"owner{n}@bench.example")
            calendar = CalendarConnection.objects.create(
                owner=users.get(username="owner0"),
                name="Bench",
                url="https://calendar.example/bench.ics",
            )
            customers = list(Customer.objects.order_by("pk")[:CUSTOMERS])
            for n, customer in enumerate(customers):
                customer.email_domains = [f"c{n}.example"]
            Customer.objects.bulk_update(customers, ["email_domains"], batch_size=500)
            Person.objects.bulk_create(
                Person(customer=customer, name=f"Person {n}", email=f"Person{n}@c{n}.example")
                for n, customer in enumerate(customers)
            )
            now = timezone.now()
            events = _events(now, len(customers))

            def again() -> object:
                return meetings_sync(
                    connection=calendar,
                    events=events,
                    window_start=now - datetime.timedelta(days=90),
                    window_end=now + datetime.timedelta(days=90),
                    now=now,
                )

            def first() -> None:
                try:
                    with transaction.atomic():
                        again()
                        raise _RolledBack
                except _RolledBack:
                    pass

            result = measure(first, again)
            raise _RolledBack
    except _RolledBack:
        pass
    return result


@figure("calendar_sync_1000_events_ms")
def calendar_sync_1000_events(data: BenchData) -> float:
    return _with_calendar(lambda first, again: timed(first, runs=RUNS))


@figure("calendar_resync_1000_events_ms")
def calendar_resync_1000_events(data: BenchData) -> float:
    def measure(first: Callable[[], object], again: Callable[[], object]) -> float:
        again()  # logged once; each timed run finds nothing changed
        return timed(again, runs=RUNS)

    return _with_calendar(measure)


@figure("calendar_sync_1000_events_queries", unit="queries")
def calendar_sync_1000_events_queries(data: BenchData) -> float:
    def measure(first: Callable[[], object], again: Callable[[], object]) -> float:
        with CaptureQueriesContext(connection) as queries:
            first()
        return len(queries)

    return _with_calendar(measure)
