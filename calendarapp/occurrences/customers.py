"""What the calendar needs of a customer, loaded as plain values in two queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from customers.models import Customer, CustomerInterest, current_interest_evidence
from traditions.models import Tradition, TraditionKind

NO_INTERESTS: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class CustomerRef:
    """A customer as the stream sees it, without a model instance."""

    id: int
    name: str
    country: str
    subdivision: str
    owner_id: int | None
    budget_close_month: int
    # A budget-close tradition of the customer's own says it better than the month.
    has_own_budget_close: bool = False
    # The strategy season: from this many weeks before the budget close to that many.
    strategy_weeks_before_start: int = 10
    strategy_weeks_before_end: int = 4
    # Interests with current evidence (not stale, not ended): whom "interested in" reaches.
    interest_ids: frozenset[int] = frozenset()


def load_customers(queryset: QuerySet[Customer] | None = None) -> list[CustomerRef]:
    """Load customers (all active ones by default) with their current interests, in two queries."""
    if queryset is None:
        queryset = Customer.objects.filter(active=True)
    interests: dict[int, set[int]] = {}
    through = CustomerInterest.objects.filter(
        current_interest_evidence(timezone.localdate()), customer__in=queryset.values("id")
    )
    for customer_id, interest_id in through.order_by().values_list("customer_id", "interest_id"):
        interests.setdefault(customer_id, set()).add(interest_id)
    # Whether the customer has its own budget close is a fact of the customer, not of a
    # window: deciding it from the window's occurrences gave a split window two closes.
    own_budget_close = Tradition.objects.filter(
        customer=OuterRef("pk"), kind=TraditionKind.BUDGET_CLOSE
    )
    rows = (
        queryset.order_by("name", "id")
        .annotate(has_own_budget_close=Exists(own_budget_close))
        .values_list(
            "id",
            "name",
            "country",
            "subdivision",
            "owner_id",
            "budget_close_month",
            "has_own_budget_close",
            "strategy_weeks_before_start",
            "strategy_weeks_before_end",
        )
    )
    # Positional, the interests last: keyword arguments cost measurably at thousands a call.
    return [
        CustomerRef(*row, frozenset(interests[row[0]]) if row[0] in interests else NO_INTERESTS)
        for row in rows
    ]
