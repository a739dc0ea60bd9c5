"""Read a sales manager's own calendar between two moments and hand back plain events.

Two transports, one result:

- **a secret iCal address** (Google's "secret address in iCal format", Outlook's published
  calendar, iCloud's public link; https or webcal, http only for hosts in
  `ICS_IMPORT_ALLOW_PRIVATE_HOSTS`), downloaded by `calendarapp/lib/fetching.py` exactly as the
  .ics import downloads: size cap, one time limit for the whole exchange, private hosts refused,
  redirects checked;
- **a CalDAV calendar URL** (Fastmail, Nextcloud, iCloud with an app password), read with the
  `caldav` client: one time-range REPORT asks the server for the events touching the window.

Which one is decided by the credentials: a username or a password means CalDAV, none means a
plain download (a secret address carries its secret in the URL and takes no login; a CalDAV
server always asks for one). Trying both would send a password to a server that never asked for
it, and turn a wrong password into a confusing "not a calendar".

Both give iCalendar data, expanded here the same way by recurring-ical-events (RRULE, RDATE,
EXDATE, moved occurrences), so an occurrence has the same `occurrence` key through either.
We expand locally rather than ask CalDAV servers to (RFC 4791 `expand`): servers differ in it,
the caldav library itself defaults to client-side expansion for that reason, and one expansion
keeps both transports' answers equal.

Every failure is a `CalendarUnreadable` naming the field to correct (`url` or `password`) in
words with the secrets masked (`mask_url`, `mask_secrets`): nothing secret reaches a page, an
API answer or a log.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import icalendar
import niquests
import recurring_ical_events
from caldav.collection import Calendar as DavCalendar
from caldav.davclient import DAVClient
from caldav.elements import dav
from caldav.lib import error as caldav_error
from django.conf import settings
from niquests.packages.urllib3.contrib.resolver.system import SystemResolver

from calendarapp.lib import fetching

log = logging.getLogger(__name__)

# A window holding more occurrences than this is refused rather than flooding the sync.
MAX_EVENTS = 20_000
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Attendee:
    email: str  # lower-cased
    name: str
    partstat: str  # "ACCEPTED", "DECLINED", "NEEDS-ACTION", "TENTATIVE", ... upper-case
    cutype: str  # "INDIVIDUAL", "ROOM", "RESOURCE", "GROUP", "UNKNOWN"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    # RECURRENCE-ID if the component has one, else the start, as ISO text (times in UTC, all-day
    # events as the date); with uid it keys one meeting.
    occurrence: str
    start: datetime.datetime  # aware (all-day events: start of day in settings.TIME_ZONE)
    end: datetime.datetime  # aware
    all_day: bool
    summary: str
    location: str  # physical location text, "" when none or when it is only a conference URL
    conference_url: str  # Teams/Zoom/Meet/Webex link, "" if none
    private: bool  # CLASS:PRIVATE or CONFIDENTIAL
    cancelled: bool  # STATUS:CANCELLED
    organizer: str  # lower-cased email or ""
    attendees: tuple[Attendee, ...]  # rooms/resources included with their cutype


class CalendarUnreadable(Exception):
    """A calendar that could not be read: `field` ("url" or "password") and a plain `message`."""

    def __init__(self, message: str, field: str = "url") -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# Masking -----------------------------------------------------------------------------------

MASK = "…"


def mask_url(url: str) -> str:
    """The URL as a page may show it: scheme, host (and port), then "…" and its last 4 characters.

    `https://calendar.google.com/calendar/ical/x%40gmail.com/private-0a1b/basic.ics` becomes
    `https://calendar.google.com/….ics`. A login in the URL is dropped; a URL whose rest is
    8 characters or shorter shows none of it; a masked URL stays as it is, so a form that sends
    the masked value back can be told from a new address. Not a URL: "…" and nothing else.
    """
    url = url.strip()
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return MASK
    host = parts.hostname + (f":{port}" if (port := _port(parts)) else "")
    rest = url.split(parts.netloc, 1)[1].lstrip("/")
    if rest.startswith(MASK):
        tail = rest[len(MASK) :][-4:]
    else:
        tail = rest[-4:] if len(rest) > 8 else ""
    return f"{parts.scheme.lower()}://{host}/{MASK}{tail}"


def _port(parts: Any) -> int | None:
    try:
        return int(parts.port) if parts.port else None
    except ValueError:
        return None


def mask_secrets(text: str, *secrets: str) -> str:
    """The text with every secret replaced: a URL by `mask_url`, anything else by "…".

    A URL is also found as https (a webcal address is fetched so), without its scheme, by its
    path and query, and by each long part of its path (a token quoted alone).
    """
    replacements: dict[str, str] = {}
    for secret in (s.strip() for s in secrets):
        parts = urlsplit(secret)
        if not (parts.scheme and parts.hostname):
            if secret:
                replacements[secret] = MASK
            continue
        for url in {secret, unquote(secret), fetching.webcal_as_https(secret)}:
            masked = mask_url(url)
            replacements[url] = masked
            replacements[url.split("://", 1)[1]] = masked.split("://", 1)[1]
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if len(path) > 1:
            masked_path = "/" + mask_url(secret).split("/", 3)[3]
            replacements[path] = replacements[unquote(path)] = masked_path
        for part in re.split(r"[/?&=]", unquote(path)):
            if len(part) >= 12:
                replacements[part] = MASK
        if parts.password:
            replacements[unquote(parts.password)] = MASK
    if not replacements:
        return text
    # One pass, longest first, so a replacement is never masked again.
    pattern = "|".join(re.escape(found) for found in sorted(replacements, key=len, reverse=True))
    return re.sub(pattern, lambda match: replacements[match.group(0)], text)


# Reading -----------------------------------------------------------------------------------


def events_between(
    *,
    url: str,
    username: str = "",
    password: str = "",
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[CalendarEvent]:
    """The calendar's events that overlap [start, end), recurring ones expanded, by start.

    An event overlaps when it starts before `end` and ends after `start` (an event of no
    length: starts in the window). Raises CalendarUnreadable naming `url` or `password`.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be aware datetimes")
    url = url.strip()
    try:
        if username or password:
            calendar = _read_caldav(url, username, password, start, end)
        else:
            calendar = _read_ical(url)
        events = _expand(calendar, start, end)
    except CalendarUnreadable as error:
        message = mask_secrets(error.message, url, password)
        log.info("calendar %s unreadable (%s): %s", mask_url(url), error.field, message)
        raise CalendarUnreadable(message, field=error.field) from None
    return events


@contextlib.contextmanager
def _fetch_errors_unreadable() -> Iterator[None]:
    try:
        yield
    except fetching.FetchError as error:
        raise CalendarUnreadable(str(error)) from None


def _read_ical(url: str) -> icalendar.Calendar:
    if not url.lower().startswith(("https://", "http://", "webcal://")):
        raise CalendarUnreadable(
            "The address must start with https:// or webcal://: copy the calendar's secret "
            "address in iCal format, or give a username and password for a CalDAV calendar."
        )
    with _fetch_errors_unreadable():
        return _parse(fetching.fetch(url))


def _parse(data: bytes) -> icalendar.Calendar:
    if len(data) > settings.ICS_IMPORT_MAX_BYTES:
        raise CalendarUnreadable(fetching.too_big_message())
    text = data.decode("utf-8-sig", errors="replace")
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        head = text.lstrip()[:200].lower()
        what = "a web page" if "<html" in head or "<!doctype" in head else "something else"
        raise CalendarUnreadable(
            f"The address gave {what}, not a calendar: copy the calendar's secret address in "
            "iCal format (it usually ends in .ics)."
        )
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as error:
        raise CalendarUnreadable(f"The calendar could not be read: {error}.") from None
    if not isinstance(calendar, icalendar.Calendar):
        raise CalendarUnreadable("The address gave no calendar (no VCALENDAR).")
    return calendar


# CalDAV ------------------------------------------------------------------------------------


class _Refused(Exception):
    """Carries a FetchError out of the HTTP library, which would wrap it in its own."""

    def __init__(self, error: fetching.FetchError) -> None:
        super().__init__(str(error))
        self.error = error


class _TooBig(Exception):
    pass


class _CheckedResolver(SystemResolver):  # type: ignore[misc]  # niquests' alias package
    """Name resolution for the CalDAV session: every host, redirects' too, passes the private
    host check and is connected to at the address checked; every socket joins the deadline."""

    def __init__(self, deadline: fetching.Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def getaddrinfo(
        self,
        host: bytes | str | None,
        port: str | int | None,
        family: Any,
        type: Any,
        proto: int = 0,
        flags: int = 0,
        *,
        quic_upgrade_via_dns_rr: bool = False,
    ) -> list[Any]:
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        number = int(port or 0)
        try:
            address = fetching.public_address(name, number)
        except fetching.FetchError as error:
            raise _Refused(error) from None
        found: list[Any] = super().getaddrinfo(address or name, port, family, type, proto, flags)
        return found

    def create_connection(self, *args: Any, **kwargs: Any) -> Any:
        sock = super().create_connection(*args, **kwargs)
        self.deadline.watch(sock)
        return sock


def _capped_body(
    response: niquests.Response | niquests.PreparedRequest, *args: Any, **kwargs: Any
) -> niquests.Response | niquests.PreparedRequest:
    """Read the body here, in chunks, refusing it past ICS_IMPORT_MAX_BYTES (the library would
    read any size)."""
    if not isinstance(response, niquests.Response):
        return response
    limit = settings.ICS_IMPORT_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise _TooBig
    body = bytearray()
    for chunk in response.iter_content(CHUNK):
        body += chunk
        if len(body) > limit:
            response.close()
            raise _TooBig
    response._content = bytes(body)
    response._content_consumed = True
    return response


def _session(deadline: fetching.Deadline) -> niquests.Session:
    session = niquests.Session(resolver=_CheckedResolver(deadline), disable_http3=True)
    session.trust_env = False  # no proxy or .netrc from the environment: the checks are ours
    session.hooks["response"].append(_capped_body)
    return session


def _read_caldav(
    url: str, username: str, password: str, start: datetime.datetime, end: datetime.datetime
) -> icalendar.Calendar:
    if not url.lower().startswith(("https://", "http://")):
        raise CalendarUnreadable(
            "A CalDAV calendar's address starts with https://; a webcal:// or secret iCal "
            "address needs no username or password."
        )
    with _fetch_errors_unreadable():
        url = fetching.check_url(url)
    timeout = settings.ICS_IMPORT_TIMEOUT_SECONDS
    deadline = fetching.Deadline(timeout)
    try:
        with deadline:
            client = DAVClient(
                url=url,
                username=username,
                password=password,
                timeout=timeout,
                enable_rfc6764=False,
            )
            client.session.close()
            client.session = _session(deadline)
            with client:
                calendar = DavCalendar(client=client, url=url)
                _check_is_calendar(calendar)
                found: Any = calendar.search(start=start, end=end, event=True, post_filter=False)
                assert isinstance(found, list), "the sync client answers at once"
                datas = [str(item.data) for item in found]
        if deadline.expired:
            raise TimeoutError
    except _Refused as refused:
        raise CalendarUnreadable(str(refused.error)) from None
    except _TooBig:
        raise CalendarUnreadable(fetching.too_big_message()) from None
    except CalendarUnreadable:
        raise
    except caldav_error.AuthorizationError:
        raise CalendarUnreadable(
            "The server refused the username and password: check them (iCloud and Fastmail "
            "want an app password, not your usual one).",
            field="password",
        ) from None
    except caldav_error.NotFoundError:
        raise CalendarUnreadable(
            "The server has no calendar at this address (404): copy the calendar's CalDAV "
            "address from its settings."
        ) from None
    except Exception as error:  # noqa: BLE001 (the library and its HTTP layer raise many types)
        if deadline.expired or isinstance(error, TimeoutError | niquests.Timeout):
            raise CalendarUnreadable(fetching.too_slow_message(timeout)) from None
        if isinstance(error, caldav_error.DAVError):
            raise CalendarUnreadable(
                "The address is not a CalDAV calendar (the server did not answer a calendar "
                "search): copy the calendar's own CalDAV address, not the server's."
            ) from None
        raise CalendarUnreadable(f"The calendar could not be read: {_reason(error)}.") from None
    return _merged(datas)


CALDAV_CALENDAR = "{urn:ietf:params:xml:ns:caldav}calendar"


def _check_is_calendar(calendar: DavCalendar) -> None:
    """A collection that is not a calendar (an account's root, a folder) answers a search with
    nothing at all: ask what it is first, so a wrong address is said, not read as empty."""
    kinds: Any = None
    try:
        kinds = calendar.get_property(dav.ResourceType(), use_cached=False)
    except (AttributeError, TypeError, ValueError, SyntaxError):  # no WebDAV answer at all
        pass
    if not isinstance(kinds, list) or CALDAV_CALENDAR not in kinds:
        raise CalendarUnreadable(
            "The address is not a calendar (the server says it is a folder or an account): "
            "copy the calendar's own CalDAV address from its settings."
        )


def _reason(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:200]


def _merged(datas: Iterable[str]) -> icalendar.Calendar:
    """One calendar of every object the server sent (each is a VCALENDAR of one UID)."""
    merged = icalendar.Calendar()
    merged.add("VERSION", "2.0")
    merged.add("PRODID", "-//Customer Calendar//reading//EN")
    size = 0
    seen_zones: set[str] = set()
    for data in datas:
        size += len(data.encode())
        if size > settings.ICS_IMPORT_MAX_BYTES:
            raise CalendarUnreadable(fetching.too_big_message())
        one = _parse(data.encode())
        for component in one.subcomponents:
            if component.name == "VTIMEZONE":
                if str(component.get("TZID")) in seen_zones:
                    continue
                seen_zones.add(str(component.get("TZID")))
            if component.name in ("VTIMEZONE", "VEVENT"):
                merged.add_component(component)
    return merged


# Expanding and reading events --------------------------------------------------------------

# Meetings never repeat within a day; such a rule would expand to millions in a window.
SUB_DAILY = frozenset({"SECONDLY", "MINUTELY", "HOURLY"})


def _expand(
    calendar: icalendar.Calendar, start: datetime.datetime, end: datetime.datetime
) -> list[CalendarEvent]:
    for vevent in list(calendar.walk("VEVENT")):
        rule = vevent.get("RRULE")
        rules = rule if isinstance(rule, list) else [rule] if rule else []
        if any(str(r.get("FREQ", [""])[0]).upper() in SUB_DAILY for r in rules):
            calendar.subcomponents.remove(vevent)
        elif len(rules) == 1:
            _fast_forward(vevent, rules[0], start)
    try:
        # A day more on each side: all-day and floating events compare in another zone; the
        # overlap test below keeps exactly the window.
        day = datetime.timedelta(days=1)
        found = recurring_ical_events.of(calendar).between(start - day, end + day)
    except Exception as error:  # noqa: BLE001 (the library raises many types for broken rules)
        raise CalendarUnreadable(f"The calendar's events could not be read: {error}.") from None
    if len(found) > MAX_EVENTS:
        raise CalendarUnreadable(f"The calendar has more than {MAX_EVENTS} events in the window.")
    events: list[CalendarEvent] = []
    for component in found:
        try:
            event = _event(component)
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            log.info("calendar event skipped, unreadable: %s", type(error).__name__)
            continue
        if event.end == event.start:
            inside = start <= event.start < end
        else:
            inside = event.start < end and event.end > start
        if inside:
            events.append(event)
    return sorted(events, key=lambda e: (e.start, e.uid, e.occurrence))


# Periods of a daily or weekly rule before the window that are stepped through as they are.
FAST_FORWARD_AFTER = 400
FREQ_DAYS = {"DAILY": 1, "WEEKLY": 7}


def _fast_forward(vevent: icalendar.Component, rule: Any, start: datetime.datetime) -> None:
    """Move a daily or weekly rule's DTSTART (and DTEND) forward by whole periods to about two
    weeks before the window: the same dates in the window, without stepping through each day
    since the first (a stand-up "daily since 2009" costs seconds to expand otherwise).

    Only without COUNT or BYSETPOS, which count from the first date; EXDATEs, RDATEs, UNTIL
    and moved occurrences name their own dates and are untouched. Whole days keep the local
    time across clock changes; the new DTSTART, an occurrence even if the rule would not give
    it, lies before the window.
    """
    freq = str(rule.get("FREQ", [""])[0]).upper()
    if freq not in FREQ_DAYS or "COUNT" in rule or "BYSETPOS" in rule:
        return
    try:
        interval = max(1, int(rule.get("INTERVAL", [1])[0]))
        first = vevent.decoded("DTSTART")
        period = datetime.timedelta(days=FREQ_DAYS[freq] * interval)
        gap = start - _moment(first) - datetime.timedelta(days=14)
    except (KeyError, TypeError, ValueError):
        return  # the expansion says what is wrong with it
    if gap < period * FAST_FORWARD_AFTER:
        return
    shift = period * (gap // period)
    for name in ("DTSTART", "DTEND"):
        if name in vevent:
            value = vevent.decoded(name)
            del vevent[name]
            vevent.add(name, value + shift)


def _team_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _moment(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """A DATE as the start of that day in the team's zone; a floating time as a team time."""
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=_team_zone())
    return datetime.datetime.combine(value, datetime.time(), tzinfo=_team_zone())


def _key(value: datetime.date | datetime.datetime) -> str:
    if isinstance(value, datetime.datetime):
        return _moment(value).astimezone(datetime.UTC).isoformat()
    return value.isoformat()


def _event(component: icalendar.Event) -> CalendarEvent:
    dtstart = component.decoded("DTSTART")
    all_day = not isinstance(dtstart, datetime.datetime)
    start = _moment(dtstart)
    if "DTEND" in component:
        end = _moment(component.decoded("DTEND"))
    elif "DURATION" in component:
        end = start + component.decoded("DURATION")
    else:
        end = start + datetime.timedelta(days=1) if all_day else start
    end = max(end, start)
    recurrence = component.decoded("RECURRENCE-ID") if "RECURRENCE-ID" in component else dtstart
    location = _text(component, "LOCATION")
    if not location and (apple := component.get("X-APPLE-STRUCTURED-LOCATION")) is not None:
        location = str(apple.params.get("X-TITLE", "")).strip()
    conference = _conference_url(component)
    return CalendarEvent(
        uid=_text(component, "UID") or _content_key(component),
        occurrence=_key(recurrence),
        start=start,
        end=end,
        all_day=all_day,
        summary=_text(component, "SUMMARY"),
        location=_physical(location),
        conference_url=conference,
        private=_text(component, "CLASS").upper() in ("PRIVATE", "CONFIDENTIAL"),
        cancelled=_text(component, "STATUS").upper() == "CANCELLED",
        organizer=_email(component.get("ORGANIZER")),
        attendees=_attendees(component),
    )


def _text(component: icalendar.Component, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def _content_key(component: icalendar.Component) -> str:
    """A UID for an event that has none, from its start and title: the same every read."""
    text = f"{component.get('DTSTART').to_ical().decode()}|{_text(component, 'SUMMARY')}"
    return "no-uid-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _email(value: Any) -> str:
    if value is None:
        return ""
    address = str(value).strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    if "@" not in address and hasattr(value, "params"):
        address = str(value.params.get("EMAIL", ""))
    address = unquote(address).strip().lower()
    return address if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address) else ""


def _attendees(component: icalendar.Component) -> tuple[Attendee, ...]:
    values = component.get("ATTENDEE")
    found: dict[str, Attendee] = {}
    for value in values if isinstance(values, list) else [values] if values else []:
        email = _email(value)
        if not email or email in found:
            continue
        params = value.params
        found[email] = Attendee(
            email=email,
            name=str(params.get("CN", "")).strip().strip('"'),
            partstat=str(params.get("PARTSTAT", "NEEDS-ACTION")).upper(),
            cutype=str(params.get("CUTYPE", "INDIVIDUAL")).upper(),
        )
    return tuple(found.values())


# Conference links ---------------------------------------------------------------------------

CONFERENCE_HOSTS = (
    "teams.microsoft.com",
    "teams.live.com",
    "zoom.us",
    "zoom.com",
    "zoomgov.com",
    "meet.google.com",
    "webex.com",
)
# Where a link is looked for, in this order: the properties made for it first.
CONFERENCE_PROPERTIES = ("CONFERENCE", "X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL")
TEXT_PROPERTIES = ("LOCATION", "URL", "DESCRIPTION")
LINK = re.compile(r"https://[^\s<>\"'()\[\]]+", re.IGNORECASE)
# What Outlook, Google and Zoom write as a LOCATION for a meeting with no room.
VIRTUAL_PLACE = re.compile(
    r"^(microsoft teams( meeting| besprechung|-besprechung| møde)?|teams|zoom( meeting)?|"
    r"google meet|webex( meeting)?|online|online meeting)$",
    re.IGNORECASE,
)


def _is_conference(link: str) -> bool:
    host = (urlsplit(link).hostname or "").lower()
    return any(host == known or host.endswith(f".{known}") for known in CONFERENCE_HOSTS)


def _conference_url(component: icalendar.Component) -> str:
    for name in CONFERENCE_PROPERTIES:
        values = component.get(name)
        for value in values if isinstance(values, list) else [values] if values else []:
            if match := LINK.search(str(value)):
                return match.group(0).rstrip(".,;")
    for name in TEXT_PROPERTIES:
        for found in LINK.finditer(_text(component, name)):
            link = found.group(0).rstrip(".,;>")
            if _is_conference(link):
                return link
    return ""


def _physical(location: str) -> str:
    """The location without links: "" when nothing but a link or a meeting app's name is left."""
    place = LINK.sub("", location)
    place = re.sub(r"\s+", " ", place).strip(" ,;:-|")
    if not place or VIRTUAL_PLACE.match(place):
        return ""
    return place
