"""What the planner page shows beside the form: the check, better dates and a heat map.

The full page and the live fragment both call `planner_panel`, so they show
exactly the same thing. Findings are shown grouped by cause; long lists end
in "… and N more", which opens in place.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from calendarapp.lib import dates
from calendarapp.occurrences.audience import stale_only_count
from calendarapp.occurrences.stream import collector_paused
from calendarapp.planning.check import (
    CheckResult,
    Finding,
    FindingGroup,
    audience_calendar,
    check_plan,
)
from calendarapp.planning.drafts import Draft
from calendarapp.planning.suggest import Suggestion, WeekLoad, search_range, suggest_dates

# More groups than this per severity, or customers per group, are behind "… and N more".
SHOWN_GROUPS = 8
SHOWN_CUSTOMERS = 8
HEAT_LEVELS = 3
# Up to this span the check and the suggestions share one calendar load.
SHARED_DAYS = 366


@dataclass(frozen=True)
class HeatCell:
    """One ISO week of the heat map: its best start day, a colour level and the words for it."""

    load: WeekLoad
    css: str
    label: str
    # The best start day's last day, for applying the week with one click.
    best_end: datetime.date | None


@dataclass(frozen=True)
class GroupView:
    group: FindingGroup
    shown: list[Finding]
    hidden: list[Finding]


@dataclass(frozen=True)
class SeverityBlock:
    severity: str
    title: str
    groups: list[GroupView]
    more: list[GroupView]
    count: int


@dataclass(frozen=True)
class SuggestionView:
    suggestion: Suggestion
    headline: str
    outcome: str


@dataclass(frozen=True)
class PlannerPanel:
    draft: Draft
    check: CheckResult
    blocks: list[SeverityBlock]
    suggestions: list[SuggestionView]
    note: str
    heat: list[HeatCell]
    search_start: datetime.date
    search_end: datetime.date
    # Customers reached, and those an interest would reach too if its evidence were current.
    reached: int = 0
    stale_more: int = 0

    @property
    def reach(self) -> str:
        """ "12 customers, 5 more with stale evidence": whom the plan reaches, and whom not."""
        words = f"{self.reached} customer{'s' if self.reached != 1 else ''}"
        if self.stale_more:
            words += f", {self.stale_more} more with stale evidence"
        return words


def planner_panel(
    draft: Draft,
    *,
    today: datetime.date,
    search_start: datetime.date | None = None,
    search_end: datetime.date | None = None,
) -> PlannerPanel:
    """Check the draft and find better start days near it (or in the range given)."""
    search_start, search_end = search_range(
        draft.kind, draft.start, draft.days, today, search_start, search_end
    )
    search_end = max(search_end, search_start)  # a range ending before the default start
    # The plan usually lies in or near the search range: then one load serves both.
    first, last = min(draft.start, search_start), max(draft.end, search_end)
    with collector_paused():
        shared = (
            audience_calendar(draft, first, last) if (last - first).days <= SHARED_DAYS else None
        )
        check = check_plan(draft, calendar=shared)
        found = suggest_dates(
            draft,
            search_start=search_start,
            search_end=search_end,
            today=today,
            calendar=shared,
        )
    return PlannerPanel(
        draft=draft,
        check=check,
        blocks=severity_blocks(check),
        suggestions=[suggestion_view(suggestion) for suggestion in found.suggestions],
        note=found.note,
        heat=heat_cells(found.weeks, draft.days),
        search_start=search_start,
        search_end=search_end,
        reached=sum(check.audience_countries.values()),
        stale_more=stale_only_count(draft.customer_ids, draft.countries, draft.interest_ids),
    )


def severity_blocks(check: CheckResult) -> list[SeverityBlock]:
    titles = {"blocker": "Blockers", "warning": "Warnings", "opportunity": "Opportunities"}
    groups = check.groups
    blocks = []
    for severity, title in titles.items():
        views = [
            GroupView(group, group.findings[:SHOWN_CUSTOMERS], group.findings[SHOWN_CUSTOMERS:])
            for group in groups
            if group.severity == severity
        ]
        count = sum(len(view.group.findings) for view in views)
        blocks.append(
            SeverityBlock(severity, title, views[:SHOWN_GROUPS], views[SHOWN_GROUPS:], count)
        )
    return blocks


def distance_words(days: int) -> str:
    """Say how far a suggestion is from the intended start: "One week later", "3 days earlier"."""
    if days == 0:
        return "Your date"
    direction = "later" if days > 0 else "earlier"
    days = abs(days)
    if days % 7 == 0:
        weeks = days // 7
        return f"{'One week' if weeks == 1 else f'{weeks} weeks'} {direction}"
    if days >= 14:
        return f"About {round(days / 7)} weeks {direction}"
    return f"{'One day' if days == 1 else f'{days} days'} {direction}"


def suggestion_view(suggestion: Suggestion) -> SuggestionView:
    week = suggestion.start.isocalendar().week
    return SuggestionView(
        suggestion,
        headline=f"{distance_words(suggestion.distance_days)} (week {week})",
        outcome=_outcome(suggestion.summary),
    )


def _outcome(summary: dict[str, int]) -> str:
    parts = [
        _counted(summary[severity], word)
        for severity, word in (
            ("blocker", "blocker"),
            ("warning", "warning"),
            ("opportunity", "opportunity"),
        )
        if summary[severity]
    ]
    if not summary["blocker"] and not summary["warning"]:
        parts.insert(0, "no conflicts")
    return ", ".join(parts)


def _counted(count: int, word: str) -> str:
    plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{count} {word if count == 1 else plural}"


def heat_cells(weeks: list[WeekLoad], duration_days: int) -> list[HeatCell]:
    """Colour each week by its best start day: red levels by blockers, amber by warnings.

    Levels are relative to the worst week in view, so one large country does
    not wash every other week out.
    """
    most_blockers = max((week.blocker for week in weeks), default=0)
    most_warnings = max((week.warning for week in weeks), default=0)
    cells = []
    for week in weeks:
        best_end = None
        if week.best_start is None:
            css = "heat-none"
            label = f"Week {week.week}, {week.year}: no start day in the search range"
        else:
            best_end = week.best_start + datetime.timedelta(days=duration_days - 1)
            if week.blocker:
                css = f"heat-b{math.ceil(HEAT_LEVELS * week.blocker / most_blockers)}"
            elif week.warning:
                css = f"heat-w{math.ceil(HEAT_LEVELS * week.warning / most_warnings)}"
            else:
                css = "heat-0"
            summary = {"blocker": week.blocker, "warning": week.warning}
            summary["opportunity"] = week.opportunity
            label = (
                f"Week {week.week}, {week.year}: best start "
                f"{week.best_start:%a} {dates.format_day(week.best_start)}, {_outcome(summary)}"
            )
        cells.append(HeatCell(week, css, label, best_end))
    return cells
