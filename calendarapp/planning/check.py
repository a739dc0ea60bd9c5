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
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Max

from calendarapp.lib import dates
from calendarapp.lib.validation import MAX_LEAD_TIME_DAYS
from calendarapp.models import Plan, PlanKind
from calendarapp.occurrences.audience import Audience, audience_queryset
from calendarapp.occurrences.customers import CustomerRef
from calendarapp.occurrences.stream import Calendar, calendar_between
from calendarapp.occurrences.value import Occurrence
from calendarapp.planning.drafts import Draft, draft_from_plan
from calendarapp.planning.rules import SEVERITIES, Rule, RulesFor, Severity
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


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return {str(severity): count for severity, count in counts.items()}


def lookaround_days() -> int:
    """How far before and after a plan an occurrence can still matter: the longest lead time."""
    longest = Tradition.objects.aggregate(longest=Max("lead_time_days"))["longest"] or 0
    # Capped, so a lead time saved past validation cannot stretch every check.
    return min(max(longest, settings.BUDGET_CLOSE_LEAD_DAYS, 31), MAX_LEAD_TIME_DAYS) + 7


@dataclass
class Matcher:
    """Judges drafts against one loaded calendar (whose indexes outlive the matcher)."""

    calendar: Calendar

    def near(self, start: datetime.date, end: datetime.date, margin: int) -> Iterable[Occurrence]:
        """Occurrences that touch `start`..`end` widened by `margin` days."""
        low = start - datetime.timedelta(days=margin)
        high = end + datetime.timedelta(days=margin)
        starts = self.calendar.starts
        first = bisect.bisect_left(starts, low - self.calendar.longest)
        last = bisect.bisect_right(starts, high)
        for occurrence in self.calendar.occurrences[first:last]:
            if occurrence.end >= low:
                yield occurrence

    def check(
        self, draft: Draft, margin: int, audience: frozenset[int] | None = None
    ) -> CheckResult:
        # The same draft against the same (unchanged) calendar has the same findings: a
        # planner re-checking while the user types a title reads them back. The title
        # never changes a finding, so it is left out of the key.
        key = ("check", replace(draft, title=""), margin, audience)
        known = self.calendar.memo.get(key)
        if not isinstance(known, CheckResult):
            known = self._judged(draft, margin, audience)
            self.calendar.remember(key, known)
        return CheckResult(list(known.findings))

    def _judged(self, draft: Draft, margin: int, audience: frozenset[int] | None) -> CheckResult:
        result = CheckResult()
        rules = RulesFor(draft.kind)
        for occurrence in self.near(draft.start, draft.end, margin):
            if draft.plan_id is not None and occurrence.id == f"plan-{draft.plan_id}":
                continue
            for rule in rules.applying_to(occurrence):
                clash = rule.start_range(occurrence, draft.days)
                if clash is None or not clash[0] <= draft.start <= clash[1]:
                    continue
                for customer in self.calendar.audience.concerned(occurrence, audience):
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
    return Matcher(calendar).check(draft, margin)


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
    matcher = Matcher(calendar)
    audience = Audience(calendar.customers)
    return {
        draft.plan_id or 0: matcher.check(
            draft, margin, audience.resolve(draft.customer_ids, draft.countries, draft.interest_ids)
        )
        for draft in drafts
    }
