"""Each contract's renewal phases: the pre-shopping window, the notice deadline, the end."""

from __future__ import annotations

import datetime
from enum import StrEnum

from calendarapp.lib import dates, renewals
from calendarapp.occurrences.scope import OccurrenceSource, Scope
from calendarapp.occurrences.value import Occurrence
from customers.models import Contract
from traditions.models import TraditionKind

NAME = "contract"
# Pre-shopping can open long before a contract ends; no sane contract starts it earlier.
LONGEST_PRE_SHOPPING = datetime.timedelta(days=10 * 366)
# Days ahead to act on the pre-shopping window and the notice deadline.
PHASE_LEAD_DAYS = 30


class ContractPhase(StrEnum):
    PRE_SHOPPING = "pre_shopping"
    DECISION = "decision"
    END = "end"


def load(scope: Scope) -> list[Occurrence]:
    if not scope.customers:
        return []
    start, end = scope.start, scope.end
    contracts = Contract.objects.filter(
        customer__in=scope.customer_ids,
        end_date__gte=start,
        end_date__lte=end + LONGEST_PRE_SHOPPING,
    ).values_list(
        "id",
        "customer_id",
        "name",
        "end_date",
        "notice_period_days",
        "pre_shopping_days",
        "updated_at",
    )
    found = []
    for pk, customer_id, name, end_date, notice_days, pre_shopping_days, updated in contracts:
        notice = renewals.notice_deadline(end_date, notice_days)
        pre_shopping = renewals.pre_shopping_start(end_date, pre_shopping_days)
        phases = [
            (
                ContractPhase.PRE_SHOPPING,
                pre_shopping,
                max(pre_shopping, notice - dates.ONE_DAY),
                f"Pre-shopping for {name}",
                PHASE_LEAD_DAYS,
            ),
            (ContractPhase.DECISION, notice, notice, f"Notice deadline: {name}", PHASE_LEAD_DAYS),
            (ContractPhase.END, end_date, end_date, f"Contract ends: {name}", 0),
        ]
        for phase, first, last, title, lead in phases:
            if dates.overlaps(first, last, start, end):
                found.append(
                    Occurrence(
                        id=f"contract-{pk}-{phase}",
                        start=first,
                        end=last,
                        kind=TraditionKind.CONTRACT_RENEWAL,
                        title=title,
                        source=NAME,
                        customer_id=customer_id,
                        lead_time_days=lead,
                        source_id=pk,
                        phase=phase,
                        modified=updated,
                    )
                )
    return found


SOURCE = OccurrenceSource(
    name=NAME,
    prefix="contract",
    kinds=frozenset({TraditionKind.CONTRACT_RENEWAL}),
    models=(Contract,),
    load=load,
)
