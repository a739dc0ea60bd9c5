"""`make bench` figures for reading a calendar into touches, registered in `calendarapp.bench`.

One sales manager's calendar of 1,000 events over the past and next 90 days, with the bench's
2,000 customers: each customer has an email domain and one person, 800 past meetings (half
with a person, half with someone at the domain; a tenth with two customers), 100 booked ahead,
50 internal, 50 with strangers. `calendar_sync_1000_events_ms` is the first sync (every touch
logged), `calendar_resync_1000_events_ms` the same events again (nothing changes). Each is the
whole "Sync now" (`connection_sync`): the calendar fetched as an .ics over HTTP from a loopback
server (127.0.0.1 allowed as a private host for the bench), parsed and expanded over the window,
the touches written and the connection's status set. Each run in a savepoint rolled back, the
customers' domains and people in a transaction rolled back after all.
"""

from __future__ import annotations

import contextlib
import datetime
import http.server
import threading
from collections.abc import Callable, Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from calendarapp.connections.sync import connection_sync
from calendarapp.devtools.bench import CUSTOMERS, BenchData, figure, timed
from calendarapp.models import CalendarConnection
from customers.models import Customer, Person

EVENTS = 1000
RUNS = 5


STAMP = "%Y%m%dT%H%M%SZ"


def _attendee(email: str, cutype: str = "INDIVIDUAL") -> str:
    return f"ATTENDEE;CUTYPE={cutype};PARTSTAT=ACCEPTED:mailto:{email}"


def _calendar(now: datetime.datetime, customer_count: int) -> bytes:
    """The bench calendar as its secret iCal address serves it."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//calendarapp//bench//EN"]
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
        start = start.astimezone(datetime.UTC).replace(microsecond=0)
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{n}@calendar.example",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART:{start.strftime(STAMP)}",
            f"DTEND:{(start + datetime.timedelta(hours=1)).strftime(STAMP)}",
            f"SUMMARY:Meeting {n}",
            *(["LOCATION:Their office"] if n % 3 == 0 else []),
            *(["X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij"] if n % 3 == 1 else []),
            _attendee("owner0@bench.example"),
            _attendee("room@bench.example", "ROOM"),
            *others,
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


@contextlib.contextmanager
def _served(body: bytes) -> Iterator[str]:
    """`body` served as an .ics on a loopback port, for as long as the block runs; its address."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/private-bench/basic.ics"
    finally:
        server.shutdown()
        server.server_close()


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
            customers = list(Customer.objects.order_by("pk")[:CUSTOMERS])
            for n, customer in enumerate(customers):
                customer.email_domains = [f"c{n}.example"]
            Customer.objects.bulk_update(customers, ["email_domains"], batch_size=500)
            Person.objects.bulk_create(
                Person(customer=customer, name=f"Person {n}", email=f"Person{n}@c{n}.example")
                for n, customer in enumerate(customers)
            )

            def again() -> object:
                return connection_sync(connection=calendar)

            def first() -> None:
                try:
                    with transaction.atomic():
                        again()
                        raise _RolledBack
                except _RolledBack:
                    pass

            body = _calendar(timezone.now(), len(customers))
            allowed = [*settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS, "127.0.0.1"]
            with _served(body) as url, override_settings(ICS_IMPORT_ALLOW_PRIVATE_HOSTS=allowed):
                calendar = CalendarConnection.objects.create(
                    owner=users.get(username="owner0"), name="Bench", url=url
                )
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
