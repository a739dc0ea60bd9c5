"""Small builders for test data, with defaults that pass validation."""

from __future__ import annotations

import datetime

import recurrence

from customers.models import Contract, Customer
from traditions.models import Tradition


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
    obj = Contract(customer=customer, name=fields.pop("name", "Licence"), end_date=end_date, **fields)
    obj.full_clean()
    obj.save()
    return obj
