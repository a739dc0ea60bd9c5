"""Writes of the calendar app: one service per change, used by pages and the API alike."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from calendarapp.models import Plan
from customers.models import Customer, Interest


def plan_save(
    *,
    plan: Plan | None = None,
    owner,
    kind: str,
    title: str,
    start: datetime.date,
    end: datetime.date,
    customers: Iterable[Customer] = (),
    countries: Iterable[str] = (),
    interests: Iterable[Interest] = (),
    notes: str = "",
) -> Plan:
    """Create a plan, or update `plan`, with its audience; all or nothing.

    Raises ValidationError (naming the field) before anything is written.
    `owner` is only used for a new plan: editing never changes who owns it.
    """
    if plan is None:
        plan = Plan(owner=owner)
    plan.kind = kind
    plan.title = title
    plan.start = start
    plan.end = end
    plan.countries = sorted(set(countries))
    plan.notes = notes
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        plan.customers.set(customers)
        plan.interests.set(interests)
    return plan
