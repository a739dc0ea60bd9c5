"""The severity table of the conflict check: one `Rule` per row of `RULES`.

A rule says which plans it concerns, which occurrences, and when they clash,
as the range of plan start days that clash with an occurrence: the check
(`check.py`) tests one start day against it, the finder (`suggest.py`) adds
the whole range to every candidate day at once, so the two always agree."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from calendarapp.kinds import IN_PERSON, OUR_KINDS, PEOPLE_AWAY
from calendarapp.lib import dates
from calendarapp.models import PlanKind
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
    name: str
    severity: Severity
    plan_kinds: frozenset[str]
    applies_to: Callable[[Occurrence], bool]
    clashing_starts: Callable[[Occurrence, int], StartRange]
    message: str

    def start_range(self, occurrence: Occurrence, days: int) -> StartRange | None:
        """Return the plan start days that clash with the occurrence, or None if none can."""
        first, last = self.clashing_starts(occurrence, days)
        return (first, last) if first <= last else None


def _is_kind(*kinds: str) -> Callable[[Occurrence], bool]:
    return lambda occurrence: occurrence.kind in kinds and not occurrence.ours


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
        "campaign_on_holiday",
        Severity.WARNING,
        frozenset({PlanKind.CAMPAIGN}),
        _is_kind(*PEOPLE_AWAY),
        _overlapping,
        "{customer}: your campaign lands on {title} ({when}), when few will read it.",
    ),
    Rule(
        "busy_season",
        Severity.WARNING,
        OUR_KINDS,
        _is_kind(TraditionKind.BUSY_SEASON),
        _overlapping,
        "{customer} is in its busy season, {title} ({when}): hold back.",
    ),
    Rule(
        "customer_event",
        Severity.WARNING,
        OUR_KINDS,
        _is_kind(TraditionKind.CUSTOMER_EVENT),
        _overlapping,
        "{customer} has its own event, {title} ({when}).",
    ),
    Rule(
        "same_week_plan",
        Severity.WARNING,
        OUR_KINDS,
        lambda occurrence: occurrence.ours,
        _same_iso_week,
        "{customer} already hears from us that week: {title} ({when}).",
    ),
    Rule(
        "budget_just_closed",
        Severity.WARNING,
        OUR_KINDS,
        _is_kind(TraditionKind.BUDGET_CLOSE),
        _closed_shortly_before,
        "{customer}'s budget closed {when}: this year's money is spent.",
    ),
    Rule(
        "budget_closes_soon",
        Severity.OPPORTUNITY,
        OUR_KINDS,
        _is_kind(TraditionKind.BUDGET_CLOSE),
        _closes_within_lead_time_after,
        "{customer}'s budget closes {when}: get into next year's budget.",
    ),
    Rule(
        "pre_shopping_open",
        Severity.OPPORTUNITY,
        OUR_KINDS,
        lambda occurrence: occurrence.phase == ContractPhase.PRE_SHOPPING,
        _overlapping,
        "{customer} is looking at offers: {title} ({when}).",
    ),
)


class RulesFor:
    """The rules for one kind of plan, and which of them apply to an occurrence.

    A rule's `applies_to` reads only an occurrence's kind, source and phase, so
    the answer is remembered per such shape: a check meets thousands of
    occurrences but only a dozen shapes.
    """

    def __init__(self, plan_kind: str):
        self.rules = [rule for rule in RULES if plan_kind in rule.plan_kinds]
        self._by_shape: dict[tuple[str, str, str], list[Rule]] = {}

    def applying_to(self, occurrence: Occurrence) -> list[Rule]:
        shape = (occurrence.kind, occurrence.source, occurrence.phase)
        found = self._by_shape.get(shape)
        if found is None:
            found = self._by_shape[shape] = [r for r in self.rules if r.applies_to(occurrence)]
        return found
