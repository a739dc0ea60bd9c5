"""Reading a sales manager's own calendar: the events a user would see, through both transports."""

from __future__ import annotations

import base64
import datetime
import logging
import time
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendarapp.connections.reading import (
    CalendarUnreadable,
    events_between,
    mask_secrets,
    mask_url,
)
from tests.calendar_servers import wrap

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
UTC = datetime.UTC
OCTOBER = datetime.datetime(2026, 10, 1, tzinfo=UTC)
DECEMBER = datetime.datetime(2026, 12, 1, tzinfo=UTC)


def read(served: dict[str, str], start=OCTOBER, end=DECEMBER):
    return events_between(**served, start=start, end=end)


def local(moment: datetime.datetime) -> str:
    return moment.astimezone(CPH).strftime("%a %d %b %H:%M")


def titled(events, summary: str):
    return [event for event in events if event.summary == summary]


# What a user sees -------------------------------------------------------------------------


def test_a_weekly_meeting_shows_its_days_without_the_exdate_and_with_the_moved_one(
    transport, export
):
    events = read(transport(export("google")))
    weekly = [e for e in events if e.uid == "4k9v3s0m1hq2d8r5t7n6c0b1jg@google.com"]
    # 19 Oct is an EXDATE; 26 Oct moved to Tuesday 27 Oct at 14:00; 10:00 stays 10:00 across
    # the change to winter time on 25 Oct.
    assert [local(e.start) for e in weekly] == [
        "Mon 05 Oct 10:00",
        "Mon 12 Oct 10:00",
        "Tue 27 Oct 14:00",
        "Mon 02 Nov 10:00",
        "Mon 09 Nov 10:00",
        "Mon 16 Nov 10:00",
        "Mon 23 Nov 10:00",
    ]
    assert [local(e.end) for e in weekly][:2] == ["Mon 05 Oct 10:30", "Mon 12 Oct 10:30"]
    moved = weekly[2]
    assert moved.summary == "Acme weekly sync (moved)"
    # Keyed by the day it replaced, so a later move updates the same meeting.
    assert moved.occurrence == "2026-10-26T09:00:00+00:00"
    assert [a.partstat for a in moved.attendees] == ["ACCEPTED", "TENTATIVE"]
    assert len({(e.uid, e.occurrence) for e in weekly}) == 7


def test_a_meeting_that_began_before_the_window_or_moved_across_its_edge_is_read_where_it_is(
    transport, export
):
    served = transport(export("google"))
    uid = "4k9v3s0m1hq2d8r5t7n6c0b1jg@google.com"

    def weekly(start, end):
        return [local(e.start) for e in read(served, start=start, end=end) if e.uid == uid]

    november = datetime.datetime(2026, 11, 1, tzinfo=CPH)
    assert weekly(november, DECEMBER) == [
        "Mon 02 Nov 10:00",
        "Mon 09 Nov 10:00",
        "Mon 16 Nov 10:00",
        "Mon 23 Nov 10:00",
    ]
    # The 26 Oct meeting moved to the 27th: not on the Monday, found on the Tuesday.
    monday = datetime.datetime(2026, 10, 26, tzinfo=CPH)
    tuesday = datetime.datetime(2026, 10, 27, tzinfo=CPH)
    assert weekly(monday, tuesday) == []
    assert weekly(tuesday, tuesday + datetime.timedelta(days=1)) == ["Tue 27 Oct 14:00"]


def test_both_transports_give_the_same_events_and_keys(site, caldav_server, export):
    text = export("google")
    plain = read({"url": site.put("/google.ics", text.encode())})
    dav = read(
        {
            "url": caldav_server.calendar_of(text),
            "username": caldav_server.username,
            "password": caldav_server.password,
        }
    )
    assert plain == dav


def test_a_google_export_reads_as_people_see_it(transport, export):
    events = read(transport(export("google")))
    sync = events[0]
    assert sync.summary == "Acme weekly sync"
    assert sync.conference_url == "https://meet.google.com/abc-defg-hij"
    assert sync.location == ""
    assert sync.organizer == "sam@ourco.example"
    assert [(a.email, a.name, a.partstat, a.cutype) for a in sync.attendees] == [
        ("sam@ourco.example", "Sam Sales", "ACCEPTED", "INDIVIDUAL"),
        ("anna.berg@acme.example", "Anna Berg", "ACCEPTED", "INDIVIDUAL"),
        (
            "c_1880a7f3b0e3c2d4@resource.calendar.google.com",
            "Copenhagen-HQ-3-Oresund (8)",
            "ACCEPTED",
            "RESOURCE",
        ),
    ]
    (lunch,) = titled(events, "Lunch with Bornholm")
    assert lunch.location == "Bornholm A/S, Store Torv 1, 3700 Rønne"
    assert lunch.conference_url == ""
    assert ("sam@ourco.example", "DECLINED") in [(a.email, a.partstat) for a in lunch.attendees]
    assert lunch.organizer == "bo@bornholm.example"
    (cancelled,) = titled(events, "Acme renewal call")
    assert cancelled.cancelled and not sync.cancelled
    (offsite,) = titled(events, "Team offsite")
    assert offsite.all_day
    assert offsite.start == datetime.datetime(2026, 11, 12, tzinfo=CPH)
    assert offsite.end == datetime.datetime(2026, 11, 14, tzinfo=CPH)  # two days, end exclusive
    assert offsite.occurrence == "2026-11-12"


def test_an_outlook_export_reads_as_people_see_it(transport, export):
    events = read(transport(export("outlook")))
    review, check_in, doctor = events
    # "Romance Standard Time" is Outlook's name for Paris/Copenhagen time.
    assert local(review.start) == "Wed 28 Oct 13:00"
    assert review.start.astimezone(UTC).hour == 12
    assert review.conference_url.startswith(
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ0ZDk3"
    )
    assert review.location == ""  # "Microsoft Teams Meeting" is no place to visit
    assert review.organizer == "sam.sales@ourco.example"
    assert [(a.email, a.cutype) for a in review.attendees] == [
        ("henrik.larsen@havfrue.example", "INDIVIDUAL"),
        ("mette@ourco.example", "INDIVIDUAL"),
        ("kronborg@ourco.example", "ROOM"),
    ]
    assert review.uid.startswith("040000008200E00074C5B7101A82E008")
    # A Teams link only in the invitation's text.
    assert check_in.conference_url.startswith(
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_ZjA5YzQ2"
    )
    assert doctor.private and not review.private
    assert doctor.location == "Lægehuset, Vesterbrogade 10"


def test_an_icloud_export_reads_as_people_see_it(transport, export):
    visit, demo, coffee = read(transport(export("icloud")))
    assert visit.location == "Nordlys Retail Kongens Nytorv 13, 1050 København K, Denmark"
    assert visit.conference_url == ""
    # An attendee known by a urn:uuid, with the address in its EMAIL parameter.
    assert ("jonas@nordlys.example", "Jonas Lind", "TENTATIVE") in [
        (a.email, a.name, a.partstat) for a in visit.attendees
    ]
    assert demo.conference_url == "https://us02web.zoom.us/j/81234567890?pwd=Q2hlY2tUaGlzT3V0"
    assert demo.location == ""  # "Zoom"
    assert coffee.location == "Kaffebar Nørrebro"  # only X-APPLE-STRUCTURED-LOCATION


LINKS = [
    (
        "CONFERENCE;VALUE=URI;FEATURE=VIDEO:https://acme.zoom.us/j/123",
        "",
        "https://acme.zoom.us/j/123",
    ),
    ("LOCATION:https://meet.google.com/xyz-abcd-efg", "", "https://meet.google.com/xyz-abcd-efg"),
    (
        "LOCATION:Room 4\\, Acme HQ\\; https://acme.webex.com/meet/anna",
        "Room 4, Acme HQ",
        "https://acme.webex.com/meet/anna",
    ),
    ("URL:https://teams.live.com/meet/9876", "", "https://teams.live.com/meet/9876"),
    ("LOCATION:Acme HQ\r\nURL:https://acme.example/agenda", "Acme HQ", ""),
    ("DESCRIPTION:Agenda at https://docs.example/acme", "", ""),
]


@pytest.mark.parametrize(("lines", "location", "link"), LINKS)
def test_a_conference_link_is_found_where_clients_put_it_and_is_no_location(
    site, lines, location, link
):
    text = wrap(f"UID:c\r\nDTSTART:20261020T090000Z\r\nDTEND:20261020T100000Z\r\n{lines}")
    (event,) = read({"url": site.put("/c.ics", text.encode())})
    assert (event.location, event.conference_url) == (location, link)


def test_an_event_is_returned_when_it_overlaps_the_window(transport):
    text = wrap(
        "UID:before\r\nDTSTART:20261001T080000Z\r\nDTEND:20261001T090000Z\r\nSUMMARY:Ends at the start",
        "UID:across\r\nDTSTART:20261001T083000Z\r\nDTEND:20261001T093000Z\r\nSUMMARY:Across the start",
        "UID:inside\r\nDTSTART:20261001T120000Z\r\nDTEND:20261001T130000Z\r\nSUMMARY:Inside",
        "UID:after\r\nDTSTART:20261002T080000Z\r\nDTEND:20261002T090000Z\r\nSUMMARY:Starts at the end",
        "UID:instant\r\nDTSTART:20261001T090000Z\r\nSUMMARY:No length, at the start",
    )
    start = datetime.datetime(2026, 10, 1, 9, tzinfo=UTC)
    events = read(
        transport(text),
        start=start,
        end=start + datetime.timedelta(days=1) - datetime.timedelta(hours=1),
    )
    assert [e.summary for e in events] == ["Across the start", "No length, at the start", "Inside"]


def test_a_floating_time_is_read_in_the_teams_time_zone_and_a_missing_uid_is_stable(site):
    text = wrap("DTSTART:20261020T090000\r\nDTEND:20261020T100000\r\nSUMMARY:Floating")
    url = site.put("/floating.ics", text.encode())
    (first,) = read({"url": url})
    (again,) = read({"url": url})
    assert local(first.start) == "Tue 20 Oct 09:00"
    assert first.uid.startswith("no-uid-") and first.uid == again.uid


# Dates: window edges across a year end and a change of clocks -------------------------------

DAILY = wrap(
    "UID:daily\r\nDTSTART;TZID=Europe/Copenhagen:20261201T090000\r\n"
    "DTEND;TZID=Europe/Copenhagen:20261201T093000\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Stand-up"
)
FIRST_DAY = datetime.date(2026, 12, 1)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.datetimes(datetime.datetime(2026, 12, 20), datetime.datetime(2027, 4, 5)),
    hours=st.integers(1, 24 * 12),
)
def test_a_daily_meeting_shows_every_day_whose_half_hour_touches_the_window(site, start, hours):
    """Across New Year and the change to summer time (28 Mar 2027) the stand-up stays at 09:00
    Copenhagen time, and exactly the days whose 09:00-09:30 overlaps the window are returned."""
    url = site.put("/daily.ics", DAILY.encode())
    window_start = start.replace(tzinfo=CPH)
    window_end = window_start + datetime.timedelta(hours=hours)
    events = read({"url": url}, start=window_start, end=window_end)
    expected = []
    day = window_start.date() - datetime.timedelta(days=1)
    while day <= window_end.date():
        meeting = datetime.datetime.combine(day, datetime.time(9), tzinfo=CPH)
        if (
            day >= FIRST_DAY
            and meeting < window_end
            and meeting + datetime.timedelta(minutes=30) > window_start
        ):
            expected.append(meeting)
        day += datetime.timedelta(days=1)
    assert [e.start for e in events] == expected
    assert all(local(e.start).endswith("09:00") for e in events)
    assert all(e.end - e.start == datetime.timedelta(minutes=30) for e in events)


ROMANCE = """BEGIN:VTIMEZONE\r
TZID:Romance Standard Time\r
BEGIN:STANDARD\r
DTSTART:16010101T030000\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010101T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r
END:DAYLIGHT\r
END:VTIMEZONE"""


@pytest.mark.parametrize("zone", ["Europe/Copenhagen", "Romance Standard Time"])
def test_meetings_repeating_for_years_keep_their_days_and_hour_in_this_window(site, zone):
    """A stand-up every weekday since 2009 and a fortnightly review since 2015, read in a window
    across the change to summer time (28 Mar 2027), with one stand-up cancelled (EXDATE)."""
    text = wrap(
        ROMANCE,
        f"UID:standup\r\nDTSTART;TZID={zone}:20090105T091500\r\n"
        f"DTEND;TZID={zone}:20090105T093000\r\nRRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR\r\n"
        f"EXDATE;TZID={zone}:20270330T091500\r\nSUMMARY:Stand-up",
        f"UID:review\r\nDTSTART;TZID={zone}:20150106T140000\r\n"
        f"DTEND;TZID={zone}:20150106T150000\r\nRRULE:FREQ=WEEKLY;INTERVAL=2\r\n"
        "SUMMARY:Review",
    )
    start = datetime.datetime(2027, 3, 22, tzinfo=CPH)
    events = read(
        {"url": site.put("/years.ics", text.encode())},
        start=start,
        end=start + datetime.timedelta(days=14),
    )
    assert [local(e.start) for e in titled(events, "Stand-up")] == [
        "Mon 22 Mar 09:15",
        "Tue 23 Mar 09:15",
        "Wed 24 Mar 09:15",
        "Thu 25 Mar 09:15",
        "Fri 26 Mar 09:15",
        "Mon 29 Mar 09:15",
        "Wed 31 Mar 09:15",
        "Thu 01 Apr 09:15",
        "Fri 02 Apr 09:15",
    ]
    assert all(e.end - e.start == datetime.timedelta(minutes=15) for e in events[:3])
    # 6 Jan 2015 was a Tuesday: 30 Mar 2027 is its 319th fortnight (23 Mar is not one).
    assert [local(e.start) for e in titled(events, "Review")] == ["Tue 30 Mar 14:00"]
    assert titled(events, "Review")[0].occurrence == "2027-03-30T12:00:00+00:00"


# A calendar that cannot be read ------------------------------------------------------------


def unreadable(**served) -> CalendarUnreadable:
    with pytest.raises(CalendarUnreadable) as caught:
        read(served)
    return caught.value


def test_an_address_that_is_not_found_names_the_url(site, caldav_server):
    error = unreadable(url=site.base + "/missing.ics")
    assert (error.field, error.message) == ("url", "The server answered 404 Not Found.")
    error = unreadable(
        url=caldav_server.base + "/sam/missing/",
        username=caldav_server.username,
        password=caldav_server.password,
    )
    assert error.field == "url"
    assert "no calendar at this address (404)" in error.message


def test_a_web_page_instead_of_a_calendar_names_the_url(site):
    url = site.put("/login", b"<!DOCTYPE html><html><body>Sign in</body></html>")
    error = unreadable(url=url)
    assert error.field == "url"
    assert error.message.startswith("The address gave a web page, not a calendar")


def test_a_wrong_password_names_the_password(caldav_server):
    url = caldav_server.calendar()
    error = unreadable(url=url, username=caldav_server.username, password="not-the-password")
    assert error.field == "password"
    assert "refused the username and password" in error.message


def test_a_caldav_folder_or_a_plain_web_server_is_not_a_calendar(site, caldav_server):
    caldav_server.calendar()
    login = {"username": caldav_server.username, "password": caldav_server.password}
    error = unreadable(url=caldav_server.folder_url(), **login)
    assert error.field == "url"
    assert "is not a calendar" in error.message
    # A secret iCal address given with a login is asked as CalDAV, and says it is not one.
    error = unreadable(
        url=site.put("/cal.ics", wrap("UID:x\r\nDTSTART:20261020T090000Z").encode()), **login
    )
    assert error.field == "url"
    assert "not a calendar" in error.message or "not a CalDAV calendar" in error.message


@pytest.mark.parametrize(
    "login", [{}, {"username": "sam", "password": "pw"}], ids=["ical", "caldav"]
)
def test_a_server_that_never_answers_is_given_up_on_within_the_time_limit(site, settings, login):
    settings.ICS_IMPORT_TIMEOUT_SECONDS = 1
    url = site.hang("/hung.ics")
    started = time.monotonic()
    error = unreadable(url=url, **login)
    assert time.monotonic() - started < 4
    assert error.field == "url"
    assert "did not send the calendar within 1 s" in error.message


@pytest.mark.parametrize(
    "login", [{}, {"username": "sam", "password": "pw"}], ids=["ical", "caldav"]
)
def test_a_server_that_trickles_header_lines_is_cut_at_the_time_limit(site, settings, login):
    """Each read comes within the socket timeout, so only the whole exchange's deadline ends it."""
    settings.ICS_IMPORT_TIMEOUT_SECONDS = 1
    url = site.put("/drip/", b"", header_trickle=0.2)
    started = time.monotonic()
    error = unreadable(url=url, **login)
    assert time.monotonic() - started < 4
    assert (error.field, error.message) == (
        "url",
        "The server did not send the calendar within 1 s (the limit is ICS_IMPORT_TIMEOUT_SECONDS).",
    )


@pytest.mark.parametrize(
    "login", [{}, {"username": "sam", "password": "pw"}], ids=["ical", "caldav"]
)
def test_a_huge_answer_is_refused(site, settings, login):
    settings.ICS_IMPORT_MAX_BYTES = 200_000
    url = site.huge("/huge.ics", 5_000_000)
    error = unreadable(url=url, **login)
    assert error.field == "url"
    assert "larger than the limit" in error.message


@pytest.mark.parametrize(
    "login", [{}, {"username": "sam", "password": "pw"}], ids=["ical", "caldav"]
)
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/cal.ics", "https://10.1.2.3/cal.ics", "https://[::1]/cal.ics"]
)
def test_private_and_loopback_hosts_are_refused_unless_allowed(settings, login, url):
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = []
    error = unreadable(url=url, **login)
    assert error.field == "url"
    assert "private or local address" in error.message


def test_a_caldav_redirect_to_a_private_host_is_refused(site, settings):
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    url = site.put("/dav/", b"", status=301, Location="http://10.9.8.7/dav/")
    error = unreadable(url=url, username="sam", password="pw")
    assert error.field == "url"
    assert "private or local address (10.9.8.7)" in error.message


@pytest.mark.parametrize(
    ("url", "login"),
    [
        ("ftp://calendar.example/cal.ics", {}),
        ("webcal://calendar.example/cal.ics", {"username": "sam"}),
    ],
)
def test_an_address_of_the_wrong_kind_says_what_to_give(url, login):
    error = unreadable(url=url, **login)
    assert error.field == "url"
    assert "https://" in error.message


def test_a_webcal_address_is_read_over_https(monkeypatch, settings):
    from calendarapp.lib import fetching

    fetched = []
    monkeypatch.setattr(
        fetching,
        "fetch",
        lambda url: fetched.append(url) or wrap("UID:w\r\nDTSTART:20261020T090000Z").encode(),
    )
    (event,) = read({"url": "webcal://calendar.example.com/secret-token-1234/basic.ics"})
    assert event.uid == "w"


# Secrets never shown ------------------------------------------------------------------------

SECRET_PATH = "/calendar/ical/sam%40ourco.example/private-8f3a9c2e71b64d05/basic.ics"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"https://calendar.google.com{SECRET_PATH}", "https://calendar.google.com/….ics"),
        (f"webcal://p42-caldav.icloud.com{SECRET_PATH}", "webcal://p42-caldav.icloud.com/….ics"),
        (
            "https://sam:hunter2@caldav.fastmail.com/dav/calendars/user/sam/Work/",
            "https://caldav.fastmail.com/…ork/",
        ),
        ("http://127.0.0.1:8123/cal.ics", "http://127.0.0.1:8123/…"),
        (
            "https://outlook.office365.com/owa/calendar/abc/def/calendar.ics?token=xyz12345",
            "https://outlook.office365.com/…2345",
        ),
        ("not a url", "…"),
    ],
)
def test_a_masked_url_shows_scheme_host_and_its_last_four_characters(url, shown):
    assert mask_url(url) == shown
    assert mask_url(mask_url(url)) == mask_url(url) or shown == "…"


def test_masking_a_message_removes_the_url_its_path_its_token_and_the_password():
    url = f"https://calendar.google.com{SECRET_PATH}"
    text = (
        f"GET {url} failed; webcal form {url.replace('https', 'webcal')}; path {SECRET_PATH}; "
        "token private-8f3a9c2e71b64d05; login hunter2-password"
    )
    masked = mask_secrets(text, url, "hunter2-password")
    assert "8f3a9c2e71b64d05" not in masked
    assert "hunter2-password" not in masked
    assert "https://calendar.google.com/….ics" in masked


def test_secrets_never_reach_the_error_or_the_logs(site, caldav_server, caplog, settings):
    caplog.set_level(logging.DEBUG, logger="calendarapp")
    caplog.set_level(logging.INFO)
    settings.ICS_IMPORT_TIMEOUT_SECONDS = 1
    secret_url = site.hang("/calendar/ical/private-8f3a9c2e71b64d05/basic.ics")
    messages = [unreadable(url=secret_url).message]
    messages.append(unreadable(url=site.base + "/private-0c1d2e3f4a5b6c7d/basic.ics").message)
    password = "s3cret-app-password"
    url = caldav_server.calendar()
    messages.append(unreadable(url=url, username=caldav_server.username, password=password).message)
    messages.append(unreadable(url=secret_url, username="sam", password=password).message)
    login = base64.b64encode(f"{caldav_server.username}:{password}".encode()).decode()
    shown = "\n".join(messages) + caplog.text
    for secret in ("8f3a9c2e71b64d05", "0c1d2e3f4a5b6c7d", password, login):
        assert secret not in shown
    assert "http://127.0.0.1" in caplog.text  # the log says which calendar, masked
