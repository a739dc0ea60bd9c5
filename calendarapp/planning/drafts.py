from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from calendarapp.models import Plan
from calendarapp.occurrences.audience import audience_queryset
from customers.models import Customer


@dataclass(frozen=True)
class Draft:
    """A plan to check, saved or not: what, when, and whom it reaches."""

    kind: str
    start: datetime.date
    end: datetime.date
    customer_ids: frozenset[int] = frozenset()
    countries: frozenset[str] = frozenset()
    interest_ids: frozenset[int] = frozenset()
    plan_id: int | None = None
    title: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def audience_queryset(self) -> QuerySet[Customer]:
        return audience_queryset(self.customer_ids, self.countries, self.interest_ids)


def draft_from_plan(plan: Plan) -> Draft:
    """Describe a saved plan as a draft (uses prefetched customers and interests when there)."""
    return Draft(
        kind=plan.kind,
        start=plan.start,
        end=plan.end,
        customer_ids=frozenset(customer.pk for customer in plan.customers.all()),
        countries=frozenset(plan.countries or ()),
        interest_ids=frozenset(interest.pk for interest in plan.interests.all()),
        plan_id=plan.pk,
        title=plan.title,
    )


def draft_from_form(data: dict, plan_id: int | None = None) -> Draft | None:
    """Make a draft of a form's cleaned data; None while kind, dates or audience are missing."""
    kind, start, end = data.get("kind"), data.get("start"), data.get("end")
    customers = data.get("customers") or []
    countries = data.get("countries") or []
    interests = data.get("interests") or []
    if not (kind and start and end) or end < start or not (customers or countries or interests):
        return None
    return Draft(
        kind=kind,
        start=start,
        end=end,
        customer_ids=frozenset(customer.pk for customer in customers),
        countries=frozenset(countries),
        interest_ids=frozenset(interest.pk for interest in interests),
        plan_id=plan_id,
        title=data.get("title") or "",
    )
