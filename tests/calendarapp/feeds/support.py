"""Shared data and checks for the feed and import tests (the fixtures are in conftest.py).

`lint` holds a feed's bytes to RFC 5545 and to the rules of issue 5 without
any parser, so a lenient parser cannot hide a mistake; the parser tests then
check that real parsers read the same events.
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass

from calendarapp.kinds import ALL_KINDS
from calendarapp.models import FeedToken, IcsSource, ImportedEvent, Plan, hash_token
from calendarapp.occurrences.stream import calendar_between
from calendarapp.occurrences.value import Occurrence
from customers.models import Customer
from tests import factories
from traditions.models import TraditionKind

HOST = "calendar.example.com"
SITE_URL = f"https://{HOST}"
NOW = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
WINDOW = (datetime.date(2025, 6, 15), datetime.date(2028, 6, 14))
# Long and non-ASCII, with every character TEXT must escape: it must be folded and escaped.
TRICKY_TITLE = "Høstferie; Büro-Übergabe, «Jahresabschluss» \\ 日本語の会議 " * 2 + "\nnext line"


@dataclass
class FeedData:
    token: str
    acme: object
    bavaria: object
    mine: Plan
    theirs: Plan


def build_feed_data(sales_manager, calendar_admin) -> FeedData:
    """Two customers (one owned by the sales manager), traditions of every shape, plans, imports."""
    acme = factories.customer("Acme A/S", "DK", owner=sales_manager, budget_close_month=6)
    bavaria = factories.customer("Brauerei GmbH", "DE", subdivision="BY", owner=calendar_admin)
    factories.tradition(
        customer=acme,
        title=TRICKY_TITLE,
        kind=TraditionKind.BUSY_SEASON,
        start=datetime.date(2025, 10, 13),
        end=datetime.date(2025, 10, 17),
        rule="RRULE:FREQ=YEARLY",
        lead_time_days=30,
    )
    factories.tradition(
        customer=acme,
        title="Kick-off",
        kind=TraditionKind.CUSTOMER_EVENT,
        start=datetime.date(2026, 9, 1),
        lead_time_days=14,
    )
    factories.tradition(
        country="DK",
        title="Autumn school holidays",
        kind=TraditionKind.VACATION,
        start=datetime.date(2025, 10, 13),
        end=datetime.date(2025, 10, 17),
        rule="RRULE:FREQ=YEARLY;BYWEEKNO=42;BYDAY=MO",
    )
    factories.tradition(
        customer=bavaria,
        title="Oktoberfest",
        kind=TraditionKind.BUSY_SEASON,
        start=datetime.date(2025, 9, 20),
        end=datetime.date(2025, 10, 5),
        rule="RRULE:FREQ=YEARLY",
    )
    factories.contract(acme, datetime.date(2027, 3, 31), name="Support, premium")
    mine = factories.plan(
        kind="meeting",
        title="Visit Acme",
        start=datetime.date(2026, 9, 8),
        end=datetime.date(2026, 9, 8),
        owner=sales_manager,
        customers=[acme],
    )
    theirs = factories.plan(
        kind="campaign",
        title="Autumn campaign",
        start=datetime.date(2026, 9, 1),
        end=datetime.date(2026, 10, 31),
        owner=calendar_admin,
        countries=["DE"],
    )
    source = IcsSource.objects.create(name="Acme events", customer=acme, kind="customer_event")
    ImportedEvent.objects.create(
        source=source,
        uid="a@x",
        start=datetime.date(2026, 11, 2),
        end=datetime.date(2026, 11, 3),
        title="Acme summit",
    )
    schools = IcsSource.objects.create(name="DK schools", country="DK", kind="vacation")
    ImportedEvent.objects.create(
        source=schools,
        uid="w7@x",
        start=datetime.date(2027, 2, 15),
        end=datetime.date(2027, 2, 19),
        title="Winter holidays",
    )
    return FeedData(older_address(sales_manager), acme, bavaria, mine, theirs)


def older_address(user) -> str:
    """A secret made before subscriptions: it opens every feed of its user (as rows migrated)."""
    token = secrets.token_urlsafe(32)
    FeedToken.objects.create(user=user, token_hash=hash_token(token))
    return token


def feed_paths(data: FeedData) -> dict[str, str]:
    return {
        "my-customers": f"/feeds/{data.token}/my-customers.ics",
        "all-customers": f"/feeds/{data.token}/all-customers.ics",
        "customer": f"/feeds/{data.token}/customers/{data.acme.pk}.ics",
        "country": f"/feeds/{data.token}/countries/DK.ics",
        "plans-mine": f"/feeds/{data.token}/plans-mine.ics",
        "plans-all": f"/feeds/{data.token}/plans-all.ics",
    }


def physical_lines(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n")
    return body[:-2].split(b"\r\n")


def content_lines(body: bytes) -> list[str]:
    """Unfold (RFC 5545 3.1) and decode."""
    return body.replace(b"\r\n ", b"").decode().split("\r\n")[:-1]


def split_line(line: str) -> tuple[str, str, str]:
    """Return (name, parameters, value) of an unfolded content line."""
    head, value = (
        line.split(":", 1)
        if not line.startswith("DESCRIPTION:")
        else (
            "DESCRIPTION",
            line[len("DESCRIPTION:") :],
        )
    )
    name, _, params = head.partition(";")
    return name, params, value


def vevents(body: bytes) -> list[dict[str, tuple[str, str]]]:
    """Each VEVENT as {name: (parameters, value)}."""
    events: list[dict[str, tuple[str, str]]] = []
    current: dict[str, tuple[str, str]] | None = None
    for line in content_lines(body):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, params, value = split_line(line)
            assert name not in current, f"{name} twice in one VEVENT"
            current[name] = (params, value)
    return events


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def lint(body: bytes) -> None:
    """Assert every rule of the issue that can be checked on the bytes alone."""
    # CRLF line ends, no bare CR or LF.
    assert body.count(b"\n") == body.count(b"\r\n") == body.count(b"\r")
    for line in physical_lines(body):
        assert len(line) <= 75, f"line of {len(line)} octets: {line!r}"
        line.decode()  # each physical line is whole UTF-8: no character split by a fold
    lines = content_lines(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    starts = [i for i, line in enumerate(lines) if line.startswith("BEGIN:")]
    first_component = starts[1] if len(starts) > 1 else len(lines) - 1
    header = dict(split_line(line)[::2] for line in lines[1:first_component])
    assert header["VERSION"] == "2.0"
    assert header["PRODID"]
    assert header.get("METHOD", "PUBLISH") == "PUBLISH"
    assert header["NAME"] == header["X-WR-CALNAME"] != ""
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in body
    assert b"\r\nX-PUBLISHED-TTL:PT6H\r\n" in body
    components = [line for line in lines[1:-1] if line.startswith("BEGIN:")]
    assert components, "a calendar needs at least one component"
    uids = set()
    for event in vevents(body):
        uid = event["UID"][1]
        assert re.fullmatch(rf"[a-z_]+-[A-Za-z0-9_-]+@{re.escape(HOST)}", uid), uid
        assert uid not in uids
        uids.add(uid)
        assert event["DTSTART"][0] == "VALUE=DATE" and re.fullmatch(r"\d{8}", event["DTSTART"][1])
        assert event["DTEND"][0] == "VALUE=DATE" and event["DTEND"][1] > event["DTSTART"][1]
        for name in ("DTSTAMP", "LAST-MODIFIED"):
            assert re.fullmatch(r"\d{8}T\d{6}Z", event[name][1]), (name, event[name])
        assert int(event["SEQUENCE"][1]) >= 0
        assert event["DTSTAMP"] == event["LAST-MODIFIED"]
        assert event["TRANSP"][1] in ("TRANSPARENT", "OPAQUE")
        assert event["CATEGORIES"][1]
        assert event["SUMMARY"][1]
        description = unescape(event["DESCRIPTION"][1])
        assert description.startswith(("Act by ", "No lead time.")), description
        assert f"{SITE_URL}/" in description
        assert event["URL"][1].startswith(f"{SITE_URL}/")


def parse_date(value: str) -> datetime.date:
    return datetime.datetime.strptime(value, "%Y%m%d").date()


def expected(occurrences: list[Occurrence]) -> set[tuple[str, datetime.date, datetime.date]]:
    return {(f"{o.id}@{HOST}", o.start, o.end) for o in occurrences}


def engine_occurrences(feed: str, data: FeedData) -> list[Occurrence]:
    """What each feed must contain, asked of the engine directly."""
    start, end = WINDOW
    if feed == "my-customers":
        customers = Customer.objects.filter(owner__username="sam", active=True)
        # The owner's feed also lists each customer's next touch (asked for by kind).
        return calendar_between(
            start, end, customers=customers, kinds=ALL_KINDS, include_plans=False
        ).occurrences
    if feed == "all-customers":
        return calendar_between(start, end, include_plans=False).occurrences
    if feed == "customer":
        customers = Customer.objects.filter(pk=data.acme.pk)
        return calendar_between(start, end, customers=customers, include_plans=False).occurrences
    if feed == "country":
        return calendar_between(start, end, countries=["DK"]).occurrences
    plans = [o for o in calendar_between(start, end).occurrences if o.ours]
    if feed == "plans-mine":
        return [o for o in plans if o.source_id == data.mine.pk]
    return plans
