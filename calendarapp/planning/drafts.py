"""A plan to check, saved or not: the one shape the check, the finder and the panel read."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
    # What the plan offers (interests), and their names as a finding reads them ("IoT or cloud").
    offer_ids: frozenset[int] = frozenset()
    offer_title: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def has_audience(self) -> bool:
        return bool(self.customer_ids or self.countries or self.interest_ids)

    def audience_queryset(self) -> QuerySet[Customer]:
        return audience_queryset(self.customer_ids, self.countries, self.interest_ids)


def draft_of(data: Mapping[str, Any], plan_id: int | None = None) -> Draft | None:
    """Make a draft of a plan's fields, as a form, the API or a saved plan gives them.

    `customers`, `interests` and `offers` are model instances, `countries` codes. None while
    kind or dates are missing, or the end is before the start: there is nothing to check.
    """
    kind, start, end = data.get("kind"), data.get("start"), data.get("end")
    if not (kind and start and end) or end < start:
        return None
    offers = list(data.get("offers") or ())
    return Draft(
        kind=kind,
        start=start,
        end=end,
        customer_ids=frozenset(customer.pk for customer in data.get("customers") or ()),
        countries=frozenset(data.get("countries") or ()),
        interest_ids=frozenset(interest.pk for interest in data.get("interests") or ()),
        plan_id=plan_id,
        title=data.get("title") or "",
        offer_ids=frozenset(interest.pk for interest in offers),
        offer_title=" or ".join(sorted(interest.name for interest in offers)),
    )


def draft_from_plan(plan: Plan) -> Draft:
    """Describe a saved plan as a draft (uses prefetched customers and interests when there)."""
    fields = {name: getattr(plan, name) for name in ("kind", "title", "start", "end", "countries")}
    audience = {
        "customers": plan.customers.all(),
        "interests": plan.interests.all(),
        "offers": plan.offers.all(),
    }
    draft = draft_of({**fields, **audience}, plan.pk)
    assert draft is not None, "a saved plan has a kind and dates"
    return draft
