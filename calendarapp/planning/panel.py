"""What the planner page shows beside the form: the check, five suggestions and a heat map.

The full page and the live fragment both call `planner_panel`, so they show
exactly the same thing.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from calendarapp.lib import dates
from calendarapp.occurrences.stream import collector_paused
from calendarapp.planning.check import CheckResult, Finding, audience_calendar, check_plan
from calendarapp.planning.drafts import Draft
from calendarapp.planning.suggest import DEFAULT_SEARCH_WEEKS, Suggestion, WeekLoad, suggest_dates

# More findings than this per severity are summarised as "and N more".
SHOWN_FINDINGS = 25
HEAT_LEVELS = 3
# Up to this span the check and the suggestions share one calendar load.
SHARED_DAYS = 366


@dataclass(frozen=True)
class HeatCell:
    """One ISO week of the heat map, with a colour level and the words for it."""

    load: WeekLoad
    css: str
    label: str


@dataclass(frozen=True)
class SeverityBlock:
    severity: str
    title: str
    findings: list[Finding]
    more: int


@dataclass(frozen=True)
class PlannerPanel:
    draft: Draft
    check: CheckResult
    blocks: list[SeverityBlock]
    suggestions: list[Suggestion]
    heat: list[HeatCell]
    search_start: datetime.date


def planner_panel(draft: Draft, *, search_from: datetime.date) -> PlannerPanel:
    """Check the draft and find its best start dates in the 26 weeks from `search_from`."""
    search_end = dates.monday_of(search_from) + datetime.timedelta(
        weeks=DEFAULT_SEARCH_WEEKS, days=-1
    )
    # The plan usually lies in or near the search range: then one load serves both.
    first, last = min(draft.start, search_from), max(draft.end, search_end)
    with collector_paused():
        shared = (
            audience_calendar(draft, first, last) if (last - first).days <= SHARED_DAYS else None
        )
        check = check_plan(draft, calendar=shared)
        found = suggest_dates(
            draft,
            duration_days=draft.days,
            search_start=search_from,
            search_end=search_end,
            calendar=shared,
        )
    return PlannerPanel(
        draft=draft,
        check=check,
        blocks=severity_blocks(check),
        suggestions=found.suggestions,
        heat=heat_cells(found.weeks),
        search_start=search_from,
    )


def severity_blocks(check: CheckResult) -> list[SeverityBlock]:
    titles = {"blocker": "Blockers", "warning": "Warnings", "opportunity": "Opportunities"}
    blocks = []
    for severity, title in titles.items():
        findings = [finding for finding in check.findings if finding.severity == severity]
        blocks.append(
            SeverityBlock(
                severity, title, findings[:SHOWN_FINDINGS], max(0, len(findings) - SHOWN_FINDINGS)
            )
        )
    return blocks


def heat_cells(weeks: list[WeekLoad]) -> list[HeatCell]:
    """Colour each week: red levels by blockers, else amber levels by warnings, else clear.

    Levels are relative to the busiest week in view, so one large country
    does not wash every other week out.
    """
    most_blockers = max((week.blocker for week in weeks), default=0)
    most_warnings = max((week.warning for week in weeks), default=0)
    cells = []
    for week in weeks:
        if week.blocker:
            css = f"heat-b{math.ceil(HEAT_LEVELS * week.blocker / most_blockers)}"
        elif week.warning:
            css = f"heat-w{math.ceil(HEAT_LEVELS * week.warning / most_warnings)}"
        else:
            css = "heat-0"
        label = (
            f"Week {week.week} (from {dates.format_day(week.monday)}): "
            f"{_customers(week.blocker)} with a blocker, {_customers(week.warning)} with a warning"
        )
        cells.append(HeatCell(week, css, label))
    return cells


def _customers(count: int) -> str:
    return f"{count} customer{'s' if count != 1 else ''}"
