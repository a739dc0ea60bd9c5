"""The streaming serializer's folding and escaping, against icalendar as the reader."""

from __future__ import annotations

import datetime

import icalendar
from hypothesis import given
from hypothesis import strategies as st

from calendarapp.feeds import ical
from calendarapp.occurrences.sources import traditions
from calendarapp.occurrences.value import Occurrence

STAMP = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


class Plain:
    """A presenter with fixed answers."""

    def summary(self, occurrence: Occurrence) -> str:
        return occurrence.title

    def url(self, occurrence: Occurrence) -> str:
        return "https://example.com/customers/1"

    def stamp(self, occurrence: Occurrence) -> datetime.datetime:
        return STAMP

    def transparent(self, occurrence: Occurrence) -> bool:
        return True

    def fingerprint(self, occurrence: Occurrence) -> tuple:
        return (occurrence.source_id, occurrence.title, occurrence.lead_time_days)


def occurrence(title: str, lead: int = 0, **fields) -> Occurrence:
    values = dict(
        id="tradition-1-2026-03-02",
        start=datetime.date(2026, 3, 2),
        end=datetime.date(2026, 3, 4),
        kind="busy_season",
        title=title,
        source=traditions.NAME,
        lead_time_days=lead,
        source_id=1,
    )
    return Occurrence(**(values | fields))


@given(st.text())
def test_folded_lines_are_short_whole_utf8_and_unfold_to_the_original(text):
    folded = ical.fold("SUMMARY:" + text.replace("\r", "").replace("\n", ""))
    assert folded.endswith(b"\r\n")
    physical = folded[:-2].split(b"\r\n")
    for line in physical:
        assert len(line) <= 75
        line.decode()
    assert all(line.startswith(b" ") for line in physical[1:])
    assert folded[:-2].replace(b"\r\n ", b"").decode() == "SUMMARY:" + text.replace(
        "\r", ""
    ).replace("\n", "")


@given(st.text(min_size=1))
def test_icalendar_reads_back_any_escaped_summary(title):
    writer = ical.EventWriter(Plain(), host="example.com")
    body = ical.calendar_bytes("Test", "Test", [writer.write(occurrence(title, lead=3))])
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    expected = title.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(c for c in expected if c in "\t\n" or not (ord(c) < 32 or c == "\x7f"))
    assert str(event["SUMMARY"]) == expected


def test_escaping_follows_rfc_5545():
    assert ical.escape_text("a,b;c\\d\ne\r\nf\x07") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert ical.escape_text("plain text") == "plain text"


def test_a_three_byte_character_at_the_fold_moves_to_the_next_line():
    line = "X" * 74 + "€"  # the euro sign's three octets would straddle octet 75
    folded = ical.fold(line)
    assert folded == ("X" * 74).encode() + b"\r\n " + "€".encode() + b"\r\n"


def test_event_shape_all_day_with_the_day_after_as_dtend():
    writer = ical.EventWriter(Plain(), host="example.com")
    text = writer.write(occurrence("Season", lead=10)).decode()
    assert "UID:tradition-1-2026-03-02@example.com\r\n" in text
    assert "DTSTART;VALUE=DATE:20260302\r\nDTEND;VALUE=DATE:20260305\r\n" in text
    assert "DTSTAMP:20260102T030405Z\r\n" in text and "LAST-MODIFIED:20260102T030405Z\r\n" in text
    assert "DESCRIPTION:Act by 2026-02-20 (10 days ahead).\\nSeason\\n" in text


def test_occurrences_of_one_row_share_lines_but_keep_their_own_dates():
    writer = ical.EventWriter(Plain(), host="example.com")
    first = writer.write(occurrence("Season", lead=10))
    second = writer.write(
        occurrence(
            "Season",
            lead=10,
            id="tradition-1-2027-03-01",
            start=datetime.date(2027, 3, 1),
            end=datetime.date(2027, 3, 3),
        )
    )
    assert b"Act by 2027-02-19" in second and b"Act by 2026-02-20" in first
    assert b"DTSTART;VALUE=DATE:20270301" in second


def test_a_long_host_folds_the_uid():
    writer = ical.EventWriter(Plain(), host="h" * 80 + ".example.com")
    body = ical.calendar_bytes("T", "T", [writer.write(occurrence("Season"))])
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["UID"]) == "tradition-1-2026-03-02@" + "h" * 80 + ".example.com"
    assert max(len(line) for line in body.split(b"\r\n")) <= 75


def test_rows_are_remembered_across_builds_one_entry_per_source_row():
    memo = ical.RowMemo()
    first = ical.EventWriter(Plain(), host="example.com", memo=memo)
    first.write(occurrence("Season"))
    first.done()
    assert len(memo.rows) == 1
    again = ical.EventWriter(Plain(), host="example.com", memo=memo)
    assert again.write(occurrence("Season")) == first.write(occurrence("Season"))
    renamed = ical.EventWriter(Plain(), host="example.com", memo=memo)
    assert b"SUMMARY:Renamed season" in renamed.write(occurrence("Renamed season"))
    assert len(memo.rows) == 1  # the edit replaced the row's rendering


def test_rows_that_left_the_data_are_forgotten_when_they_outnumber_the_live_ones():
    memo = ical.RowMemo()
    for pk in range(1, 4):  # three builds, each of another single row
        writer = ical.EventWriter(Plain(), host="example.com", memo=memo)
        writer.write(occurrence("Season", id=f"tradition-{pk}-2026-03-02", source_id=pk))
        writer.done()
    assert list(memo.rows) == [("tradition", 3, "")]
