"""The best-date finder: where would a plan meet the fewest conflicts?

Each rule of the conflict check knows the range of plan start days that clash
with an occurrence, so one pass over the occurrences adds each clash to a
difference array over the candidate days. Counting every candidate then costs
one prefix sum instead of one conflict check per day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from calendarapp.lib import dates
from calendarapp.occurrences.stream import Calendar
from calendarapp.planning.check import audience_calendar
from calendarapp.planning.drafts import Draft
from calendarapp.planning.rules import SEVERITIES, RulesFor, Severity

DEFAULT_SEARCH_WEEKS = 26
SUGGESTION_COUNT = 5


@dataclass(frozen=True)
class Suggestion:
    start: datetime.date
    end: datetime.date
    summary: dict[str, int]


@dataclass(frozen=True)
class WeekLoad:
    """How many audience customers have a blocker and a warning in one ISO week."""

    year: int
    week: int
    monday: datetime.date
    blocker: int
    warning: int


@dataclass(frozen=True)
class Suggestions:
    suggestions: list[Suggestion]
    weeks: list[WeekLoad]


def candidate_starts(first: datetime.date, last: datetime.date, duration_days: int) -> list[int]:
    """Offsets from `first` of the start days worth suggesting.

    Plans start on a working day, and a plan of a working week or less stays
    inside one, so nobody is offered a Saturday kick-off.
    """
    offsets = []
    for offset in range((last - first).days + 1):
        weekday = (first + datetime.timedelta(days=offset)).weekday()
        if weekday < 5 and (duration_days > 5 or weekday + duration_days <= 5):
            offsets.append(offset)
    return offsets


def suggest_dates(
    draft: Draft,
    *,
    duration_days: int,
    search_start: datetime.date,
    search_end: datetime.date,
    limit: int = SUGGESTION_COUNT,
    calendar: Calendar | None = None,
) -> Suggestions:
    """Rank start days in the search range and load each ISO week, for one audience.

    `calendar` may be one already loaded by `audience_calendar` around the range.
    """
    last_start = search_end - datetime.timedelta(days=duration_days - 1)
    calendar = calendar or audience_calendar(draft, search_start, search_end)
    audience = calendar.audience
    candidate_count = max((last_start - search_start).days + 1, 0)
    differences = {severity: [0] * (candidate_count + 1) for severity in SEVERITIES}
    weeks = dates.iso_weeks(search_start, search_end)
    week_customers: dict[tuple[int, Severity], set[int]] = defaultdict(set)
    rules = RulesFor(draft.kind)
    own_id = f"plan-{draft.plan_id}" if draft.plan_id is not None else None

    for occurrence in calendar.occurrences:
        if occurrence.id == own_id:
            continue
        applicable = rules.applying_to(occurrence)
        if not applicable:
            continue
        concerned = audience.concerned(occurrence)
        if not concerned:
            continue
        for rule in applicable:
            clash = rule.start_range(occurrence, duration_days)
            if clash is not None and candidate_count:
                low = max((clash[0] - search_start).days, 0)
                high = min((clash[1] - search_start).days, candidate_count - 1)
                if low <= high:
                    differences[rule.severity][low] += len(concerned)
                    differences[rule.severity][high + 1] -= len(concerned)
            if rule.severity != Severity.OPPORTUNITY:
                _load_weeks(rule, occurrence, weeks, concerned, week_customers)

    counts = {severity: _running_sum(differences[severity]) for severity in SEVERITIES}
    ranked = sorted(
        candidate_starts(search_start, last_start, duration_days),
        key=lambda offset: (
            counts[Severity.BLOCKER][offset],
            counts[Severity.WARNING][offset],
            -counts[Severity.OPPORTUNITY][offset],
            offset,
        ),
    )
    chosen: list[int] = []
    for offset in ranked:
        # Five suggestions a day apart say less than five different weeks.
        if all(abs(offset - other) >= duration_days for other in chosen):
            chosen.append(offset)
        if len(chosen) == limit:
            break
    suggestions = [
        Suggestion(
            start=search_start + datetime.timedelta(days=offset),
            end=search_start + datetime.timedelta(days=offset + duration_days - 1),
            summary={str(severity): counts[severity][offset] for severity in SEVERITIES},
        )
        for offset in chosen
    ]
    loads = [
        WeekLoad(
            year,
            week,
            monday,
            blocker=len(week_customers[index, Severity.BLOCKER]),
            warning=len(week_customers[index, Severity.WARNING]),
        )
        for index, (year, week, monday) in enumerate(weeks)
    ]
    return Suggestions(suggestions, loads)


def _running_sum(differences: list[int]) -> list[int]:
    total, sums = 0, []
    for difference in differences[:-1]:
        total += difference
        sums.append(total)
    return sums


def _load_weeks(rule, occurrence, weeks, concerned, week_customers) -> None:
    """Add the customers to every week in which a week-long plan would clash."""
    clash = rule.start_range(occurrence, 7)
    if clash is None or not weeks:
        return
    first_monday = weeks[0][2]
    # Mondays are 7 days apart, so the clashing weeks are one run of indexes.
    first = max(-((first_monday - clash[0]).days // 7), 0)
    last = min((clash[1] - first_monday).days // 7, len(weeks) - 1)
    for index in range(first, last + 1):
        week_customers[index, rule.severity].update(customer.id for customer in concerned)
