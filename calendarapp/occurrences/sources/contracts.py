"""Each contract's renewal phases: the pre-shopping window, the notice deadline, the end."""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.db.models import TextField
from django.db.models.functions import Cast

from calendarapp.lib import dates, renewals
from calendarapp.occurrences.scope import OccurrenceSource, Scope, fetch_rows
from calendarapp.occurrences.value import Occurrence
from customers.models import Contract
from traditions.models import TraditionKind

NAME = "contract"
NO_AUDIENCE: frozenset[int] = frozenset()
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
        # ISO text parses faster in C than through the drivers' date converters (`fetch_rows`).
        Cast("end_date", output_field=TextField()),
        "notice_period_days",
        "pre_shopping_days",
        Cast("updated_at", output_field=TextField()),
    )
    found = []
    for pk, customer_id, name, end_text, notice_days, pre_shopping_days, updated in fetch_rows(
        contracts
    ):
        end_date = datetime.date.fromisoformat(end_text[:10])
        notice = renewals.notice_deadline(end_date, notice_days)
        pre_shopping = renewals.pre_shopping_start(end_date, pre_shopping_days)
        phases = (
            (
                ContractPhase.PRE_SHOPPING,
                pre_shopping,
                max(pre_shopping, notice - dates.ONE_DAY),
                f"Pre-shopping for {name}",
                PHASE_LEAD_DAYS,
            ),
            (ContractPhase.DECISION, notice, notice, f"Notice deadline: {name}", PHASE_LEAD_DAYS),
            (ContractPhase.END, end_date, end_date, f"Contract ends: {name}", 0),
        )
        for phase, first, last, title, lead in phases:
            if first <= end and last >= start:
                # Positional: keyword arguments cost measurably at thousands a call.
                found.append(
                    Occurrence(
                        f"contract-{pk}-{phase}",
                        first,
                        last,
                        TraditionKind.CONTRACT_RENEWAL,
                        title,
                        NAME,
                        customer_id,
                        "",
                        "",
                        lead,
                        pk,
                        phase,
                        NO_AUDIENCE,
                        updated,
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
