"""Importing .ics files and URLs: in place by UID, all or nothing, with clear errors."""

from __future__ import annotations

import datetime
import socket
import time

import pytest
from django.core.cache import cache

from calendarapp.imports import ics as ics_module
from calendarapp.imports.ics import IcsImportError, check_url, import_ics, refresh_source
from calendarapp.models import IcsSource, ImportedEvent
from calendarapp.occurrences.sources import imported as imported_source
from calendarapp.occurrences.stream import calendar_between
from customers.models import Customer
from tests import factories
from tests.calendarapp.feeds import support as fs
from tests.calendarapp.imports.support import MOVED_SUMMIT, NEW_YEAR, PICNIC, SUMMIT, ics
from tests.support import migrate


@pytest.fixture
def acme(clock, db):
    return factories.customer("Acme A/S", "DK")


def stored(source: IcsSource) -> set[tuple[str, datetime.date, datetime.date, str]]:
    return {(e.uid, e.start, e.end, e.title) for e in source.events.all()}


def nothing_changed(before: tuple[int, int]) -> bool:
    return (IcsSource.objects.count(), ImportedEvent.objects.count()) == before


def counts() -> tuple[int, int]:
    return IcsSource.objects.count(), ImportedEvent.objects.count()


def test_an_uploaded_file_becomes_occurrences_of_the_chosen_kind(acme):
    source, result = import_ics(
        name="Acme events", kind="vacation", customer=acme, data=ics(SUMMIT, PICNIC)
    )
    assert (result.created, result.updated, result.deleted) == (2, 0, 0)
    assert stored(source) == {
        ("summit", datetime.date(2026, 11, 2), datetime.date(2026, 11, 3), "Summit"),
        ("picnic", datetime.date(2026, 8, 1), datetime.date(2026, 8, 1), "Picnic, with families"),
    }
    calendar = calendar_between(*fs.WINDOW, customers=Customer.objects.filter(pk=acme.pk))
    imported = [o for o in calendar.occurrences if o.source == imported_source.NAME]
    assert {(o.title, o.kind, o.customer_id) for o in imported} == {
        ("Summit", "vacation", acme.pk),
        ("Picnic, with families", "vacation", acme.pk),
    }
    assert all(o.id.startswith("imported-") for o in imported)


def test_a_country_source_reaches_the_countrys_customers(acme):
    import_ics(name="DK schools", kind="vacation", country="DK", data=ics(SUMMIT))
    calendar = calendar_between(*fs.WINDOW, customers=Customer.objects.filter(pk=acme.pk))
    assert "Summit" in {o.title for o in calendar.for_customer(calendar.customers[0])}
    assert "Summit" in {o.title for o in calendar_between(*fs.WINDOW, countries=["DK"]).occurrences}


def test_reimport_updates_in_place_adds_and_removes(acme):
    source, _ = import_ics(
        name="Acme", kind="customer_event", customer=acme, data=ics(SUMMIT, PICNIC)
    )
    summit_pk = source.events.get(uid="summit").pk
    again_source, result = import_ics(
        name="Acme", kind="customer_event", customer=acme, data=ics(MOVED_SUMMIT, NEW_YEAR)
    )
    assert again_source.pk == source.pk
    assert (result.created, result.updated, result.deleted) == (1, 1, 1)
    assert stored(source) == {
        ("summit", datetime.date(2026, 11, 9), datetime.date(2026, 11, 9), "Summit"),
        ("ny", datetime.date(2027, 1, 4), datetime.date(2027, 1, 4), "New year kick-off"),
    }
    assert source.events.get(uid="summit").pk == summit_pk
    _, again = import_ics(
        name="Acme", kind="customer_event", customer=acme, data=ics(MOVED_SUMMIT, NEW_YEAR)
    )
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)


def test_the_same_file_for_another_customer_is_a_separate_source(acme):
    other = factories.customer("Other A/S", "DK")
    first, _ = import_ics(name="Acme", kind="customer_event", customer=acme, data=ics(SUMMIT))
    second, _ = import_ics(name="Acme", kind="customer_event", customer=other, data=ics(SUMMIT))
    assert first.pk != second.pk
    assert ImportedEvent.objects.count() == 2


def test_recurring_events_expand_with_one_uid_per_occurrence(acme):
    weekly = (
        "UID:standup\r\nDTSTART;VALUE=DATE:20260601\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Standup"
    )
    source, _ = import_ics(name="Acme", kind="customer_event", customer=acme, data=ics(weekly))
    assert sorted(e.uid for e in source.events.all()) == [
        "standup/20260601",
        "standup/20260608",
        "standup/20260615",
    ]


def test_timed_events_fall_on_the_customers_local_day(acme):
    late = "UID:late\r\nDTSTART:20261101T233000Z\r\nDTEND:20261102T003000Z\r\nSUMMARY:Late call"
    source, _ = import_ics(name="Acme", kind="customer_event", customer=acme, data=ics(late))
    # 23:30 UTC is 00:30 in Copenhagen the next day.
    assert stored(source) == {
        ("late", datetime.date(2026, 11, 2), datetime.date(2026, 11, 2), "Late call")
    }


def test_a_url_source_refreshes_in_place_and_is_safe_to_run_twice(acme, site):
    url = site.put("/acme.ics", ics(SUMMIT, PICNIC), **{"Content-Type": "text/calendar"})
    source, _ = import_ics(name="Acme", kind="customer_event", customer=acme, url=url)
    assert source.url == url and source.last_fetched_at is not None
    site.put("/acme.ics", ics(MOVED_SUMMIT, NEW_YEAR))
    result = refresh_source(source.pk)
    assert (result.created, result.updated, result.deleted) == (1, 1, 1)
    again = refresh_source(source.pk)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert {uid for uid, *_ in stored(source)} == {"summit", "ny"}


def test_refresh_of_a_deleted_or_uploaded_source_does_nothing(acme):
    source, _ = import_ics(name="Acme", kind="customer_event", customer=acme, data=ics(SUMMIT))
    assert refresh_source(source.pk) is None
    assert refresh_source(999999) is None
    assert stored(source) != set()


def test_webcal_urls_are_fetched_over_https(settings):
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = ["calendar.example.com"]  # no DNS needed
    assert check_url("webcal://calendar.example.com/x.ics") == (
        "https://calendar.example.com/x.ics"
    )


BAD_FILES = {
    "malformed": (b"this is not a calendar", "not a valid iCalendar file"),
    "not utf-8": (b"\xff\xfe\x00B", "not UTF-8"),
    "no DTSTART": (ics("UID:x\r\nSUMMARY:No start"), "“No start”. has no DTSTART"),
    "broken date": (
        ics("UID:x\r\nDTSTART;VALUE=DATE:2026130\r\nSUMMARY:Bad"),
        r"Event 1 at line 4 \(“Bad”\) has an invalid DTSTART on line 6: .*Correct that line",
    ),
    "a start with a bad parameter": (
        ics('UID:x\r\nDTSTART;X-A=a"b:20260601\r\nSUMMARY:Odd'),
        r"“Odd”\) has an invalid DTSTART on line 6: .*Correct that line",
    ),
    "two starts": (
        ics("UID:x\r\nDTSTART;VALUE=DATE:20260601\r\nDTSTART;VALUE=DATE:20260602\r\nSUMMARY:Two"),
        r"“Two”\) has 2 DTSTART lines \(lines 6, 7\); an event has one. Remove the extra ones",
    ),
    "a rule in another calendar scale": (
        ics(
            "UID:x\r\nDTSTART;VALUE=DATE:20260217\r\nRRULE:RSCALE=CHINESE;FREQ=YEARLY\r\nSUMMARY:Tet"
        ),
        r"repeats by the chinese calendar \(RSCALE=CHINESE, line 7\), which this import cannot "
        r"expand. Export the event .* with its dates written out",
    ),
    "not a calendar": (b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nEND:VCARD\r\n", "no VCALENDAR"),
    "NUL in SUMMARY": (
        ics("UID:x\r\nDTSTART;VALUE=DATE:20260601\r\nSUMMARY:Sum\x00mit"),
        "NUL byte",
    ),
    "ends in 3942": (
        ics("UID:x\r\nDTSTART;VALUE=DATE:20260601\r\nDTEND;VALUE=DATE:39420101\r\nSUMMARY:Long"),
        "ends on 3941-12-31",
    ),
    # Never a date: dateutil looked for a 30 February year by year to 9999 (2.6 s an event).
    "a rule that never occurs": (
        ics(
            "UID:x\r\nDTSTART;VALUE=DATE:20260601\r\n"
            "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\r\nSUMMARY:Never"
        ),
        r"“Never”\) \(line 7\): The rule never gives a date: no month of BYMONTH=2 has day 30",
    ),
    # Never: ISO week 53's Thursday is in December. dateutil walked to 9999 (2.4 s an event).
    "a rule that never meets its week and month": (
        ics(
            "UID:wk53\r\nDTSTART;VALUE=DATE:20260601\r\n"
            "RRULE:FREQ=WEEKLY;BYWEEKNO=53;BYMONTH=1;BYDAY=TH\r\nSUMMARY:Week 53"
        ),
        r"Event 1 at line 4 \(“Week 53”\) \(UID wk53\) repeats by a rule that gives no date "
        r"from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(RRULE:FREQ=WEEKLY;.*, line 7\). Correct its RRULE",
    ),
    # Once in 28 years (2036): every refresh walked ten years of days to learn it is not here.
    "a rule on Fridays the 29th of February": (
        ics(
            "UID:leap\r\nDTSTART;VALUE=DATE:20260601\r\n"
            "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR\r\nSUMMARY:Leap Friday"
        ),
        r"“Leap Friday”\) \(UID leap\) repeats by a rule that gives no date from",
    ),
    # 1.5 million occurrences in the window: refused before anything is expanded.
    "every minute": (
        ics("UID:x\r\nDTSTART:20260601T090000Z\r\nRRULE:FREQ=MINUTELY\r\nSUMMARY:Ping"),
        "repeats more often than daily",
    ),
}


def test_a_leap_day_every_four_years_and_a_rule_that_ended_are_imported(acme):
    birthday = (
        "UID:bday\r\nDTSTART;VALUE=DATE:20240229\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29\r\nSUMMARY:Leap birthday"
    )
    # Its one Friday the 29th of February was in 2008, long before the window.
    ended = (
        "UID:old\r\nDTSTART;VALUE=DATE:20080229\r\n"
        "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR;UNTIL=20090101\r\nSUMMARY:Old"
    )
    import_ics(name="Acme", kind="customer_event", customer=acme, data=ics(birthday, ended))
    assert IcsSource.objects.count() == 1


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_a_clear_error_and_changes_nothing(acme, case):
    data, message = BAD_FILES[case]
    before = counts()
    with pytest.raises(IcsImportError, match=message):
        import_ics(name="Acme", kind="customer_event", customer=acme, data=data)
    assert nothing_changed(before)


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_reimport_keeps_the_old_events(acme, case):
    source, _ = import_ics(name="Acme", kind="customer_event", customer=acme, data=ics(SUMMIT))
    before = stored(source)
    with pytest.raises(IcsImportError):
        import_ics(name="Acme", kind="customer_event", customer=acme, data=BAD_FILES[case][0])
    assert stored(source) == before


def test_a_file_over_the_size_limit_is_refused(acme, settings):
    settings.ICS_IMPORT_MAX_BYTES = 1024 * 1024
    before = counts()
    with pytest.raises(IcsImportError, match="larger than the limit of 1 MB"):
        import_ics(
            name="Acme", kind="customer_event", customer=acme, data=ics(SUMMIT) + b" " * 1024**2
        )
    assert nothing_changed(before)


def test_a_download_over_the_size_limit_is_refused(acme, site, settings):
    settings.ICS_IMPORT_MAX_BYTES = 200_000
    url = site.put("/big.ics", ics(SUMMIT) + b"X" * 300_000)
    before = counts()
    with pytest.raises(IcsImportError, match="larger than the limit"):
        import_ics(name="Big", kind="customer_event", customer=acme, url=url)
    assert nothing_changed(before)


def test_a_url_that_times_out_is_refused(acme, site, settings):
    settings.ICS_IMPORT_TIMEOUT_SECONDS = 1
    url = site.put("/slow.ics", ics(SUMMIT), delay=3)
    before = counts()
    with pytest.raises(IcsImportError, match="did not send the calendar within 1 s "):
        import_ics(name="Slow", kind="customer_event", customer=acme, url=url)
    assert nothing_changed(before)


def test_a_server_that_trickles_bytes_still_times_out(acme, site, settings):
    settings.ICS_IMPORT_TIMEOUT_SECONDS = 1
    url = site.put("/drip.ics", ics(SUMMIT, PICNIC), trickle=0.1)  # about 2.5 s in all
    before = counts()
    with pytest.raises(IcsImportError, match="did not send the calendar within 1 s "):
        import_ics(name="Drip", kind="customer_event", customer=acme, url=url)
    assert nothing_changed(before)


def test_a_server_that_trickles_header_lines_still_times_out(acme, site, settings):
    # Each read succeeds within the socket timeout, so only a total deadline ends it.
    settings.ICS_IMPORT_TIMEOUT_SECONDS = 1
    url = site.put("/headers.ics", ics(SUMMIT), header_trickle=0.2)
    before = counts()
    started = time.monotonic()
    with pytest.raises(IcsImportError, match="did not send the calendar within 1 s "):
        import_ics(name="Drip", kind="customer_event", customer=acme, url=url)
    assert time.monotonic() - started < 3
    assert nothing_changed(before)


def test_a_failed_refresh_keeps_events_and_records_the_error(acme, site, settings):
    url = site.put("/acme.ics", ics(SUMMIT))
    source, _ = import_ics(name="Acme", kind="customer_event", customer=acme, url=url)
    site.put("/acme.ics", b"", status=500)
    with pytest.raises(IcsImportError, match="answered 500"):
        refresh_source(source.pk)
    source.refresh_from_db()
    assert "answered 500" in source.last_error
    assert {uid for uid, *_ in stored(source)} == {"summit"}
    site.put("/acme.ics", ics(SUMMIT))
    refresh_source(source.pk)
    source.refresh_from_db()
    assert source.last_error == ""


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.ics",
        "http://localhost/x.ics",
        "http://10.0.0.7/x.ics",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x.ics",
        "http://192.168.1.1/x.ics",
    ],
)
def test_private_and_loopback_addresses_are_refused(acme, settings, url):
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = []
    before = counts()
    with pytest.raises(IcsImportError, match="private or local address"):
        import_ics(name="Inside", kind="customer_event", customer=acme, url=url)
    assert nothing_changed(before)


def test_a_redirect_to_a_private_address_is_refused(acme, site, settings):
    url = site.put("/hop.ics", b"", status=302, Location="http://10.1.2.3/secret.ics")
    with pytest.raises(IcsImportError, match="private or local address"):
        import_ics(name="Hop", kind="customer_event", customer=acme, url=url)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"url": "ftp://example.com/x.ics"}, "must start with https://"),
        ({"url": "x", "data": b""}, "either a file or a URL"),
        ({}, "either a file or a URL"),
        ({"data": b"", "kind": "busy_season"}, "Choose the kind"),
        ({"data": b"", "customer": None}, "Choose a customer, or a country."),
        ({"data": b"", "customer": None, "country": "XX"}, "XX"),
        ({"data": b"", "customer": None, "country": "DE", "subdivision": "ZZ"}, "“ZZ” is not a"),
    ],
)
def test_invalid_requests_name_the_problem(acme, fields, message):
    arguments = {"name": "X", "kind": "vacation", "customer": acme} | fields
    before = counts()
    with pytest.raises(IcsImportError, match=message):
        import_ics(**arguments)
    assert nothing_changed(before)


def test_round_trip_export_then_import_into_another_customer(client, acme, settings, sales_manager):
    """Export a customer's feed, import it into another customer: the same occurrences."""
    settings.SITE_URL = fs.SITE_URL
    cache.clear()
    acme.owner = sales_manager
    acme.save()
    factories.tradition(
        customer=acme,
        title="Høstferie; «Jahresabschluss», 日本語",
        start=datetime.date(2025, 10, 13),
        end=datetime.date(2025, 10, 17),
        rule="RRULE:FREQ=YEARLY",
        lead_time_days=30,
    )
    factories.contract(acme, datetime.date(2027, 3, 31))
    from calendarapp.feeds.subscriptions import subscription_add

    _, token = subscription_add(user=sales_manager, feed="customer", customer=acme)
    body = client.get(f"/feeds/{token}/customers/{acme.pk}.ics").getvalue()
    other = factories.customer("Other ApS", "SE")
    import_ics(name="Copy of Acme", kind="customer_event", customer=other, data=body)

    exported = {
        (fs.parse_date(e["DTSTART"][1]), fs.parse_date(e["DTEND"][1]), fs.unescape(e["SUMMARY"][1]))
        for e in fs.vevents(body)
    }
    calendar = calendar_between(*fs.WINDOW, customers=Customer.objects.filter(pk=other.pk))
    imported = {
        (o.start, o.end + datetime.timedelta(days=1), o.title)
        for o in calendar.occurrences
        if o.source == imported_source.NAME
    }
    assert len(exported) > 10
    assert imported == exported


def fake_dns(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """Answer getaddrinfo for made-up host names; record every name looked up."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        if host in answers:
            address = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_host_name_that_resolves_to_a_private_address_is_refused(acme, monkeypatch, settings):
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = []
    fake_dns(monkeypatch, {"intranet.example.com": ["10.20.30.40"]})
    with pytest.raises(IcsImportError, match=r"private or local address \(10.20.30.40\)"):
        import_ics(
            name="X", kind="vacation", customer=acme, url="https://intranet.example.com/x.ics"
        )


def test_the_connection_goes_to_the_address_that_was_checked(acme, site, monkeypatch):
    """The socket connects to the checked address, never to the name (no second lookup)."""
    url = site.put("/pinned.ics", ics(SUMMIT))
    port = int(url.split(":")[2].split("/")[0])
    fake_dns(monkeypatch, {"calendar.test": ["127.0.0.1"]})  # 127.0.0.1 is allowed in tests
    connected: list[tuple] = []
    real_connect = socket.create_connection
    monkeypatch.setattr(
        socket,
        "create_connection",
        lambda address, *a, **k: connected.append(address) or real_connect(address, *a, **k),
    )
    source, _ = import_ics(
        name="Pinned", kind="vacation", customer=acme, url=f"http://calendar.test:{port}/pinned.ics"
    )
    assert connected == [("127.0.0.1", port)]
    assert {uid for uid, *_ in stored(source)} == {"summit"}


def daily_events(count: int, rule: str = "FREQ=DAILY") -> bytes:
    return ics(
        *(
            f"UID:d{n}\r\nDTSTART;VALUE=DATE:20250701\r\nRRULE:{rule}\r\nSUMMARY:Daily {n}"
            for n in range(count)
        )
    )


def test_rules_that_would_expand_past_the_cap_are_refused_before_expanding(acme, monkeypatch):
    # 200 daily events over the three-year window are 220,000 occurrences; expanding them
    # first and counting after cost a worker most of a minute and gigabytes.
    def expand(*args, **kwargs):
        raise AssertionError("expanded before counting")

    monkeypatch.setattr(ics_module.recurring_ical_events, "of", expand)
    before = counts()
    with pytest.raises(IcsImportError, match="more than 20000 events in the window"):
        import_ics(name="Flood", kind="customer_event", customer=acme, data=daily_events(200))
    assert nothing_changed(before)


def test_rules_from_centuries_ago_are_refused_before_expanding(acme, monkeypatch):
    # None falls in the window, but expanding steps through 374,000 days for each.
    def expand(*args, **kwargs):
        raise AssertionError("expanded before counting")

    monkeypatch.setattr(ics_module.recurring_ical_events, "of", expand)
    old = ics(
        *(
            f"UID:o{n}\r\nDTSTART;VALUE=DATE:10000101\r\nRRULE:FREQ=DAILY;UNTIL=20250101"
            f"\r\nSUMMARY:Old {n}"
            for n in range(3)
        )
    )
    before = counts()
    with pytest.raises(IcsImportError, match="start too long before today"):
        import_ics(name="Old", kind="customer_event", customer=acme, data=old)
    assert nothing_changed(before)


@pytest.mark.parametrize(
    "rule, each",
    [
        ("FREQ=DAILY;COUNT=3", 3),
        ("FREQ=DAILY;UNTIL=20250703", 3),
        ("FREQ=WEEKLY;INTERVAL=2;COUNT=4", 4),
        ("FREQ=YEARLY", 3),  # 2025-07-01, 2026 and 2027 in the window to 2028-06-14
        # The last weekday of 6 months, and DTSTART (always an occurrence, RFC 5545).
        ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=6", 7),
    ],
)
def test_many_recurring_events_that_stay_under_the_cap_are_imported(acme, rule, each):
    source, result = import_ics(
        name="Short", kind="customer_event", customer=acme, data=daily_events(200, rule)
    )
    assert result.created == 200 * each


def test_a_daily_rule_kept_to_one_weekday_counts_only_those_days_against_the_cap(acme):
    # 30 rules of every day would be 32,880 occurrences; on Mondays alone they are 4,650.
    source, result = import_ics(
        name="Mondays",
        kind="customer_event",
        customer=acme,
        data=daily_events(30, "FREQ=DAILY;BYDAY=MO"),
    )
    assert result.created == 30 * (154 + 1)  # the Mondays in the window and DTSTART, a Tuesday


# Occurrences sharing a day, the window's edges, odd lines and events without UID (issue 25).

WEEKLY_REVIEW = (
    "UID:review\r\nDTSTART;TZID=Europe/Copenhagen:20261005T100000\r\n"
    "RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Review"
)
# The 12 October review moved onto 19 October, the day of the next one.
REVIEW_MOVED = (
    "UID:review\r\nRECURRENCE-ID;TZID=Europe/Copenhagen:20261012T100000\r\n"
    "DTSTART;TZID=Europe/Copenhagen:20261019T150000\r\nSUMMARY:Review (moved)"
)


def days(source: IcsSource) -> list[tuple[datetime.date, str]]:
    return sorted((e.start, e.title) for e in source.events.all())


@pytest.mark.parametrize(
    "events, expected",
    [
        pytest.param(
            (WEEKLY_REVIEW, REVIEW_MOVED),
            [(5, "Review"), (19, "Review"), (19, "Review (moved)")],
            id="moved onto another occurrence's day",
        ),
        pytest.param(
            (
                "UID:board\r\nDTSTART:20261005T070000Z\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\n"
                "RDATE:20261012T130000Z\r\nSUMMARY:Board",
            ),
            [(5, "Board"), (12, "Board"), (12, "Board")],
            id="an RDATE on a day of the rule",
        ),
        pytest.param(
            (
                "UID:shift\r\nDTSTART:20261005T070000Z\r\nRRULE:FREQ=DAILY;COUNT=2;BYHOUR=7,15\r\n"
                "SUMMARY:Shift",
            ),
            [(5, "Shift"), (5, "Shift")],
            id="two times of one rule in a day",
        ),
    ],
)
def test_occurrences_that_share_a_day_are_all_kept(acme, events, expected):
    source, result = import_ics(
        name="Acme", kind="customer_event", customer=acme, data=ics(*events)
    )
    assert days(source) == [(datetime.date(2026, 10, day), title) for day, title in expected]
    _, again = import_ics(name="Acme", kind="customer_event", customer=acme, data=ics(*events))
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)


def test_each_occurrence_is_keyed_by_its_recurrence_id(acme):
    source, _ = import_ics(
        name="Acme", kind="customer_event", customer=acme, data=ics(WEEKLY_REVIEW, REVIEW_MOVED)
    )
    assert sorted(e.uid for e in source.events.all()) == [
        "review/20261005T080000Z",
        "review/20261012T080000Z",  # the moved one keeps the key of the day it was moved from
        "review/20261019T080000Z",
    ]


@pytest.mark.parametrize(
    "start, day",
    [
        # 20:00 in New York the day before the window is 02:00 in Copenhagen on its first day.
        ("DTSTART;TZID=America/New_York:20250614T200000", datetime.date(2025, 6, 15)),
        # 09:00 in Auckland the day after the window is 23:00 in Copenhagen on its last day.
        ("DTSTART;TZID=Pacific/Auckland:20280615T090000", datetime.date(2028, 6, 14)),
    ],
)
def test_an_event_just_inside_the_window_in_another_zone_is_kept(acme, start, day):
    source, _ = import_ics(
        name="Acme", kind="customer_event", customer=acme, data=ics(f"UID:edge\r\n{start}")
    )
    assert [(e.start, e.end) for e in source.events.all()] == [(day, day)]


def test_an_event_just_outside_the_window_in_another_zone_is_left_out(acme):
    # 18:00 in New York the day before the window is 00:00 in Copenhagen: still the day before.
    late = "UID:edge\r\nDTSTART;TZID=America/New_York:20250613T180000\r\nSUMMARY:Before"
    source, _ = import_ics(name="Acme", kind="customer_event", customer=acme, data=ics(late))
    assert not source.events.exists()


APPLE = (
    "UID:fair\r\nDTSTART;VALUE=DATE:20261110\r\nSUMMARY:Trade fair\r\n"
    "X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS=Center Blvd. 5; 2300 København;"
    "X-TITLE=Bella Center:geo:55.637,12.578"
)


def test_an_unreadable_property_is_skipped_with_a_warning_naming_the_event_and_line(acme):
    bad_parameter = (
        'UID:talk\r\nDTSTART;VALUE=DATE:20261111\r\nSUMMARY:Talk\r\nLOCATION;X-LABEL=a"b:Hall'
    )
    source, result = import_ics(
        name="Acme", kind="customer_event", customer=acme, data=ics(APPLE, bad_parameter)
    )
    assert days(source) == [
        (datetime.date(2026, 11, 10), "Trade fair"),
        (datetime.date(2026, 11, 11), "Talk"),
    ]
    assert [(w.code, w.text) for w in result.warnings] == [
        (
            "unreadable_property",
            "Event 1 at line 4 (“Trade fair”): line 8 could not be read and was skipped "
            "(X-APPLE-STRUCTURED-LOCATION).",
        ),
        (
            "unreadable_property",
            "Event 2 at line 10 (“Talk”): line 14 could not be read and was skipped (LOCATION).",
        ),
    ]


def test_events_without_uid_are_kept_by_their_content_across_reimports(acme):
    autumn = "DTSTART;VALUE=DATE:20261012\r\nDTEND;VALUE=DATE:20261017\r\nSUMMARY:Autumn break"
    winter = "DTSTART;VALUE=DATE:20261221\r\nDTEND;VALUE=DATE:20270102\r\nSUMMARY:Winter break"
    source, result = import_ics(
        name="Schools", kind="vacation", customer=acme, data=ics(autumn, winter)
    )
    assert days(source) == [
        (datetime.date(2026, 10, 12), "Autumn break"),
        (datetime.date(2026, 12, 21), "Winter break"),
    ]
    assert [w.code for w in result.warnings] == ["no_uid", "no_uid"]
    assert "Event 1 at line 4 (“Autumn break”) has no UID" in result.warnings[0].text
    ids = {e.title: e.pk for e in source.events.all()}
    _, again = import_ics(name="Schools", kind="vacation", customer=acme, data=ics(autumn, winter))
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert {e.title: e.pk for e in source.events.all()} == ids
    # Without a UID a moved event is another event: the old one goes, the new one comes.
    moved = autumn.replace("20261012", "20261019")
    _, after_move = import_ics(
        name="Schools", kind="vacation", customer=acme, data=ics(moved, winter)
    )
    assert (after_move.created, after_move.updated, after_move.deleted) == (1, 0, 1)
    assert source.events.get(title="Winter break").pk == ids["Winter break"]


def test_a_gregorian_rscale_rule_is_read_as_the_plain_rule(acme):
    rule = "UID:x\r\nDTSTART;VALUE=DATE:20261110\r\nRRULE:RSCALE=GREGORIAN;FREQ=YEARLY;COUNT=2"
    source, _ = import_ics(name="Acme", kind="customer_event", customer=acme, data=ics(rule))
    assert [e.start for e in source.events.order_by("start")] == [
        datetime.date(2026, 11, 10),
        datetime.date(2027, 11, 10),
    ]


def test_a_row_keyed_by_its_day_is_taken_over_by_that_days_occurrence(acme):
    """A row the migration could only key by day keeps its id when its occurrence comes again."""
    source, _ = import_ics(name="Acme", kind="customer_event", customer=acme, data=ics(SUMMIT))
    old = ImportedEvent.objects.create(
        source=source,
        uid="review/20261019",
        start=datetime.date(2026, 10, 19),
        end=datetime.date(2026, 10, 19),
        title="Review",
    )
    _, result = import_ics(
        name="Acme", kind="customer_event", customer=acme, data=ics(WEEKLY_REVIEW, REVIEW_MOVED)
    )
    old.refresh_from_db()
    assert old.uid == "review/20261019T080000Z"
    assert (result.created, result.updated, result.deleted) == (2, 1, 1)  # summit vanished


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_moves_day_keys_so_rows_keep_their_ids(clock):
    """0012 moves `UID/YYYY-MM-DD` to `UID/YYYYMMDD`; the next import finishes timed ones."""
    before, after = (
        ("calendarapp", "0011_plan_offers"),
        ("calendarapp", "0012_imported_occurrence_keys"),
    )
    old_apps = migrate([before])
    OldSource = old_apps.get_model("calendarapp", "IcsSource")
    OldEvent = old_apps.get_model("calendarapp", "ImportedEvent")
    source = OldSource.objects.create(name="Acme", country="DK", kind="customer_event")

    def old_row(uid: str, day: int, title: str) -> int:
        first = datetime.date(2026, 10, day)
        row = OldEvent.objects.create(source=source, uid=uid, start=first, end=first, title=title)
        return row.pk

    ids = {
        "standup/20261005": old_row("standup/2026-10-05", 5, "Standup"),
        "review/20261005T080000Z": old_row("review/2026-10-05", 5, "Review"),
        "review/20261019T080000Z": old_row("review/2026-10-19", 19, "Review"),
        "summit": old_row("summit", 2, "Summit"),
    }
    migrate([after])
    migrate()
    assert set(ImportedEvent.objects.values_list("uid", flat=True)) == {
        "standup/20261005",
        "review/20261005",
        "review/20261019",
        "summit",
    }
    standup = (
        "UID:standup\r\nDTSTART;VALUE=DATE:20261005\r\nRRULE:FREQ=WEEKLY;COUNT=1\r\nSUMMARY:Standup"
    )
    summit = "UID:summit\r\nDTSTART;VALUE=DATE:20261002\r\nSUMMARY:Summit"
    import_ics(
        name="Acme",
        kind="customer_event",
        country="DK",
        data=ics(standup, summit, WEEKLY_REVIEW, REVIEW_MOVED),
    )
    for uid, pk in ids.items():
        assert ImportedEvent.objects.get(uid=uid).pk == pk


def test_a_webcal_url_is_imported_and_stored_as_https(acme, settings, monkeypatch):
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = ["calendar.example.com"]  # no DNS needed
    fetched: list[str] = []
    monkeypatch.setattr(ics_module, "fetch", lambda url: fetched.append(url) or ics(SUMMIT))
    source, result = import_ics(
        name="Acme", kind="vacation", customer=acme, url="webcal://calendar.example.com/a.ics"
    )
    assert source.url == "https://calendar.example.com/a.ics" == fetched[0]
    again, _ = import_ics(
        name="Acme", kind="vacation", customer=acme, url="webcal://calendar.example.com/a.ics"
    )
    assert again.pk == source.pk and result.created == 1


def test_an_alarm_with_an_unreadable_trigger_does_not_refuse_the_file(acme):
    alarmed = (
        "UID:alarm\r\nDTSTART;VALUE=DATE:20261110\r\nSUMMARY:Reminded\r\n"
        'BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:soon\r\nEND:VALARM\r\nLOCATION;X-A=a"b:Hall'
    )
    source, result = import_ics(
        name="Acme", kind="customer_event", customer=acme, data=ics(alarmed)
    )
    assert days(source) == [(datetime.date(2026, 11, 10), "Reminded")]
    assert [w.text for w in result.warnings] == [
        "Event 1 at line 4 (“Reminded”): line 12 could not be read and was skipped (LOCATION)."
    ]
