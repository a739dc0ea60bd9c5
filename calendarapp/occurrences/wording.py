"""How an occurrence is said on a page: its dates, when to act, its details dialog, by month.

Shared by the timeline, the country page and the customer page, so a date or an
act-by day reads the same on each.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from calendarapp.kinds import Kind, kind_of
from calendarapp.lib import countries, dates
from calendarapp.occurrences.value import Occurrence


def when(occurrence: Occurrence) -> str:
    return _span(occurrence.start, occurrence.end)


@functools.lru_cache(maxsize=8192)
def _span(start: datetime.date, end: datetime.date) -> str:
    """Dates repeat across a page's rows (holidays, yearly traditions): format each pair once."""
    return dates.format_span(start, end)


@functools.lru_cache(maxsize=8192)
def _span_with_weeks(start: datetime.date, end: datetime.date) -> str:
    """Say "12–16 Oct 2026 (week 42, 5 days)"."""
    first, last = start.isocalendar(), end.isocalendar()
    weeks = (
        f"week {first.week}"
        if (first.year, first.week) == (last.year, last.week)
        else f"weeks {first.week}–{last.week}"
    )
    days = (end - start).days + 1
    return f"{_span(start, end)} ({weeks}, {days} day{'s' if days != 1 else ''})"


def lead_time_hint(occurrence: Occurrence, today: datetime.date) -> str:
    """Say when to act, for things with a lead time: "act by 1 Aug 2026".

    The one act-by sentence: the customer page, Today, its email and API, and Opportunities.
    """
    if occurrence.lead_time_days <= 0:
        return ""
    if occurrence.act_by < today:
        return f"act-by date {dates.format_day(occurrence.act_by)} has passed"
    return f"act by {dates.format_day(occurrence.act_by)}"


def occurrence_details(occurrence: Occurrence, today: datetime.date) -> dict[str, str]:
    """What the details dialog shows for one occurrence."""
    style = kind_of(occurrence.kind)
    region = ""
    if occurrence.customer_id is None and occurrence.country:
        region = countries.country_name(occurrence.country)
        if occurrence.subdivision:
            region += f", {countries.subdivision_name(occurrence.country, occurrence.subdivision)}"
    return {
        "title": occurrence.title,
        "kind": style.label,
        "code": style.code,
        "when": _span_with_weeks(occurrence.start, occurrence.end),
        "act_by": lead_time_hint(occurrence, today),
        "region": region,
        "plan_url": reverse("plan-edit", args=[occurrence.source_id])
        if occurrence.ours and occurrence.source_id
        else "",
    }


@dataclass(frozen=True, slots=True)
class Item:
    """An occurrence with the words the customer page shows beside it."""

    occurrence: Occurrence
    style: Kind
    when: str
    hint: str


def items(occurrences: Iterable[Occurrence], today: datetime.date) -> list[Item]:
    return [
        Item(
            occurrence,
            kind_of(occurrence.kind),
            when(occurrence),
            lead_time_hint(occurrence, today),
        )
        for occurrence in occurrences
    ]


def months_of_year(
    occurrences: Iterable[Occurrence], year: int, today: datetime.date
) -> list[tuple[datetime.date, list[Item]]]:
    """Sort a year's occurrences into its months; a long one shows in every month it touches."""
    months = []
    listed = items(occurrences, today)
    for month in range(1, 13):
        first = datetime.date(year, month, 1)
        last = datetime.date(year, month, dates.days_in_month(year, month))
        months.append((first, [item for item in listed if item.occurrence.overlaps(first, last)]))
    return months
