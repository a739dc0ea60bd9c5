"""The best-date finder: where near its intended date would a plan meet the fewest conflicts?

Each rule of the conflict check knows the range of plan start days that clash
with an occurrence, so one pass over the occurrences adds each clash to a
difference array over the candidate days. Counting every candidate then costs
one prefix sum instead of one conflict check per day.

With no search range, the finder looks `SUGGEST_AROUND_WEEKS` either side of
the plan's own start, never before today plus the plan kind's lead time
(`PLAN_MIN_LEAD_DAYS`). It ranks by blockers, then warnings, then distance
from the intended start, then opportunities, and never offers a day with a
blocker. The heat map's weeks are judged by the same candidates: each week
shows its best start day, so a week the finder offers is never red.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from calendarapp.lib import dates
from calendarapp.lib.validation import LATEST
from calendarapp.occurrences.conflicts import (
    RULES_FOR,
    SEVERITIES,
    WEEKEND_SOURCE,
    Severity,
    unknown_interests,
    weekends,
)
from calendarapp.occurrences.stream import Calendar
from calendarapp.planning.check import audience_calendar
from calendarapp.planning.drafts import Draft

SUGGESTION_COUNT = 5
# A heat-map cell names at most this many causes.
SHOWN_REASONS = 4


@dataclass(frozen=True)
class Suggestion:
    start: datetime.date
    end: datetime.date
    summary: dict[str, int]
    # Days from the intended start; negative when earlier.
    distance_days: int
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class WeekLoad:
    """One ISO week judged by its best start day: the finder's counts for that day, and why."""

    year: int
    week: int
    monday: datetime.date
    blocker: int
    warning: int
    opportunity: int = 0
    # None when no start day of the plan fits this week in the search range.
    best_start: datetime.date | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestions:
    suggestions: list[Suggestion]
    weeks: list[WeekLoad]
    search_start: datetime.date
    search_end: datetime.date
    intended_start: datetime.date
    # Why there are fewer than the five asked for; empty otherwise.
    note: str = ""


def earliest_start(kind: str, today: datetime.date) -> datetime.date:
    """The first day worth offering a plan of this kind: today plus its lead time."""
    return today + datetime.timedelta(days=settings.PLAN_MIN_LEAD_DAYS.get(kind, 0))


def search_range(
    kind: str,
    intended_start: datetime.date,
    duration_days: int,
    today: datetime.date,
    search_start: datetime.date | None = None,
    search_end: datetime.date | None = None,
) -> tuple[datetime.date, datetime.date]:
    """The days to search: those given, else `SUGGEST_AROUND_WEEKS` around the intended start.

    The default never starts before `earliest_start`, and spans at least that many
    weeks after its first day, so a plan intended for next week still gets choices.
    """
    around = datetime.timedelta(weeks=settings.SUGGEST_AROUND_WEEKS)
    if search_start is None:
        search_start = max(intended_start - around, earliest_start(kind, today))
    if search_end is None:
        last_start = max(intended_start, search_start) + around
        search_end = last_start + datetime.timedelta(days=duration_days - 1)
    # A plan must end by the last day any date may have, so no suggestion is one it cannot save.
    return search_start, min(search_end, LATEST)


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


# What made a start day's blockers and warnings: (first, last offset, severity, title) -> count.
Causes = dict[tuple[int, int, Severity, str], int]


def suggest_dates(
    draft: Draft,
    *,
    duration_days: int | None = None,
    search_start: datetime.date | None = None,
    search_end: datetime.date | None = None,
    today: datetime.date | None = None,
    limit: int = SUGGESTION_COUNT,
    calendar: Calendar | None = None,
) -> Suggestions:
    """Rank start days near the draft's start, and judge each ISO week of the range.

    `calendar` may be one already loaded by `audience_calendar` around the range.
    """
    duration_days = duration_days or draft.days
    search_start, search_end = search_range(
        draft.kind,
        draft.start,
        duration_days,
        today or timezone.localdate(),
        search_start,
        search_end,
    )
    last_start = search_end - datetime.timedelta(days=duration_days - 1)
    calendar = calendar or audience_calendar(draft, search_start, search_end)
    candidate_count = max((last_start - search_start).days + 1, 0)
    counts, causes = _count_clashes(draft, calendar, duration_days, search_start, candidate_count)
    intended = (draft.start - search_start).days

    def rank(offset: int) -> tuple[int, int, int, int, int]:
        return (
            counts[Severity.BLOCKER][offset],
            counts[Severity.WARNING][offset],
            abs(offset - intended),
            -counts[Severity.OPPORTUNITY][offset],
            offset,
        )

    candidates = candidate_starts(search_start, last_start, duration_days)
    chosen: list[int] = []
    for offset in sorted(candidates, key=rank):
        if counts[Severity.BLOCKER][offset]:
            break  # a day with a blocker is never offered; the rest have blockers too
        # Five suggestions a day apart say less than five different weeks.
        if all(abs(offset - other) >= duration_days for other in chosen):
            chosen.append(offset)
        if len(chosen) == limit:
            break
    best_of_week = _best_of_each_week(search_start, candidates, rank)
    reasons = _reasons(causes, chosen + [o for o in best_of_week.values() if o is not None])

    def day(offset: int) -> datetime.date:
        return search_start + datetime.timedelta(days=offset)

    def summary(offset: int) -> dict[str, int]:
        return {str(severity): counts[severity][offset] for severity in SEVERITIES}

    suggestions = [
        Suggestion(
            start=day(offset),
            end=day(offset + duration_days - 1),
            summary=summary(offset),
            distance_days=offset - intended,
            reasons=reasons.get(offset, ()),
        )
        for offset in chosen
    ]
    weeks = []
    for year, week, monday in dates.iso_weeks(search_start, search_end):
        best = best_of_week.get(monday)
        found = summary(best) if best is not None else dict.fromkeys(map(str, SEVERITIES), 0)
        weeks.append(
            WeekLoad(
                year,
                week,
                monday,
                blocker=found[Severity.BLOCKER],
                warning=found[Severity.WARNING],
                opportunity=found[Severity.OPPORTUNITY],
                best_start=day(best) if best is not None else None,
                reasons=reasons.get(best, ()) if best is not None else (),
            )
        )
    note = ""
    if len(chosen) < limit:
        span = dates.format_span(search_start, search_end)
        counted = f"Only {len(chosen)} date" if chosen else "No date"
        plural = "s" if len(chosen) > 1 else ""
        note = f"{counted}{plural} without blockers in {span}; widen the range."
    return Suggestions(suggestions, weeks, search_start, search_end, draft.start, note)


def _count_clashes(
    draft: Draft,
    calendar: Calendar,
    duration_days: int,
    search_start: datetime.date,
    candidate_count: int,
) -> tuple[dict[Severity, list[int]], Causes]:
    """Count each candidate's findings per severity, and remember the causes of the bad ones."""
    differences = {severity: [0] * (candidate_count + 1) for severity in SEVERITIES}
    causes: Causes = defaultdict(int)
    if not candidate_count:
        return {severity: [] for severity in SEVERITIES}, causes
    audience = calendar.audience
    everyone = list(calendar.customers)
    rules = RULES_FOR[draft.kind]
    own_id = f"plan-{draft.plan_id}" if draft.plan_id is not None else None
    search_end = search_start + datetime.timedelta(days=candidate_count + duration_days - 2)
    asked = unknown_interests(
        everyone, draft.offer_ids, draft.offer_title, search_start, search_end
    )
    for occurrence in itertools.chain(
        calendar.occurrences, weekends(search_start, search_end), asked
    ):
        if occurrence.id == own_id:
            continue
        applicable = rules.applying_to(occurrence)
        if not applicable:
            continue
        # A weekend concerns every customer of the audience.
        concerned = (
            everyone if occurrence.source == WEEKEND_SOURCE else audience.concerned(occurrence)
        )
        if not concerned:
            continue
        for rule in applicable:
            clash = rule.start_range(occurrence, duration_days)
            if clash is None:
                continue
            low = max((clash[0] - search_start).days, 0)
            high = min((clash[1] - search_start).days, candidate_count - 1)
            if low <= high:
                differences[rule.severity][low] += len(concerned)
                differences[rule.severity][high + 1] -= len(concerned)
                if rule.severity != Severity.OPPORTUNITY:
                    causes[low, high, rule.severity, occurrence.title] += len(concerned)
    return {severity: _running_sum(differences[severity]) for severity in SEVERITIES}, causes


def _best_of_each_week(
    search_start: datetime.date, candidates: list[int], rank
) -> dict[datetime.date, int | None]:
    """The best-ranked candidate of each ISO week, by its Monday."""
    best: dict[datetime.date, int | None] = {}
    for offset in candidates:
        monday = dates.monday_of(search_start + datetime.timedelta(days=offset))
        current = best.get(monday)
        if current is None or rank(offset) < rank(current):
            best[monday] = offset
    return best


def _reasons(causes: Causes, offsets: list[int]) -> dict[int, tuple[str, ...]]:
    """Name the causes of each offset's blockers and warnings, most customers first."""
    wanted = sorted(set(offsets))
    tallies: dict[int, Counter[tuple[Severity, str]]] = defaultdict(Counter)
    for (low, high, severity, title), count in causes.items():
        for offset in wanted[bisect.bisect_left(wanted, low) : bisect.bisect_right(wanted, high)]:
            tallies[offset][severity, title] += count
    named = {}
    for offset, tally in tallies.items():
        ordered = sorted(
            tally.items(), key=lambda item: (SEVERITIES.index(item[0][0]), -item[1], item[0][1])
        )
        words = [
            f"{title}: {count} {severity}{'s' if count != 1 else ''}"
            for (severity, title), count in ordered[:SHOWN_REASONS]
        ]
        if len(ordered) > SHOWN_REASONS:
            words.append(f"and {len(ordered) - SHOWN_REASONS} more causes")
        named[offset] = tuple(words)
    return named


def _running_sum(differences: list[int]) -> list[int]:
    total, sums = 0, []
    for difference in differences[:-1]:
        total += difference
        sums.append(total)
    return sums
