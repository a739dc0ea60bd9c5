"""Calendar events as `events_between` gives them, built directly for the sync's tests."""

from __future__ import annotations

import datetime

from calendarapp.connections.reading import Attendee, CalendarEvent


def attendee(
    email: str, name: str = "", *, partstat: str = "ACCEPTED", cutype: str = "INDIVIDUAL"
) -> Attendee:
    return Attendee(email=email.lower(), name=name, partstat=partstat, cutype=cutype)


def event(
    uid: str = "meeting-1@example.com",
    *,
    start: datetime.datetime = datetime.datetime(2026, 6, 10, 8, 0, tzinfo=datetime.UTC),
    hours: float = 1,
    attendees: tuple[str | Attendee, ...] = ("sam@example.com", "jens@aarhus.dk"),
    occurrence: str | None = None,
    summary: str = "Quarterly review",
    location: str = "",
    conference_url: str = "",
    private: bool = False,
    cancelled: bool = False,
    organizer: str = "",
) -> CalendarEvent:
    """A one-hour meeting on Wednesday 10 June 2026 with Sam and Jens of Aarhus A/S."""
    return CalendarEvent(
        uid=uid,
        # As reading gives it: the RECURRENCE-ID of an occurrence of a series, else the start.
        occurrence=start.astimezone(datetime.UTC).isoformat() if occurrence is None else occurrence,
        start=start,
        end=start + datetime.timedelta(hours=hours),
        all_day=False,
        summary=summary,
        location=location,
        conference_url=conference_url,
        private=private,
        cancelled=cancelled,
        organizer=organizer,
        attendees=tuple(a if isinstance(a, Attendee) else attendee(a) for a in attendees),
    )
