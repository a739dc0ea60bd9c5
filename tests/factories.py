"""Small builders for test data, with defaults that pass validation."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import recurrence
from django.contrib.auth.models import Group, User

from calendarapp.models import Plan
from calendarapp.planning.services import plan_save
from customers.interests import customer_interest_save
from customers.models import Contract, Customer, CustomerInterest, Interest
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
