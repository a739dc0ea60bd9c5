"""The conflict check: does a plan suit the calendars of the customers it reaches?

Every rule is one row of `RULES`: which plans it concerns, which occurrences,
when they clash (as the range of plan start days that clash, so that the
best-date finder can use the very same rules), the severity and the sentence
a sales manager reads. A rule is judged once per occurrence, then fanned out
to every audience customer the occurrence concerns, so the check stays fast
for thousands of customers.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.db.models import Max, Q, QuerySet

from calendarapp import dates
from calendarapp.models import Plan, PlanKind
from calendarapp.occurrence import ContractPhase, Occurrence, Source
from calendarapp.occurrences import Audience, Calendar, CustomerRef, calendar_between
from calendarapp.public_holidays import PUBLIC_HOLIDAY
from calendarapp.validation import MAX_LEAD_TIME_DAYS
from customers.models import Customer
from traditions.models import Tradition, TraditionKind


class Severity(StrEnum):
    BLOCKER = "blocker"
    WARNING = "warning"
    OPPORTUNITY = "opportunity"


SEVERITIES = tuple(Severity)
IN_PERSON = frozenset(
    {PlanKind.EVENT, PlanKind.MEETING, PlanKind.WEBINAR, PlanKind.VISIT, PlanKind.TRADE_FAIR}
)
ALL_PLAN_KINDS = frozenset(PlanKind)
PEOPLE_AWAY = frozenset({PUBLIC_HOLIDAY, TraditionKind.VACATION})


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

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def audience_queryset(self) -> QuerySet[Customer]:
        return audience_queryset(self.customer_ids, self.countries, self.interest_ids)


def audience_queryset(
    customer_ids: Iterable[int], countries: Iterable[str], interest_ids: Iterable[int]
) -> QuerySet[Customer]:
    """The active customers reached by any of the given customers, countries or interests."""
    with_interest = Customer.interests.through.objects.filter(interest_id__in=list(interest_ids))
    return Customer.objects.filter(
        Q(pk__in=list(customer_ids))
        | Q(country__in=list(countries))
        | Q(pk__in=with_interest.values("customer_id")),
        active=True,
    )


def draft_from_plan(plan: Plan) -> Draft:
    """Describe a saved plan as a draft (uses prefetched customers and interests when there)."""
    return Draft(
        kind=plan.kind,
        start=plan.start,
        end=plan.end,
        customer_ids=frozenset(customer.pk for customer in plan.customers.all()),
        countries=frozenset(plan.countries or ()),
        interest_ids=frozenset(interest.pk for interest in plan.interests.all()),
        plan_id=plan.pk,
        title=plan.title,
    )


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
    return lambda occurrence: occurrence.kind in kinds and occurrence.source != Source.PLAN


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
        ALL_PLAN_KINDS,
        _is_kind(TraditionKind.BUSY_SEASON),
        _overlapping,
        "{customer} is in its busy season, {title} ({when}): hold back.",
    ),
    Rule(
        "customer_event",
        Severity.WARNING,
        ALL_PLAN_KINDS,
        _is_kind(TraditionKind.CUSTOMER_EVENT),
        _overlapping,
        "{customer} has its own event, {title} ({when}).",
    ),
    Rule(
        "same_week_plan",
        Severity.WARNING,
        ALL_PLAN_KINDS,
        lambda occurrence: occurrence.source == Source.PLAN,
        _same_iso_week,
        "{customer} already hears from us that week: {title} ({when}).",
    ),
    Rule(
        "budget_just_closed",
        Severity.WARNING,
        ALL_PLAN_KINDS,
        _is_kind(TraditionKind.BUDGET_CLOSE),
        _closed_shortly_before,
        "{customer}'s budget closed {when}: this year's money is spent.",
    ),
    Rule(
        "budget_closes_soon",
        Severity.OPPORTUNITY,
        ALL_PLAN_KINDS,
        _is_kind(TraditionKind.BUDGET_CLOSE),
        _closes_within_lead_time_after,
        "{customer}'s budget closes {when}: get into next year's budget.",
    ),
    Rule(
        "pre_shopping_open",
        Severity.OPPORTUNITY,
        ALL_PLAN_KINDS,
        lambda occurrence: occurrence.phase == ContractPhase.PRE_SHOPPING,
        _overlapping,
        "{customer} is looking at offers: {title} ({when}).",
    ),
)


@dataclass(frozen=True)
class Finding:
    customer_id: int
    customer_name: str
    severity: Severity
    kind: str
    title: str
    start: datetime.date
    end: datetime.date
    message: str
    rule: str


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return {str(severity): count for severity, count in counts.items()}


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


def lookaround_days() -> int:
    """How far before and after a plan an occurrence can still matter: the longest lead time."""
    longest = Tradition.objects.aggregate(longest=Max("lead_time_days"))["longest"] or 0
    # Capped, so a lead time saved past validation cannot stretch every check.
    return min(max(longest, settings.BUDGET_CLOSE_LEAD_DAYS, 31), MAX_LEAD_TIME_DAYS) + 7


class AudienceIndex:
    """Which of the loaded customers an occurrence concerns."""

    def __init__(self, customers: Iterable[CustomerRef]):
        self.by_id = {customer.id: customer for customer in customers}
        self.by_region: dict[tuple[str, str], list[CustomerRef]] = defaultdict(list)
        for customer in self.by_id.values():
            self.by_region[customer.country, ""].append(customer)
            if customer.subdivision:
                self.by_region[customer.country, customer.subdivision].append(customer)

    def concerned(self, occurrence: Occurrence, audience: frozenset[int] | None = None):
        if occurrence.source == Source.PLAN:
            found = [self.by_id[i] for i in occurrence.audience if i in self.by_id]
        elif occurrence.customer_id is not None:
            customer = self.by_id.get(occurrence.customer_id)
            found = [customer] if customer else []
        else:
            found = self.by_region.get((occurrence.country, occurrence.subdivision), [])
        if audience is None:
            return found
        return [customer for customer in found if customer.id in audience]


@dataclass
class Matcher:
    """Judges drafts against one loaded calendar."""

    calendar: Calendar
    audience: AudienceIndex
    _starts: list[datetime.date] = field(default_factory=list, repr=False)
    _longest: datetime.timedelta = datetime.timedelta(0)

    def __post_init__(self) -> None:
        self._starts = [occurrence.start for occurrence in self.calendar.occurrences]
        self._longest = max(
            (o.end - o.start for o in self.calendar.occurrences), default=datetime.timedelta(0)
        )

    def near(self, start: datetime.date, end: datetime.date, margin: int) -> Iterable[Occurrence]:
        """Occurrences that touch `start`..`end` widened by `margin` days."""
        low = start - datetime.timedelta(days=margin)
        high = end + datetime.timedelta(days=margin)
        first = bisect.bisect_left(self._starts, low - self._longest)
        last = bisect.bisect_right(self._starts, high)
        for occurrence in self.calendar.occurrences[first:last]:
            if occurrence.end >= low:
                yield occurrence

    def check(
        self, draft: Draft, margin: int, audience: frozenset[int] | None = None
    ) -> CheckResult:
        result = CheckResult()
        rules = RulesFor(draft.kind)
        for occurrence in self.near(draft.start, draft.end, margin):
            if draft.plan_id is not None and occurrence.id == f"plan-{draft.plan_id}":
                continue
            for rule in rules.applying_to(occurrence):
                clash = rule.start_range(occurrence, draft.days)
                if clash is None or not clash[0] <= draft.start <= clash[1]:
                    continue
                for customer in self.audience.concerned(occurrence, audience):
                    result.findings.append(make_finding(rule, occurrence, customer, draft))
        result.findings.sort(key=_finding_order)
        return result


def make_finding(
    rule: Rule, occurrence: Occurrence, customer: CustomerRef, draft: Draft
) -> Finding:
    message = rule.message.format(
        customer=customer.name,
        title=occurrence.title,
        when=dates.format_span(occurrence.start, occurrence.end),
        plan_kind=PlanKind(draft.kind).label.lower(),
    )
    return Finding(
        customer_id=customer.id,
        customer_name=customer.name,
        severity=rule.severity,
        kind=occurrence.kind,
        title=occurrence.title,
        start=occurrence.start,
        end=occurrence.end,
        message=message,
        rule=rule.name,
    )


def _finding_order(finding: Finding) -> tuple:
    return (SEVERITIES.index(finding.severity), finding.start, finding.customer_name, finding.title)


def audience_calendar(
    draft: Draft, start: datetime.date, end: datetime.date, margin: int | None = None
) -> Calendar:
    """The calendar of the draft's audience from `start` to `end`, widened by the lead times."""
    widen = datetime.timedelta(days=lookaround_days() if margin is None else margin)
    return calendar_between(start - widen, end + widen, customers=draft.audience_queryset())


def check_plan(draft: Draft, *, calendar: Calendar | None = None) -> CheckResult:
    """Check one plan, saved or a draft, against every customer in its audience.

    `calendar` may be one already loaded by `audience_calendar` around the plan.
    """
    margin = lookaround_days()
    calendar = calendar or audience_calendar(draft, draft.start, draft.end, margin)
    return Matcher(calendar, AudienceIndex(calendar.customers)).check(draft, margin)


def check_plans(plans: Iterable[Plan]) -> dict[int, CheckResult]:
    """Check several saved plans with one load of the calendar (for lists and reminders)."""
    drafts = [draft_from_plan(plan) for plan in plans]
    if not drafts:
        return {}
    margin = lookaround_days()
    calendar = calendar_between(
        min(draft.start for draft in drafts) - datetime.timedelta(days=margin),
        max(draft.end for draft in drafts) + datetime.timedelta(days=margin),
        customers=audience_queryset(
            set().union(*(draft.customer_ids for draft in drafts)),
            set().union(*(draft.countries for draft in drafts)),
            set().union(*(draft.interest_ids for draft in drafts)),
        ),
    )
    matcher = Matcher(calendar, AudienceIndex(calendar.customers))
    audience = Audience(calendar.customers)
    return {
        draft.plan_id: matcher.check(
            draft, margin, audience.resolve(draft.customer_ids, draft.countries, draft.interest_ids)
        )
        for draft in drafts
    }
