"""A streaming serializer of occurrences to RFC 5545 bytes.

icalendar's object API needs about ten seconds for the "all customers" feed,
so feeds are written here line by line: each VEVENT is a handful of
f-strings, and the part that is the same for every occurrence of one source
row (summary, stamps, link) is rendered once per row. The tests hold the
output against icalendar's, the `ical` package's and ical.js's parsers.

Every item is all-day (`VALUE=DATE`, DTEND the day after the last day), so
no time is ever floating and no VTIMEZONE is needed; a calendar with no
events carries a UTC VTIMEZONE so that it still has one component, as
RFC 5545 requires.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Hashable, Iterable, Iterator
from typing import Protocol

from calendarapp.kinds import kind_of
from calendarapp.lib.dates import ONE_DAY
from calendarapp.occurrences.value import Occurrence

CRLF = b"\r\n"
MAX_OCTETS = 75
REFRESH = "PT6H"
PRODID = "-//Customer Calendar//Feeds 1.0//EN"
# SEQUENCE counts seconds since this moment, so it grows with every change of the source row.
SEQUENCE_EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)

# TEXT escaping (RFC 5545 3.3.11); other control characters are not allowed in TEXT at all.
_NEEDS_ESCAPE = re.compile(r"[\\;,\x00-\x1f\x7f]")
_FORBIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

EMPTY_CALENDAR_COMPONENT = (
    "BEGIN:VTIMEZONE",
    "TZID:UTC",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0000",
    "TZNAME:UTC",
    "END:STANDARD",
    "END:VTIMEZONE",
)


class Presenter(Protocol):
    """What a feed knows about its items that an occurrence alone does not."""

    def summary(self, occurrence: Occurrence) -> str: ...

    def url(self, occurrence: Occurrence) -> str: ...

    def stamp(self, occurrence: Occurrence) -> datetime.datetime:
        """The UTC moment of the source's last change (fixed for generated items)."""
        ...

    def transparent(self, occurrence: Occurrence) -> bool: ...

    def fingerprint(self, occurrence: Occurrence) -> Hashable:
        """Everything the four answers above depend on, to reuse a row's lines across builds."""
        ...


CALENDAR_TAIL = b"END:VCALENDAR\r\n"

Row = tuple[bytes, bytes, bool]
# A feed is written out in parts of about this size, so no build holds a whole body.
PART_BYTES = 4 * 1024 * 1024


class RowMemo:
    """Rendered rows kept across builds, so that after an edit only the changed rows are rendered.

    One entry per source row, holding its latest rendering and the presenter
    fingerprint it was rendered for: an edit replaces the row's entry rather
    than adding one, so the memo is as large as the data, whatever its size.
    Rows that left the data (deleted, out of every window) are dropped when
    the memo holds more than twice the rows of the largest build so far.
    """

    def __init__(self) -> None:
        self.rows: dict[Hashable, tuple[Hashable, Row]] = {}
        self.largest_build = 0

    def get(self, key: Hashable, fingerprint: Hashable) -> Row | None:
        entry = self.rows.get(key)
        return entry[1] if entry is not None and entry[0] == fingerprint else None

    def put(self, key: Hashable, fingerprint: Hashable, row: Row) -> None:
        self.rows[key] = (fingerprint, row)

    def build_done(self, used: Iterable[Hashable]) -> None:
        """Note the rows one build used; forget the others if too many have gathered."""
        used = list(used)
        self.largest_build = max(self.largest_build, len(used))
        if len(self.rows) > 2 * self.largest_build:
            self.rows = {key: self.rows[key] for key in used if key in self.rows}

    def clear(self) -> None:
        self.rows = {}
        self.largest_build = 0


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma, newline; drop other control characters."""
    if not _NEEDS_ESCAPE.search(value):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _FORBIDDEN_CONTROLS.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> bytes:
    """Encode one content line, folded at 75 octets without splitting a UTF-8 character."""
    data = line.encode()
    if len(data) <= MAX_OCTETS:
        return data + CRLF
    parts = []
    start, limit = 0, MAX_OCTETS
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: step back to the lead byte
            cut -= 1
        parts.append(data[start:cut])
        # A continuation line starts with one space, which counts towards its 75 octets.
        start, limit = cut, MAX_OCTETS - 1
    parts.append(data[start:])
    return b"\r\n ".join(parts) + CRLF


def utc_stamp(moment: datetime.datetime) -> str:
    """Format a moment as a UTC DATE-TIME ("20260102T030405Z")."""
    if moment.tzinfo is not datetime.UTC:
        moment = moment.astimezone(datetime.UTC)
    text = moment.isoformat()  # "2026-01-02T03:04:05.123456+00:00"
    return f"{text[0:4]}{text[5:7]}{text[8:10]}T{text[11:13]}{text[14:16]}{text[17:19]}Z"


def sequence(moment: datetime.datetime) -> int:
    return max(0, int((moment - SEQUENCE_EPOCH).total_seconds()))


ACT_BY_PREFIX = "DESCRIPTION:Act by "
DATE_PLACEHOLDER = "0000-00-00"


class EventWriter:
    """Render occurrences as VEVENTs with UIDs like `tradition-42-2027-10-11@host`.

    Everything but the UID, the dates and the act-by day is the same for all
    occurrences of one source row, so it is rendered and folded once per row;
    the act-by day sits at a fixed offset in the first line of DESCRIPTION, so
    it never moves a fold.
    """

    def __init__(self, presenter: Presenter, *, host: str, memo: RowMemo | None = None):
        self.presenter = presenter
        self.memo = memo if memo is not None else RowMemo()
        self.uid_suffix = f"@{host}"
        self.uid_tail = f"{self.uid_suffix}\r\n".encode()
        # Longest ASCII id that fits on one line with "UID:" and the host (else it is folded).
        self.uid_room = MAX_OCTETS - len("UID:") - len(self.uid_tail.rstrip())
        self._rows: dict[Hashable, Row] = {}
        self._iso_days: dict[datetime.date, bytes] = {}
        self._compact_days: dict[datetime.date, bytes] = {}

    def _remembered_row(self, key: Hashable, occurrence: Occurrence) -> Row:
        fingerprint = self.presenter.fingerprint(occurrence)
        row = self.memo.get(key, fingerprint)
        if row is None:
            row = self._row(occurrence)
            self.memo.put(key, fingerprint, row)
        return row

    def done(self) -> None:
        """Tell the memo which rows this writer used (call once all is written)."""
        self.memo.build_done(self._rows)

    def _row(self, occurrence: Occurrence) -> Row:
        """Return the lines before the act-by day, those after it, and whether it has one."""
        presenter = self.presenter
        stamp = presenter.stamp(occurrence)
        url = presenter.url(occurrence)
        utc = utc_stamp(stamp)
        # Stamps, numbers and keywords are short ASCII: only the free text can need folding.
        lines = (
            f"DTSTAMP:{utc}\r\nSEQUENCE:{sequence(stamp)}\r\nLAST-MODIFIED:{utc}\r\n".encode()
            + fold(f"SUMMARY:{escape_text(presenter.summary(occurrence))}")
            + fold(f"CATEGORIES:{escape_text(occurrence.kind)}")
            + (
                b"TRANSP:TRANSPARENT\r\n"
                if presenter.transparent(occurrence)
                else b"TRANSP:OPAQUE\r\n"
            )
            + fold(f"URL:{url}")
        )
        # The kind's prompt (the strategy season's open question) follows the title.
        about = occurrence.title
        if prompt := kind_of(occurrence.kind).prompt:
            about += f"\n“{prompt}”"
        rest = f"\\n{escape_text(about)}\\nOpen in Customer Calendar: {escape_text(url)}"
        if occurrence.lead_time_days <= 0:
            return lines + fold(f"DESCRIPTION:No lead time.{rest}") + b"END:VEVENT\r\n", b"", False
        days = f" ({occurrence.lead_time_days} days ahead)."
        folded = fold(f"{ACT_BY_PREFIX}{DATE_PLACEHOLDER}{escape_text(days)}{rest}")
        cut = len(ACT_BY_PREFIX)  # within the first 75 octets, so the placeholder is never folded
        head, tail = folded[:cut], folded[cut + len(DATE_PLACEHOLDER) :]
        return lines + head, tail + b"END:VEVENT\r\n", True

    def _iso(self, day: datetime.date) -> bytes:
        text = self._iso_days.get(day)
        if text is None:
            text = self._iso_days[day] = day.isoformat().encode()
        return text

    def _compact(self, day: datetime.date) -> bytes:
        text = self._compact_days.get(day)
        if text is None:
            text = self._compact_days[day] = self._iso(day).replace(b"-", b"")
        return text

    def write(self, occurrence: Occurrence) -> bytes:
        # Occurrences of one source row share these lines; generated items (holidays) have no row.
        key = (
            (occurrence.source, occurrence.source_id, occurrence.phase)
            if occurrence.source_id is not None
            else occurrence.id
        )
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = self._remembered_row(key, occurrence)
        head, tail, act_by = row
        long_uid = len(occurrence.id) > self.uid_room
        return b"".join(
            (
                b"BEGIN:VEVENT\r\n",
                fold(f"UID:{occurrence.id}{self.uid_suffix}") if long_uid else b"UID:",
                b"" if long_uid else occurrence.id.encode(),
                b"" if long_uid else self.uid_tail,
                b"DTSTART;VALUE=DATE:",
                self._compact(occurrence.start),
                b"\r\nDTEND;VALUE=DATE:",
                self._compact(occurrence.end + ONE_DAY),
                b"\r\n",
                head,
                self._iso(occurrence.act_by) if act_by else b"",
                tail,
            )
        )


def calendar_bytes(name: str, description: str, events: Iterable[bytes]) -> bytes:
    """Wrap rendered VEVENTs in a VCALENDAR whose NAME equals its X-WR-CALNAME."""
    return b"".join(calendar_parts(name, description, events))


def calendar_head(name: str, description: str, *, with_timezone: bool = False) -> bytes:
    """A VCALENDAR's opening lines, its NAME equal to its X-WR-CALNAME."""
    name_text = escape_text(name)
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{name_text}",
        f"X-WR-CALNAME:{name_text}",
        f"DESCRIPTION:{escape_text(description)}",
        f"X-WR-CALDESC:{escape_text(description)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
        *(EMPTY_CALENDAR_COMPONENT if with_timezone else ()),
    ]
    return b"".join(fold(line) for line in head)


def calendar_parts(name: str, description: str, events: Iterable[bytes]) -> Iterator[bytes]:
    """The VCALENDAR of `calendar_bytes` in parts of about `PART_BYTES`, written as read."""
    part_bytes = PART_BYTES
    part = [calendar_head(name, description)]
    size, empty = 0, True
    for event in events:
        part.append(event)
        size += len(event)
        empty = False
        if size >= part_bytes:
            yield b"".join(part)
            part, size = [], 0
    if empty:
        part.extend(fold(line) for line in EMPTY_CALENDAR_COMPONENT)
    part.append(CALENDAR_TAIL)
    yield b"".join(part)
