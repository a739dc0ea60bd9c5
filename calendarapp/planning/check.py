"""The conflict check: does a plan suit the calendars of the customers it reaches?

Every rule is one row of `RULES`: which plans it concerns, which occurrences,
when they clash (as the range of plan start days that clash, so that the
best-date finder can use the very same rules), the severity and the sentence
a sales manager reads. A rule is judged once per occurrence, then fanned out
to every audience customer the occurrence concerns, so the check stays fast
for thousands of customers. Findings with one cause (the same rule, item and
days) form a group, so a reader sees "6 of 6 customers in Denmark: Autumn
school holiday" once instead of six lines.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Max, QuerySet

from calendarapp.kinds import OUR_KINDS
from calendarapp.lib import countries, dates
from calendarapp.lib.validation import MAX_LEAD_TIME_DAYS
from calendarapp.models import Plan, PlanKind
from calendarapp.occurrences.audience import Audience, audience_queryset
from calendarapp.occurrences.conflicts import (
    RULES,
    RULES_FOR,
    SEVERITIES,
    WEEKEND_SOURCE,
    Rule,
    Severity,
    unknown_interests,
    weekends,
)
from calendarapp.occurrences.customers import CustomerRef
from calendarapp.occurrences.stream import Calendar, Stale, calendar_between
from calendarapp.occurrences.value import UNSUBDIVIDED, Occurrence
from calendarapp.planning.drafts import Draft, draft_from_plan
from customers.models import Customer
from traditions.models import Tradition


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
    country: str = ""


@dataclass(frozen=True)
class FindingGroup:
    """Findings with one cause: the same rule, item and days, for one or more customers."""

    rule: str
    severity: Severity
    title: str
    start: datetime.date
    end: datetime.date
    findings: list[Finding]
    message: str

    @property
    def customers(self) -> list[int]:
        return [finding.customer_id for finding in self.findings]


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    # How many audience customers each country has: "6 of 6 customers in Denmark".
    audience_countries: Counter[str] = field(default_factory=Counter)
    plan_kind: str = ""

    @property
    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return {str(severity): count for severity, count in counts.items()}

    @property
    def groups(self) -> list[FindingGroup]:
        """The findings grouped by cause, most severe first, then by date, larger groups first."""
        by_cause: dict[tuple, list[Finding]] = {}
        for finding in self.findings:
            key = (finding.rule, finding.title, finding.start, finding.end)
            by_cause.setdefault(key, []).append(finding)
        groups = [
            _group(findings, self.audience_countries, self.plan_kind)
            for findings in by_cause.values()
        ]
        groups.sort(
            key=lambda g: (SEVERITIES.index(g.severity), g.start, -len(g.findings), g.title)
        )
        return groups


RULES_BY_NAME = {rule.name: rule for rule in RULES}


def _group(findings: list[Finding], audience: Counter[str], plan_kind: str) -> FindingGroup:
    first = findings[0]
    rule = RULES_BY_NAME[first.rule]
    template = rule.group_message if rule.group_message and len(findings) > 1 else rule.message
    message = template.format(
        customer=_who(findings, audience),
        title=first.title,
        when=_when(first.start, first.end, first.title),
        plan_kind=PlanKind(plan_kind).label.lower() if plan_kind else "plan",
    )
    return FindingGroup(
        rule=first.rule,
        severity=first.severity,
        title=first.title,
        start=first.start,
        end=first.end,
        findings=findings,
        message=message,
    )


def _who(findings: list[Finding], audience: Counter[str]) -> str:
    """The customer's name, or "6 of 6 customers in Denmark", or "3 of 40 customers"."""
    if len(findings) == 1:
        return findings[0].customer_name
    found = {finding.country for finding in findings}
    if len(found) == 1:
        [country] = found
        of = max(audience[country], len(findings))
        return f"{len(findings)} of {of} customers in {countries.country_name(country)}"
    of = max(sum(audience.values()), len(findings))
    return f"{len(findings)} of {of} customers"


def _when(start: datetime.date, end: datetime.date, title: str) -> str:
    """The days of an item, with its ISO week when it lasts days within one week.

    A title that names the week already ("Autumn school holiday (week 42)") is not repeated.
    """
    span = dates.format_span(start, end)
    week = f"week {start.isocalendar().week}"
    if start != end and dates.monday_of(start) == dates.monday_of(end) and week not in title:
        return f"{week}, {span}"
    return span


def lookaround_days() -> int:
    """How far before and after a plan an occurrence can still matter: the longest lead time."""
    longest = Tradition.objects.aggregate(longest=Max("lead_time_days"))["longest"] or 0
    # Capped, so a lead time saved past validation cannot stretch every check.
    return min(max(longest, settings.BUDGET_CLOSE_LEAD_DAYS, 31), MAX_LEAD_TIME_DAYS) + 7


@dataclass
class Matcher:
    """Judges drafts against one loaded calendar (whose indexes outlive the matcher)."""

    calendar: Calendar

    def near(
        self,
        start: datetime.date,
        end: datetime.date,
        margin: int,
        audience: frozenset[int] | None = None,
    ) -> Iterable[Occurrence]:
        """Occurrences that touch `start`..`end` widened by `margin` days; with an `audience`,
        only the regions', our plans' and those customers' own (not other customers')."""
        low = start - datetime.timedelta(days=margin)
        high = end + datetime.timedelta(days=margin)
        runs: list[tuple[list[datetime.date], Sequence[Occurrence]]]
        if audience is None:
            runs = [(self.calendar.starts, self.calendar.occurrences)]
        else:
            # One calendar serves many plans (check_plans), each reaching a few of its
            # customers: reading only theirs skips the thousands of others' items.
            by_owner = self.calendar.by_owner
            runs = [by_owner[owner] for owner in (None, *audience) if owner in by_owner]
        earliest = low - self.calendar.longest
        for starts, occurrences in runs:
            first = bisect.bisect_left(starts, earliest)
            last = bisect.bisect_right(starts, high)
            for occurrence in occurrences[first:last]:
                if occurrence.end >= low:
                    yield occurrence

    def concerned(
        self, occurrence: Occurrence, audience: frozenset[int] | None = None
    ) -> list[CustomerRef]:
        """The customers an occurrence concerns; a weekend concerns every one of them."""
        if occurrence.source == WEEKEND_SOURCE:
            return [c for c in self.calendar.customers if audience is None or c.id in audience]
        return self.calendar.audience.concerned(occurrence, audience)

    def check(
        self, draft: Draft, margin: int, audience: frozenset[int] | None = None
    ) -> CheckResult:
        # The same draft against the same (unchanged) calendar has the same findings: a
        # planner re-checking while the user types a title reads them back. The title
        # never changes a finding, so it is left out of the key.
        key = ("check", replace(draft, title=""), margin, audience)
        known = self.calendar.memo.get(key)
        if not isinstance(known, CheckResult):
            stale = self.calendar.stale.get(key)
            if stale is not None and isinstance(stale.answer, CheckResult):
                # The calendar was renewed after an edit: judge again only what changed.
                known = self._rejudged(stale.answer, stale, draft, margin, audience)
            else:
                known = self._judged(draft, margin, audience)
            self.calendar.remember(key, known)
        return CheckResult(list(known.findings), known.audience_countries, known.plan_kind)

    def _result(
        self, draft: Draft, audience: frozenset[int] | None, findings: list[Finding]
    ) -> CheckResult:
        findings.sort(key=_finding_order)
        return CheckResult(
            findings,
            audience_countries=Counter(
                c.country for c in self.calendar.customers if audience is None or c.id in audience
            ),
            plan_kind=draft.kind,
        )

    def _judged(self, draft: Draft, margin: int, audience: frozenset[int] | None) -> CheckResult:
        reached = [c for c in self.calendar.customers if audience is None or c.id in audience]
        nearby = itertools.chain(
            self.near(draft.start, draft.end, margin, audience),
            weekends(draft.start, draft.end),
            unknown_interests(reached, draft.offer_ids, draft.offer_title, draft.start, draft.end),
        )
        return self._result(draft, audience, self._findings(draft, nearby, audience))

    def _rejudged(
        self,
        old: CheckResult,
        stale: Stale,
        draft: Draft,
        margin: int,
        audience: frozenset[int] | None,
    ) -> CheckResult:
        """`old` with the findings of the changed customers (and plans) judged again."""
        kept = [
            finding
            for finding in old.findings
            if finding.customer_id not in stale.customers
            and not (stale.plans and finding.kind in OUR_KINDS)
        ]
        changed = [c for c in self.calendar.customers if c.id in stale.customers]
        low = draft.start - datetime.timedelta(days=margin)
        high = draft.end + datetime.timedelta(days=margin)
        theirs: dict[int, Occurrence] = {}
        for customer in changed:
            items = self.calendar.own_items(customer.id)
            items += self.calendar.region_items((customer.country, ""))
            items += self.calendar.region_items(
                (customer.country, customer.subdivision or UNSUBDIVIDED)
            )
            theirs.update((id(o), o) for o in items if o.overlaps(low, high))
        nearby = itertools.chain(
            theirs.values(),
            (o for o in self.calendar.plan_items() if o.overlaps(low, high)),
            weekends(draft.start, draft.end),
            unknown_interests(changed, draft.offer_ids, draft.offer_title, draft.start, draft.end),
        )
        again = self._findings(draft, nearby, audience, only=stale.customers, plans=stale.plans)
        return self._result(draft, audience, kept + again)

    def _findings(
        self,
        draft: Draft,
        nearby: Iterable[Occurrence],
        audience: frozenset[int] | None,
        *,
        only: frozenset[int] | None = None,
        plans: bool = True,
    ) -> list[Finding]:
        """The findings of `nearby`, for the customers in `only` (all: None) and, with
        `plans`, for every customer a plan's occurrence concerns."""
        findings = []
        rules = RULES_FOR[draft.kind]
        for occurrence in nearby:
            if draft.plan_id is not None and occurrence.id == f"plan-{draft.plan_id}":
                continue
            for rule in rules.applying_to(occurrence):
                clash = rule.start_range(occurrence, draft.days)
                if clash is None or not clash[0] <= draft.start <= clash[1]:
                    continue
                concerned = self.concerned(occurrence, audience)
                if only is not None and not (plans and occurrence.ours):
                    concerned = [customer for customer in concerned if customer.id in only]
                for customer in concerned:
                    findings.append(make_finding(rule, occurrence, customer, draft))
        return findings


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
        country=customer.country,
    )


def _finding_order(finding: Finding) -> tuple:
    # After what people read by, the rest: a check patched after an edit sorts as a fresh one.
    return (
        SEVERITIES.index(finding.severity),
        finding.start,
        finding.customer_name,
        finding.title,
        finding.customer_id,
        finding.rule,
        finding.kind,
        finding.end,
        finding.message,
    )


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
    return Matcher(calendar).check(draft, margin)


def plans_scope(
    plans: Iterable[Plan],
) -> tuple[datetime.date, datetime.date, QuerySet[Customer]]:
    """The days (widened by the lead times) and the customers a check of `plans` reads."""
    return _scope([draft_from_plan(plan) for plan in plans], lookaround_days())


def _scope(
    drafts: list[Draft], margin: int
) -> tuple[datetime.date, datetime.date, QuerySet[Customer]]:
    widen = datetime.timedelta(days=margin)
    return (
        min(draft.start for draft in drafts) - widen,
        max(draft.end for draft in drafts) + widen,
        audience_queryset(
            set().union(*(draft.customer_ids for draft in drafts)),
            set().union(*(draft.countries for draft in drafts)),
            set().union(*(draft.interest_ids for draft in drafts)),
        ),
    )


def check_plans(
    plans: Iterable[Plan], *, calendar: Calendar | None = None
) -> dict[int, CheckResult]:
    """Check several saved plans with one load of the calendar (for lists and reminders).

    `calendar` may be one the caller loaded already, with our plans, that holds the days and
    customers of `plans_scope(plans)` (Today loads one calendar for its lists and this check).
    """
    drafts = [draft_from_plan(plan) for plan in plans]
    if not drafts:
        return {}
    margin = lookaround_days()
    if calendar is None:
        start, end, customers = _scope(drafts, margin)
        calendar = calendar_between(start, end, customers=customers)
    matcher = Matcher(calendar)
    audience = Audience(calendar.customers)
    return {
        draft.plan_id or 0: matcher.check(
            draft, margin, audience.resolve(draft.customer_ids, draft.countries, draft.interest_ids)
        )
        for draft in drafts
    }
