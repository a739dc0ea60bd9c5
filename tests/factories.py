"""Small builders for test data, with defaults that pass validation."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import recurrence
from django.contrib.auth.models import Group, User

from calendarapp.models import (
    BookedMeeting,
    CalendarConnection,
    CalendarMeeting,
    MeetingAttendee,
    Plan,
)
from calendarapp.planning.services import plan_save
from customers.interests import customer_interest_save
from customers.models import Contract, Customer, CustomerInterest, Interest, Touchpoint
from traditions.models import Tradition

PASSWORD = "pw-for-tests-only"


def user(username: str, group: str | None = None, **fields) -> User:
    """A user who logs in with PASSWORD, in `group` (one of the roles) if given."""
    obj = User.objects.create_user(username=username, password=PASSWORD, **fields)
    if group:
        obj.groups.add(Group.objects.get(name=group))
    return obj


def customer(name: str = "Acme A/S", country: str = "DK", **fields) -> Customer:
    obj = Customer(name=name, country=country, **fields)
    obj.full_clean()
    obj.save()
    return obj


def tradition(
    *,
    title: str = "Busy season",
    kind: str = "busy_season",
    start: datetime.date,
    end: datetime.date | None = None,
    rule: str = "",
    **fields,
) -> Tradition:
    obj = Tradition(
        title=title,
        kind=kind,
        start=start,
        end=end or start,
        recurrence=recurrence.deserialize(rule) if rule else None,
        **fields,
    )
    obj.full_clean()
    obj.save()
    return obj


def contract(customer: Customer, end_date: datetime.date, **fields) -> Contract:
    obj = Contract(
        customer=customer, name=fields.pop("name", "Licence"), end_date=end_date, **fields
    )
    obj.full_clean()
    obj.save()
    return obj


def danish_autumn_school_holiday() -> Tradition:
    """The local tradition the demo and many tests rely on: Denmark's ISO week 42, Mon-Fri."""
    return tradition(
        title="Autumn school holiday",
        kind="vacation",
        country="DK",
        start=datetime.date(2024, 10, 14),
        end=datetime.date(2024, 10, 18),
        rule="RRULE:FREQ=YEARLY;BYWEEKNO=42;BYDAY=MO",
    )


def plan(
    *,
    owner: User,
    start: datetime.date,
    end: datetime.date | None = None,
    kind: str = "event",
    title: str = "Roadshow",
    customers: Iterable[Customer] = (),
    countries: Iterable[str] = (),
    interests: Iterable[Interest] = (),
    offers: Iterable[Interest] = (),
    status: str = "draft",
) -> Plan:
    """A plan saved as the planner saves it, through `plan_save`; one day unless `end` is given."""
    return plan_save(
        owner=owner,
        kind=kind,
        title=title,
        start=start,
        end=end or start,
        customers=customers,
        countries=countries,
        interests=interests,
        offers=offers,
        status=status,
    )


def interest(customer: Customer, name: str, **fields) -> CustomerInterest:
    """Evidence that `customer` cares about `name`, noted through `customer_interest_save`."""
    return customer_interest_save(customer=customer, interest=name, **fields)


def connection(owner: User, name: str = "Work", **fields) -> CalendarConnection:
    """One of `owner`'s calendars (a secret iCal address)."""
    fields.setdefault("url", "https://calendar.example.com/ical/secret-0001/basic.ics")
    return CalendarConnection.objects.create(owner=owner, name=name, **fields)


def calendar_meeting(
    customer: Customer,
    start: datetime.datetime,
    *attendees: tuple[str, str],
    uid: str = "",
    touchpoint: Touchpoint | None = None,
) -> CalendarMeeting:
    """A meeting a sync logged for `customer`, with its external attendees (email, name)."""
    meeting = CalendarMeeting.objects.create(
        uid=uid or f"meeting-{customer.pk}-{start.isoformat()}@example.com",
        occurrence=start.isoformat(),
        customer=customer,
        touchpoint=touchpoint,
        start=start,
        summary="Meeting",
        synced_at=start,
    )
    MeetingAttendee.objects.bulk_create(
        MeetingAttendee(meeting=meeting, email=email, name=name) for email, name in attendees
    )
    return meeting


def booked_meeting(
    customer: Customer, start: datetime.datetime, summary: str = "Review", **fields
) -> BookedMeeting:
    """A future meeting with `customer` in a calendar."""
    fields.setdefault("end", start + datetime.timedelta(hours=1))
    fields.setdefault("channel", "video")
    return BookedMeeting.objects.create(
        uid=f"booked-{customer.pk}-{start.isoformat()}@example.com",
        occurrence=start.isoformat(),
        customer=customer,
        start=start,
        summary=summary,
        **fields,
    )
