"""Writes of the calendar app: one service per change, used by pages and the API alike."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from calendarapp.models import Plan, PlanStatus
from customers.models import Customer, Interest

NO_AUDIENCE = "Choose an audience: customers, whole countries or interests."


def audience_error(
    customers: Iterable[Customer], countries: Iterable[str], interests: Iterable[Interest]
) -> str:
    """The rule that a plan reaches someone, asked by `plan_save`, the planner and the admin."""
    return "" if any(customers) or any(countries) or any(interests) else NO_AUDIENCE


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
    offers: Iterable[Interest] = (),
    notes: str = "",
    status: str = PlanStatus.DRAFT,
) -> Plan:
    """Create a plan, or update `plan`, with its audience; all or nothing.

    Raises ValidationError (naming the field) before anything is written.
    `owner` is only used for a new plan: editing never changes who owns it.
    """
    customers, countries, interests = list(customers), list(countries), list(interests)
    if error := audience_error(customers, countries, interests):
        raise ValidationError({"customers": error})
    if plan is None:
        plan = Plan(owner=owner)
    plan.kind = kind
    plan.title = title
    plan.start = start
    plan.end = end
    plan.countries = sorted(set(countries))
    plan.notes = notes
    plan.status = status
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        plan.customers.set(customers)
        plan.interests.set(interests)
        plan.offers.set(offers)
    return plan


def plan_delete(*, plan: Plan) -> None:
    """Delete a plan with its audience and its conflict snapshots."""
    with transaction.atomic():
        plan.delete()


def plan_duplicate(*, plan: Plan, owner) -> Plan:
    """Copy a plan as a new draft owned by `owner`, titled "Copy of …", with the same audience.

    The copy keeps the dates, so the planner shows at once whether they still suit.
    """
    return plan_save(
        owner=owner,
        kind=plan.kind,
        title=f"Copy of {plan.title}"[: Plan._meta.get_field("title").max_length],
        start=plan.start,
        end=plan.end,
        customers=plan.customers.all(),
        countries=plan.countries,
        interests=plan.interests.all(),
        offers=plan.offers.all(),
        notes=plan.notes,
        status=PlanStatus.DRAFT,
    )
