"""Calendar files for the import tests: a builder and the events they share."""

from __future__ import annotations


def ics(*events: str) -> bytes:
    """A calendar file holding one VEVENT per item of `events` (its lines, CRLF-separated)."""
    body = "".join(f"BEGIN:VEVENT\r\n{event.strip()}\r\nEND:VEVENT\r\n" for event in events)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n"
    ).encode()


SUMMIT = "UID:summit\r\nDTSTART;VALUE=DATE:20261102\r\nDTEND;VALUE=DATE:20261104\r\nSUMMARY:Summit"
PICNIC = "UID:picnic\r\nDTSTART;VALUE=DATE:20260801\r\nSUMMARY:Picnic\\, with families"
MOVED_SUMMIT = (
    "UID:summit\r\nDTSTART;VALUE=DATE:20261109\r\nDTEND;VALUE=DATE:20261110\r\nSUMMARY:Summit"
)
NEW_YEAR = "UID:ny\r\nDTSTART;VALUE=DATE:20270104\r\nSUMMARY:New year kick-off"
