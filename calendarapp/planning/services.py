"""Writes of the calendar app: one service per change, used by pages and the API alike."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from calendarapp.lib.writes import deleted, locked, retried_once, save_changes, stored_values
from calendarapp.models import Plan, PlanStatus
from customers.models import Customer, Interest

NO_AUDIENCE = "Choose an audience: customers, whole countries or interests."


def audience_error(
    customers: Iterable[Customer], countries: Iterable[str], interests: Iterable[Interest]
) -> str:
    """The rule that a plan reaches someone, asked by `plan_save`, the planner and the admin."""
    return "" if any(customers) or any(countries) or any(interests) else NO_AUDIENCE


# What `plan_save` takes besides the plan and its owner; the audience is its three m2m lists.
PLAN_FIELDS = ("kind", "title", "start", "end", "countries", "notes", "status")
AUDIENCE_FIELDS = ("customers", "interests", "offers")


@retried_once("plan")
def plan_save(*, plan: Plan | None = None, owner: Any, **fields: Any) -> Plan:
    """Create a plan, or change the fields given of `plan` (the rest stays as stored), with its
    audience (`customers`, `countries`, `interests`; `offers`); all or nothing.

    Raises ValidationError (naming the field) before anything is written, RecordGone if the plan
    was deleted. `owner` is only used for a new plan: editing never changes who owns it.
    """
    if unknown := sorted(set(fields) - {*PLAN_FIELDS, *AUDIENCE_FIELDS}):
        raise TypeError(f"plan_save() got unknown fields: {unknown}")
    related = {name: list(fields.pop(name)) for name in AUDIENCE_FIELDS if name in fields}
    if "countries" in fields:
        fields["countries"] = sorted(set(fields["countries"]))
    with transaction.atomic():
        row = Plan(owner=owner) if plan is None else locked(plan)
        before = stored_values(row)
        for name, value in fields.items():
            setattr(row, name, value)
        stored = {} if row.pk is None else {n: list(getattr(row, n).all()) for n in AUDIENCE_FIELDS}
        audience = {**stored, **related}
        if error := audience_error(
            audience.get("customers", []), row.countries, audience.get("interests", [])
        ):
            raise ValidationError({"customers": error})
        row.full_clean()
        save_changes(row, before)
        for name, values in related.items():
            getattr(row, name).set(values)
    return row


@retried_once("plan")
def plan_delete(*, plan: Plan) -> None:
    """Delete a plan with its audience and its conflict snapshots."""
    deleted(plan)


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
