"""The last day of each customer's budget-close month, every year, unless it has its own."""

from __future__ import annotations

import datetime

from django.conf import settings

from calendarapp.lib import dates
from calendarapp.occurrences.scope import OccurrenceSource, Scope
from calendarapp.occurrences.value import Occurrence
from customers.models import Customer
from traditions.models import Tradition, TraditionKind

NAME = "budget"


def load(scope: Scope) -> list[Occurrence]:
    found = []
    lead = settings.BUDGET_CLOSE_LEAD_DAYS
    customers = [customer for customer in scope.customers if not customer.has_own_budget_close]
    for year in range(scope.start.year, scope.end.year + 1):
        for customer in customers:
            month = customer.budget_close_month
            day = datetime.date(year, month, dates.days_in_month(year, month))
            if scope.start <= day <= scope.end:
                found.append(
                    Occurrence(
                        id=f"budget-{customer.id}-{year}",
                        start=day,
                        end=day,
                        kind=TraditionKind.BUDGET_CLOSE,
                        title="Budget closes",
                        source=NAME,
                        customer_id=customer.id,
                        lead_time_days=lead,
                        source_id=customer.id,
                    )
                )
    return found


SOURCE = OccurrenceSource(
    name=NAME,
    prefix="budget",
    kinds=frozenset({TraditionKind.BUDGET_CLOSE}),
    # The month is the customer's; a budget-close tradition of its own replaces it.
    models=(Customer, Tradition),
    load=load,
)
