"""The severity table of the conflict check: one `Rule` per row of `RULES`.

A rule says which plans it concerns, which occurrences, and when they clash,
as the range of plan start days that clash with an occurrence: the check
(`check.py`) tests one start day against it, the finder (`suggest.py`) adds
the whole range to every candidate day at once, so the two always agree."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from calendarapp.kinds import IN_PERSON, OUR_KINDS, PEOPLE_AWAY, SCHOOL_HOLIDAY, STRATEGY_SEASON
from calendarapp.lib import dates
from calendarapp.models import PlanKind
from calendarapp.occurrences.customers import CustomerRef
from calendarapp.occurrences.sources.contracts import ContractPhase
from calendarapp.occurrences.value import Occurrence
from traditions.models import TraditionKind


class Severity(StrEnum):
    BLOCKER = "blocker"
    WARNING = "warning"
    OPPORTUNITY = "opportunity"


SEVERITIES = tuple(Severity)


# Each clash test returns the inclusive range of plan start days that clash with
# an occurrence, for a plan lasting `days` days.
StartRange = tuple[datetime.date, datetime.date]


def _overlapping(occurrence: Occurrence, days: int) -> StartRange:
    return occurrence.start - datetime.timedelta(days=days - 1), occurrence.end


# A campaign this long reaches people on the other days of a one-day holiday.
LONG_CAMPAIGN_DAYS = 14


def _overlapping_a_short_campaign(occurrence: Occurrence, days: int) -> StartRange:
    if days >= LONG_CAMPAIGN_DAYS and occurrence.start == occurrence.end:
        return occurrence.end, occurrence.start - dates.ONE_DAY  # no start clashes
    return _overlapping(occurrence, days)


def _same_iso_week(occurrence: Occurrence, days: int) -> StartRange:
    first_monday = dates.monday_of(occurrence.start)
    return first_monday - datetime.timedelta(days=days - 1), dates.sunday_of(occurrence.end)


def _closed_shortly_before(occurrence: Occurrence, days: int) -> StartRange:
    return occurrence.end + dates.ONE_DAY, occurrence.end + datetime.timedelta(
        days=occurrence.lead_time_days
    )


def _closes_within_lead_time_after(occurrence: Occurrence, days: int) -> StartRange:
    last_start = occurrence.start - datetime.timedelta(days=days - 1)
    return last_start - datetime.timedelta(days=occurrence.lead_time_days), last_start


@dataclass(frozen=True)
class Rule:
    """One row of the table; `message` names the customer (or a group of them) first."""

    name: str
    severity: Severity
    plan_kinds: frozenset[str]
    applies_to: Callable[[Occurrence], bool]
    clashing_starts: Callable[[Occurrence, int], StartRange]
    message: str
    # The name of a stricter rule that, where both apply to an occurrence, replaces this one.
    yields_to: str = ""
    # For a group of customers where `message` reads for one ("… has not told us").
    group_message: str = ""

    def start_range(self, occurrence: Occurrence, days: int) -> StartRange | None:
        """Return the plan start days that clash with the occurrence, or None if none can."""
        first, last = self.clashing_starts(occurrence, days)
        return (first, last) if first <= last else None


def _is_kind(*kinds: str) -> Callable[[Occurrence], bool]:
    return lambda occurrence: occurrence.kind in kinds and not occurrence.ours


def _blocks_events(occurrence: Occurrence) -> bool:
    return occurrence.kind == TraditionKind.BUSY_SEASON and occurrence.blocks_events


# Plans that ask a customer for money; people still come to an event or a webinar
# after their budget was set, so a just-closed budget does not move those.
ASKING_FOR_MONEY = frozenset({PlanKind.CAMPAIGN, PlanKind.MEETING, PlanKind.VISIT})

# Weekends are not in the stream: the check and the finder add one occurrence per
# weekend (`weekends`), which concerns every customer of the audience.
WEEKEND_SOURCE = "weekend"
# Our plans that need people at work on the day; a trade fair often runs over a weekend.
WORKDAY_PLANS = IN_PERSON - {PlanKind.TRADE_FAIR}


def weekends(start: datetime.date, end: datetime.date) -> list[Occurrence]:
    """One occurrence per Saturday and Sunday that touch `start`..`end`."""
    saturday = dates.monday_of(start) + datetime.timedelta(days=5)  # the day before a Sunday
    found = []
    while saturday <= end:
        sunday = saturday + dates.ONE_DAY
        found.append(
            Occurrence(
                id=f"weekend-{saturday.isoformat()}",
                start=saturday,
                end=sunday,
                kind=WEEKEND_SOURCE,
                title="Weekend",
                source=WEEKEND_SOURCE,
            )
        )
        saturday += datetime.timedelta(weeks=1)
    return found


# A plan that offers interests asks each audience customer whether they care: like weekends,
# not in the stream; the check and the finder add one occurrence per customer without current
# evidence of any offered interest (`unknown_interests`), clashing with every start day.
NO_KNOWN_INTEREST_SOURCE = "no_known_interest"


def _any_start(occurrence: Occurrence, days: int) -> StartRange:
    return datetime.date.min, datetime.date.max


def unknown_interests(
    customers: Iterable[CustomerRef],
    offer_ids: frozenset[int],
    offer_title: str,
    start: datetime.date,
    end: datetime.date,
) -> list[Occurrence]:
    """One occurrence per customer with no current evidence of caring about an offered interest.

    Dated as the plan (`start`..`end`), so one plan's findings form one group.
    """
    if not offer_ids:
        return []
    return [
        Occurrence(
            id=f"unknown-interest-{customer.id}",
            start=start,
            end=end,
            kind=NO_KNOWN_INTEREST_SOURCE,
            title=offer_title,
            source=NO_KNOWN_INTEREST_SOURCE,
            customer_id=customer.id,
        )
        for customer in customers
        if offer_ids.isdisjoint(customer.interest_ids)
    ]


# The severity table. README's "Conflict check" section shows the same rows.
RULES: tuple[Rule, ...] = (
    Rule(
        "people_away",
        Severity.BLOCKER,
        IN_PERSON,
        _is_kind(*PEOPLE_AWAY),
        _overlapping,
        "{customer}: {title} ({when}), the people are not there for your {plan_kind}.",
    ),
    Rule(
        "busy_season_blocks",
        Severity.BLOCKER,
        IN_PERSON,
        _blocks_events,
        _overlapping,
        "{customer}: {title} ({when}), a busy season with no time for your {plan_kind}.",
    ),
    Rule(
        "campaign_on_holiday",
        Severity.WARNING,
        frozenset({PlanKind.CAMPAIGN}),
        _is_kind(*PEOPLE_AWAY),
        _overlapping_a_short_campaign,
        "{customer}: your campaign lands on {title} ({when}), when few will read it.",
    ),
    Rule(
        "school_holiday",
        Severity.WARNING,
        IN_PERSON,
        _is_kind(SCHOOL_HOLIDAY),
        _overlapping,
        "{customer}: {title} ({when}), school holidays: families may be away for your {plan_kind}.",
    ),
    Rule(
        "weekend",
        Severity.WARNING,
        WORKDAY_PLANS,
        lambda occurrence: occurrence.source == WEEKEND_SOURCE,
        _overlapping,
        "{customer}: your {plan_kind} falls on a weekend ({when}), when people are off.",
    ),
    Rule(
        "busy_season",
        Severity.WARNING,
        OUR_KINDS,
        _is_kind(TraditionKind.BUSY_SEASON),
        _overlapping,
        "{customer}: busy season, {title} ({when}): hold back.",
        yields_to="busy_season_blocks",
    ),
    Rule(
        "customer_event",
        Severity.WARNING,
        OUR_KINDS,
        _is_kind(TraditionKind.CUSTOMER_EVENT),
        _overlapping,
        "{customer}: their own event, {title} ({when}).",
    ),
    Rule(
        "same_week_plan",
        Severity.WARNING,
        OUR_KINDS,
        lambda occurrence: occurrence.ours,
        _same_iso_week,
        "{customer}: already hearing from us that week, {title} ({when}).",
    ),
    Rule(
        "budget_just_closed",
        Severity.WARNING,
        ASKING_FOR_MONEY,
        _is_kind(TraditionKind.BUDGET_CLOSE),
        _closed_shortly_before,
        "{customer}: the budget for next year was set on {when}; expect little money"
        " for anything not already in it until the next budget round.",
    ),
    Rule(
        "budget_closes_soon",
        Severity.OPPORTUNITY,
        OUR_KINDS,
        _is_kind(TraditionKind.BUDGET_CLOSE),
        _closes_within_lead_time_after,
        "{customer}: the budget for next year is set on {when}; get into it now.",
    ),
    Rule(
        "pre_shopping_open",
        Severity.OPPORTUNITY,
        OUR_KINDS,
        lambda occurrence: occurrence.phase == ContractPhase.PRE_SHOPPING,
        _overlapping,
        "{customer}: looking at offers, {title} ({when}).",
    ),
    Rule(
        "no_known_interest",
        Severity.WARNING,
        OUR_KINDS,
        lambda occurrence: occurrence.source == NO_KNOWN_INTEREST_SOURCE,
        _any_start,
        "{customer} has not told us it cares about {title}: ask before you push.",
        group_message="{customer} have not told us they care about {title}: ask before you push.",
    ),
    Rule(
        "strategy_season_open",
        Severity.OPPORTUNITY,
        OUR_KINDS,
        _is_kind(STRATEGY_SEASON),
        _overlapping,
        "{customer} is shaping next year's strategy ({when}): ask what they want to change.",
        group_message="{customer} are shaping next year's strategy ({when}):"
        " ask what they want to change.",
    ),
)


class RulesFor:
    """The rules for one kind of plan, and which of them apply to an occurrence.

    A rule's `applies_to` reads only an occurrence's kind, source, phase and
    whether it blocks events, so the answer is remembered per such shape: a
    check meets thousands of occurrences but only a dozen shapes. A rule that
    yields to a stricter one applying too is left out (a busy season that
    blocks events is a blocker for an event, not also a warning).
    """

    def __init__(self, plan_kind: str):
        self.rules = [rule for rule in RULES if plan_kind in rule.plan_kinds]
        self._by_shape: dict[tuple[str, str, str, bool], list[Rule]] = {}

    def applying_to(self, occurrence: Occurrence) -> list[Rule]:
        shape = (occurrence.kind, occurrence.source, occurrence.phase, occurrence.blocks_events)
        found = self._by_shape.get(shape)
        if found is None:
            applying = [rule for rule in self.rules if rule.applies_to(occurrence)]
            names = {rule.name for rule in applying}
            found = self._by_shape[shape] = [r for r in applying if r.yields_to not in names]
        return found


# One per plan kind, shared: the check, the finder, touches and the timeline's marks ask these.
RULES_FOR: dict[str, RulesFor] = {kind: RulesFor(kind) for kind in PlanKind.values}
