"""Each customer's decision steps (kind `decision_step`): one-off, or expanded from their rule.

A one-off step is one occurrence `step-<id>`; a repeating step (the committee
meets monthly on the second Tuesday) is one occurrence per meeting in the
window, `step-<id>-<YYYY-MM-DD>`, from its date or, without one, from the day
it repeats from.
"""

from __future__ import annotations

from django.db.models import Q

from calendarapp.kinds import DECISION_STEP
from calendarapp.lib import dates
from calendarapp.occurrences.scope import OccurrenceSource, Scope
from calendarapp.occurrences.value import Occurrence
from customers.models import Contract, DecisionStep

NAME = "decision_step"
# The phase of a step already taken.
DONE = "done"


def load(scope: Scope) -> list[Occurrence]:
    if not scope.customers or not scope.wants({DECISION_STEP}):
        return []
    steps = (
        DecisionStep.objects.filter(customer__in=scope.customer_ids)
        .filter(
            Q(date__gte=scope.start, date__lte=scope.end)
            | Q(recurrence__isnull=False, repeats_from__lte=scope.end)
        )
        .select_related("contract")
        .only(
            "id",
            "customer_id",
            "title",
            "date",
            "recurrence",
            "repeats_from",
            "done",
            "updated_at",
            "contract__name",
        )
        .order_by()
    )
    found = []
    for step in steps:
        title = f"{step.title} ({step.contract.name})" if step.contract else step.title
        rule = step.rule_text
        if rule:
            first = step.first_day
            days = [day for day, _ in dates.expand(rule, first, first, scope.start, scope.end)]
        elif step.date is not None and scope.start <= step.date <= scope.end:
            days = [step.date]
        else:
            days = []
        for day in days:
            found.append(
                Occurrence(
                    id=f"step-{step.pk}-{day.isoformat()}" if rule else f"step-{step.pk}",
                    start=day,
                    end=day,
                    kind=DECISION_STEP,
                    title=title,
                    source=NAME,
                    customer_id=step.customer_id,
                    source_id=step.pk,
                    phase=DONE if step.done else "",
                    modified=step.updated_at,
                )
            )
    return found


SOURCE = OccurrenceSource(
    name=NAME,
    prefix="step",
    kinds=frozenset({DECISION_STEP}),
    models=(DecisionStep, Contract),
    load=load,
)
