"""Our plans, each with the customers it reaches among those in scope.

A cancelled plan is not an occurrence: it leaves the timeline, the conflict check and the feeds.
"""

from __future__ import annotations

from collections import defaultdict

from calendarapp.models import Plan, PlanKind, PlanStatus
from calendarapp.occurrences.audience import Audience
from calendarapp.occurrences.scope import OccurrenceSource, Scope, fetch_rows
from calendarapp.occurrences.value import Occurrence
from customers.models import Interest

NAME = "plan"


def load(scope: Scope) -> list[Occurrence]:
    if not (scope.include_plans and scope.customers):
        return []
    audience = Audience(scope.customers)
    plans = Plan.objects.filter(start__lte=scope.end, end__gte=scope.start).exclude(
        status=PlanStatus.CANCELLED
    )
    # Plain integer pairs: read without Django's row iterator (`fetch_rows`).
    plan_customers: dict[int, list[int]] = defaultdict(list)
    for plan_id, customer_id in fetch_rows(
        Plan.customers.through.objects.filter(plan__in=plans.values("id")).values_list(
            "plan_id", "customer_id"
        )
    ):
        plan_customers[plan_id].append(customer_id)
    plan_interests: dict[int, list[int]] = defaultdict(list)
    for plan_id, interest_id in fetch_rows(
        Plan.interests.through.objects.filter(plan__in=plans.values("id")).values_list(
            "plan_id", "interest_id"
        )
    ):
        plan_interests[plan_id].append(interest_id)
    found = []
    for pk, kind, title, first, last, countries, updated in plans.values_list(
        "id", "kind", "title", "start", "end", "countries", "updated_at"
    ):
        reached = audience.resolve(plan_customers[pk], countries or (), plan_interests[pk])
        if reached:
            found.append(
                Occurrence(
                    id=f"plan-{pk}",
                    start=first,
                    end=last,
                    kind=kind,
                    title=title,
                    source=NAME,
                    source_id=pk,
                    audience=reached,
                    modified=updated,
                )
            )
    return found


SOURCE = OccurrenceSource(
    name=NAME,
    prefix="plan",
    kinds=frozenset(PlanKind.values),
    # Interests and the customers' own interests decide whom a plan reaches.
    models=(Plan, Plan.customers.through, Plan.interests.through, Interest),
    load=load,
)
