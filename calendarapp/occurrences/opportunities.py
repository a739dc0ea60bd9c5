"""Opportunities now: what a sales manager should act on across their customers, by deadline.

Pre-shopping windows open or opening, notice deadlines, budget closes within
their lead time, strategy seasons open or opening, and touches due (follow-ups
and ask-again dates included), each with the customer's current interests as
"what to talk about". One stream load and one query of interests, whatever the
number of customers; the page, its CSV and `GET /api/opportunities` read this.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from calendarapp.kinds import NOTICE_DEADLINE, PRE_SHOPPING, STRATEGY_SEASON, TOUCH_DUE, label_of
from calendarapp.lib import cadence, dates
from calendarapp.lib.names import display_name
from calendarapp.occurrences.sources import budget, contracts, strategy_season, touches
from calendarapp.occurrences.sources.contracts import ContractPhase
from calendarapp.occurrences.stream import calendar_between
from calendarapp.occurrences.value import Occurrence
from calendarapp.occurrences.wording import lead_time_hint
from customers.models import Customer, CustomerInterest, current_interest_evidence
from traditions.models import TraditionKind

DEFAULT_DAYS = 60
MAX_DAYS = 366


class OpportunityKind:
    """What an opportunity is: a kind of the one table, or a renewal's phase named there."""

    PRE_SHOPPING = PRE_SHOPPING
    NOTICE_DEADLINE = NOTICE_DEADLINE
    BUDGET_CLOSE = str(TraditionKind.BUDGET_CLOSE)
    STRATEGY_SEASON = STRATEGY_SEASON
    TOUCH_DUE = TOUCH_DUE


# Labels (and, in `kind_css`, colours) from the one table of kinds.
OPPORTUNITY_KINDS: dict[str, str] = {
    value: label_of(value)
    for value in (
        OpportunityKind.PRE_SHOPPING,
        OpportunityKind.NOTICE_DEADLINE,
        OpportunityKind.BUDGET_CLOSE,
        OpportunityKind.STRATEGY_SEASON,
        OpportunityKind.TOUCH_DUE,
    )
}
STREAM_KINDS = [
    TraditionKind.CONTRACT_RENEWAL,
    TraditionKind.BUDGET_CLOSE,
    STRATEGY_SEASON,
    TOUCH_DUE,
]


@dataclass(frozen=True)
class Opportunity:
    kind: str
    customer: int
    customer_name: str
    # The account owner as people read them: full name, else username.
    owner: str
    start: datetime.date
    end: datetime.date
    title: str
    message: str
    # The last day to act: a window's close, a notice deadline, a budget's act-by day (its close
    # once that has passed), a strategy season's end, the touch's day.
    deadline: datetime.date
    interests: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return OPPORTUNITY_KINDS[self.kind]


def customers_for(owner: Any = None, interest: str = "") -> QuerySet[Customer]:
    """The active customers asked for: one owner's (or the team's), with a current interest."""
    customers = Customer.objects.filter(active=True)
    if owner is not None:
        customers = customers.filter(owner=owner)
    if interest:
        with_interest = CustomerInterest.objects.filter(
            current_interest_evidence(timezone.localdate()), interest__name=interest
        )
        customers = customers.filter(pk__in=with_interest.values("customer_id"))
    return customers


def opportunities(
    customers: QuerySet[Customer],
    *,
    days: int = DEFAULT_DAYS,
    kind: str = "",
    today: datetime.date | None = None,
    reuse: bool = True,
) -> list[Opportunity]:
    """What to act on in the next `days` days across the customers selected, nearest deadline first.

    `reuse=False` builds the calendar afresh (for the bench), as `calendar_between`.
    """
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=days)
    # A budget close counts from its act-by day, so look past the horizon by the lead time.
    calendar = calendar_between(
        today - datetime.timedelta(days=1),
        horizon + datetime.timedelta(days=settings.BUDGET_CLOSE_LEAD_DAYS),
        customers=customers,
        kinds=STREAM_KINDS,
        reuse=reuse,
    )
    names = {ref.id: ref.name for ref in calendar.customers}
    owner_ids = {ref.id: ref.owner_id for ref in calendar.customers}
    owners = {
        user.pk: display_name(user)
        for user in get_user_model()
        .objects.filter(pk__in={o for o in owner_ids.values() if o})
        .only("username", "first_name", "last_name")
    }
    interests: dict[int, list[str]] = defaultdict(list)
    rows = (
        CustomerInterest.objects.filter(
            current_interest_evidence(today), customer__in=customers.values("id")
        )
        .order_by("interest__name")
        .values_list("customer_id", "interest__name")
    )
    for with_interest, name in rows:
        interests[with_interest].append(name)
    found = []
    for occurrence in calendar.occurrences:
        customer_id = occurrence.customer_id
        if customer_id is None or customer_id not in names:
            continue
        what = _what(occurrence, names[customer_id], today, horizon)
        if what is None or (kind and what[0] != kind):
            continue
        found.append(
            Opportunity(
                kind=what[0],
                customer=customer_id,
                customer_name=names[customer_id],
                owner=owners.get(owner_ids[customer_id] or 0, ""),
                start=occurrence.start,
                end=occurrence.end,
                title=occurrence.title,
                message=what[1],
                deadline=_deadline(occurrence, today),
                interests=interests[customer_id],
            )
        )
    found.sort(key=lambda item: (item.deadline, item.customer_name, item.kind))
    return found


def _deadline(occurrence: Occurrence, today: datetime.date) -> datetime.date:
    """The last day to act on an opportunity, which the page sorts by."""
    if occurrence.source == budget.NAME:
        return occurrence.act_by if occurrence.act_by >= today else occurrence.start
    if occurrence.source == contracts.NAME and occurrence.phase == ContractPhase.DECISION:
        return occurrence.start
    return occurrence.end


def _what(
    occurrence: Occurrence, name: str, today: datetime.date, horizon: datetime.date
) -> tuple[str, str] | None:
    """The opportunity's kind and sentence, or None if it is not for now."""
    open_or_opening = occurrence.start <= horizon and occurrence.end >= today
    span = dates.format_span(occurrence.start, occurrence.end)
    if occurrence.source == contracts.NAME:
        if occurrence.phase == ContractPhase.PRE_SHOPPING and open_or_opening:
            verb = "is open" if occurrence.start <= today else "opens"
            return (
                OpportunityKind.PRE_SHOPPING,
                f"{name}: {occurrence.title} {verb} ({span}): make sure we are on their list.",
            )
        if occurrence.phase == ContractPhase.DECISION and open_or_opening:
            return (
                OpportunityKind.NOTICE_DEADLINE,
                f"{name}: {occurrence.title} on {span}: agree the renewal before it.",
            )
        return None
    if occurrence.source == budget.NAME:
        if occurrence.act_by <= horizon and occurrence.start >= today:
            return (
                OpportunityKind.BUDGET_CLOSE,
                f"{name}'s budget closes {span}: get into next year's budget"
                f" ({lead_time_hint(occurrence, today)}).",
            )
        return None
    if occurrence.source == strategy_season.NAME and open_or_opening:
        return (
            OpportunityKind.STRATEGY_SEASON,
            f"{name} is shaping next year's strategy ({span}): ask what they want to change."
            f" “{strategy_season.OPEN_QUESTION}”",
        )
    if occurrence.kind == TOUCH_DUE and occurrence.start <= horizon:
        reason = occurrence.title.removeprefix(touches.TITLE_PREFIX)
        status = cadence.TouchStatus(occurrence.phase)
        late = " (overdue)" if status == cadence.TouchStatus.OVERDUE else ""
        return OpportunityKind.TOUCH_DUE, f"Get in touch with {name}{late}: {reason}."
    return None


def interest_context(
    customer: Customer, occurrences: Iterable[Occurrence], today: datetime.date
) -> dict[str, Any]:
    """The customer page's interests (current, stale, ended), strategies and strategy season.

    Reads the customer's prefetched evidence and strategies, and its loaded occurrences.
    """
    rows = list(customer.interest_evidence.all())
    season = next((o for o in occurrences if o.kind == STRATEGY_SEASON and o.end >= today), None)
    return {
        "interests": {
            "current": [row for row in rows if row.current],
            "stale": [row for row in rows if row.stale],
            "ended": [row for row in rows if row.no_longer_on is not None],
            "stale_days": settings.INTEREST_STALE_DAYS,
        },
        "strategies": list(customer.strategies.all()),
        "strategy_season": season,
        "open_question": strategy_season.OPEN_QUESTION,
    }
