"""The timeline grid: customers as rows, ISO weeks as columns, occurrences as bars.

Plain Python over `calendar_between`: the view parses the URL into a
`TimelineQuery` (see `calendarapp.forms.TimelineForm`) and this module turns
it into weeks, month headers, grouped rows and positioned bars. A page
costs the same number of queries whether it shows 20 customers or 200.
"""

from __future__ import annotations

import datetime
import html
import math
import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.db.models import Count, F, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe

from calendarapp.kinds import ALL_KINDS, Kind, kind_of
from calendarapp.lib import countries, dates
from calendarapp.lib.urls import path_for_ids
from calendarapp.occurrences.conflicts import RULES_FOR, Severity
from calendarapp.occurrences.customers import CustomerRef
from calendarapp.occurrences.decision_checks import risks
from calendarapp.occurrences.sources import budget
from calendarapp.occurrences.stream import Calendar, calendar_between
from calendarapp.occurrences.touch_states import needing_touch, touch_statuses
from calendarapp.occurrences.value import Occurrence
from calendarapp.occurrences.wording import occurrence_details, when
from customers.models import Customer, CustomerInterest, current_interest_evidence

PAGE_SIZE = 100
# The rolling ranges: weeks shown after today's week, after two weeks of context before it.
ROLLING_WEEKS = {"next-quarter": 13, "next-half": 26, "next-year": 52}
WEEKS_BEFORE_TODAY = 2
DEFAULT_RANGE = "next-quarter"
# Pixel width of one week column per range; the print stylesheet overrides it.
WEEK_WIDTHS = {
    "quarter": 72,
    "half": 44,
    "year": 20,
    "next-quarter": 72,
    "next-half": 44,
    "next-year": 20,
}
# A bar is drawn at least this wide so its letter stays readable; our plans' two letters
# and a blocker's mark need more.
MIN_BAR_PX = 16
MIN_PLAN_BAR_PX = 40
# A bar this wide (at the page's week width) shows its title after its letter.
TITLE_MIN_PX = 44


RANGE_CHOICES = [
    ("next-quarter", "Next 13 weeks"),
    ("next-half", "Next 26 weeks"),
    ("next-year", "Next 52 weeks"),
    ("quarter", "Calendar quarter"),
    ("half", "Calendar half year"),
    ("year", "Calendar year"),
    ("custom", "Custom dates"),
]
GROUP_CHOICES = [("none", "No grouping"), ("country", "Country"), ("owner", "Account owner")]
TOUCH_DUE_FILTER = "due"
TOUCH_CHOICES = [("", "Any"), (TOUCH_DUE_FILTER, "Touch due or overdue")]


def rolling_window(
    range_name: str, first_monday: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """Return a rolling range from `first_monday`: two weeks, today's week, 13, 26 or 52 more."""
    weeks = WEEKS_BEFORE_TODAY + 1 + ROLLING_WEEKS[range_name]
    return first_monday, first_monday + datetime.timedelta(weeks=weeks, days=-1)


def default_first_monday(today: datetime.date) -> datetime.date:
    """A rolling range starts on the Monday two weeks before today's week."""
    return dates.monday_of(today) - datetime.timedelta(weeks=WEEKS_BEFORE_TODAY)


def window_for(range_name: str, anchor: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return the calendar quarter, half year or year that contains `anchor`."""
    months = {"quarter": 3, "half": 6, "year": 12}[range_name]
    first_month = (anchor.month - 1) // months * months + 1
    start = datetime.date(anchor.year, first_month, 1)
    last_month = first_month + months - 1
    return start, datetime.date(
        anchor.year, last_month, dates.days_in_month(anchor.year, last_month)
    )


def neighbours(
    range_name: str, start: datetime.date, end: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """Return the start dates of the previous and the next window of the same size."""
    if range_name == "custom":
        span = end - start + dates.ONE_DAY
        return start - span, start + span
    if range_name in ROLLING_WEEKS:
        # Step by the weeks ahead, so the two weeks before stay in view as context.
        step = datetime.timedelta(weeks=ROLLING_WEEKS[range_name])
        return start - step, start + step
    previous_start, _ = window_for(range_name, start - dates.ONE_DAY)
    return previous_start, end + dates.ONE_DAY


@dataclass(frozen=True)
class TimelineQuery:
    """Everything the URL says about a timeline page, already validated."""

    range: str
    start: datetime.date
    end: datetime.date
    group: str = "none"
    owner_id: int | None = None
    country: str = ""
    kinds: tuple[str, ...] = ()
    interest_id: int | None = None
    search: str = ""
    page: int = 1
    # "due": only customers whose touch is due or overdue (or who were never touched).
    touch: str = ""


@dataclass(frozen=True, slots=True)
class Week:
    year: int
    number: int
    monday: datetime.date
    is_current: bool


@dataclass(frozen=True, slots=True)
class Month:
    label: str
    short: str
    weeks: int


@dataclass(frozen=True, slots=True)
class Bar:
    """Occurrences of one kind drawn as one bar: position and width in percent, and a lane.

    Usually one occurrence; several when they are so close that separate bars
    would overlap at this zoom (Easter's four public holidays in a year view).
    """

    occurrences: tuple[Occurrence, ...]
    style: Kind
    left: float
    width: float
    lane: int
    # Wide enough at this zoom to show the title after the letter.
    titled: bool = False
    # A budget close drawn from its act-by day: the share of the bar that is the lead-in band.
    lead_in: float = 0.0
    # Ids of our plans in the bar that have a blocker for this row's customer.
    blocked: tuple[str, ...] = ()

    @property
    def position(self) -> str:
        """Inline CSS placing the bar; built here so templates never localise the numbers."""
        band = f";--band:{self.lead_in}%" if self.lead_in else ""
        return f"left:{self.left}%;width:{self.width}%;--lane:{self.lane}{band}"

    @property
    def phase(self) -> str:
        """A renewal's phase (pre_shopping, decision, end) when the bar is one occurrence."""
        return self.occurrences[0].phase if len(self.occurrences) == 1 else ""

    @property
    def label(self) -> str:
        """The words in the bar: the title, or for a merged bar the first title and a count."""
        first = self.occurrences[0].title
        more = len(self.occurrences) - 1
        return f"{first} +{more}" if more else first

    @property
    def ids(self) -> str:
        return " ".join(occurrence.id for occurrence in self.occurrences)

    @property
    def tip(self) -> str:
        listed = "; ".join(f"{o.title}, {when(o)}" for o in self.occurrences)
        if self.lead_in:
            listed += f" (act by {dates.format_day(self.occurrences[0].act_by)})"
        blocked = " (blocker for this customer)" if self.blocked else ""
        return f"{self.style.label}: {listed}{blocked}"


@dataclass
class Row:
    customer: CustomerRef
    bars: list[Bar]
    lanes: int
    # The contact cadence's status (never, ok, due, overdue); overdue rows are marked.
    touch_status: str = ""
    # "Are we just a data point?" says high: the row is marked.
    high_risk: bool = False
    # The week columns the row's cell spans, and the customer's page.
    weeks: int = 1
    url: str = ""
    # The bars as buttons, built in Python: a template loop over thousands is too slow.
    bars_html: str = ""

    @property
    def html(self) -> SafeString:
        """The whole table row, built here for the same reason: a page has a hundred of them,
        and the template's tags and lookups cost more than its bars."""
        customer = self.customer
        name = html.escape(customer.name)
        url = self.url
        region = customer.country + (f"-{customer.subdivision}" if customer.subdivision else "")
        marks = ""
        if self.touch_status == "overdue":
            marks += (
                ' <span class="tag touch-overdue" title="The next touch is overdue">'
                "touch overdue</span>"
            )
        if self.high_risk:
            marks += (
                f' <a class="tag risk-high" href="{url}#risk-title" title="Are we just a data '
                'point? High risk: see why">⚠ high risk</a>'
            )
        return mark_safe(  # noqa: S308 - names and codes escaped, the rest our own
            f'<tr data-customer="{name}" data-url="{url}">\n'
            f'      <th scope="row"><a href="{url}" title="{name}">{name}</a> '
            f'<span class="tl-cc">{html.escape(region)}</span>{marks}</th>\n'
            f'      <td colspan="{self.weeks}" class="tl-cell"><div class="track" '
            f'style="--lanes:{self.lanes}">{self.bars_html}</div></td>\n'
            "    </tr>"
        )


def _bar_button(bar: Bar) -> str:
    # Kinds and codes are our own constants; titles and ids come from data and are escaped.
    kind = bar.style.value
    classes = f"bar k-{kind}"
    if bar.style.ours:
        classes += " ours"
    if bar.phase:
        classes += f" phase-{bar.phase}"
    if bar.lead_in:
        classes += " lead-in"
    # A blocked plan says so in a mark and in words, not in colour alone.
    flag = '<span class="bar-flag" aria-hidden="true">!</span>' if bar.blocked else ""
    blocked = ""
    if bar.blocked:
        classes += " blocked"
        # Which of the bar's plans, so the details dialog says it beside each.
        blocked = f' data-blocked="{html.escape(" ".join(bar.blocked))}"'
    title = f'<span class="bar-title">{html.escape(bar.label)}</span>' if bar.titled else ""
    tip = html.escape(bar.tip)
    return (
        f'<button type="button" class="{classes}" style="{bar.position}" '
        f'data-ids="{html.escape(bar.ids)}"{blocked} data-kind="{kind}" '
        f'title="{tip}" aria-label="{tip}">'
        f'{flag}<span class="bar-code">{bar.style.code}</span>{title}</button>'
    )


@dataclass
class Group:
    key: object
    label: str
    total: int
    rows: list[Row] = field(default_factory=list)

    @property
    def rows_html(self) -> SafeString:
        """The rows, each on its own indented line as a template loop would write them: the
        loop's lookups cost more than the rows once these are remembered."""
        return mark_safe("".join(f"\n    {row.html}\n    " for row in self.rows))  # noqa: S308


@dataclass
class Timeline:
    query: TimelineQuery
    first_day: datetime.date
    last_day: datetime.date
    weeks: list[Week]
    months: list[Month]
    week_px: int
    groups: list[Group]
    total: int
    page: int
    pages: int
    today_left: float | None
    # What the details dialog shows of each occurrence, and that as the page's JSON.
    details: dict[str, dict[str, str]]
    details_script: SafeString

    @property
    def short_months(self) -> bool:
        """Narrow week columns (a year) have room for "Sep", not "September"."""
        return self.week_px < 40

    @property
    def first_row(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last_row(self) -> int:
        return min(self.total, self.page * PAGE_SIZE)


def filtered_customers(query: TimelineQuery, base: QuerySet[Customer] | None = None) -> QuerySet:
    """Apply the owner, country, interest and name filters to the active customers."""
    customers = base if base is not None else Customer.objects.filter(active=True)
    if query.owner_id is not None:
        customers = customers.filter(owner_id=query.owner_id)
    if query.country:
        customers = customers.filter(country=query.country)
    if query.interest_id is not None:  # as the planner's audience: current evidence only
        customers = customers.filter(
            pk__in=CustomerInterest.objects.filter(
                current_interest_evidence(timezone.localdate()), interest_id=query.interest_id
            ).values("customer_id")
        )
    if query.search:
        customers = customers.filter(name__icontains=query.search)
    if query.touch == TOUCH_DUE_FILTER:
        customers = customers.filter(pk__in=needing_touch(customers))
    return customers


def _ordering(group: str) -> list:
    if group == "country":
        return ["country", "name", "id"]
    if group == "owner":
        return [F("owner__username").asc(nulls_last=True), "name", "id"]
    return ["name", "id"]


def build_timeline(query: TimelineQuery, *, today: datetime.date) -> Timeline:
    """Lay out one page of the timeline for a validated query."""
    customers = filtered_customers(query)
    total = customers.count()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(query.page, pages)  # a page past the end shows the last one
    offset = (page - 1) * PAGE_SIZE
    page_rows = list(
        customers.order_by(*_ordering(query.group)).values_list(
            "id", "country", "owner__username", "owner__first_name", "owner__last_name"
        )[offset : offset + PAGE_SIZE]
    )
    page_ids = [row[0] for row in page_rows]

    weeks = dates.iso_weeks(query.start, query.end)
    first_day = weeks[0][2]
    last_day = weeks[-1][2] + datetime.timedelta(days=6)
    calendar = calendar_between(
        first_day,
        last_day,
        customers=Customer.objects.filter(id__in=page_ids),
        # Every kind, named: the next touches are made only when asked for.
        kinds=query.kinds or ALL_KINDS,
    )
    touches = touch_statuses(Customer.objects.filter(id__in=page_ids))
    high_risk = {
        pk
        for pk, risk in risks(Customer.objects.filter(id__in=page_ids), today, ids=page_ids).items()
        if risk.high
    }
    week_px = WEEK_WIDTHS.get(query.range) or max(20, min(72, 1400 // len(weeks)))
    layout = _Layout(first_day, last_day, week_px)
    drawing = _drawing(calendar, layout, today, page_ids)
    groups: list[Group] = []
    group_totals = _group_totals(customers, query.group)
    customer_url = path_for_ids("customer-detail")
    for customer_id, country, username, first_name, last_name in page_rows:
        key, label = _group_of(query.group, country, username, first_name, last_name)
        if not groups or groups[-1].key != key:
            groups.append(Group(key=key, label=label, total=group_totals.get(key, 0)))
        # The remembered bars with this request's marks, which the calendar does not hold.
        row = replace(
            drawing.rows[customer_id],
            touch_status=touches.get(customer_id, ""),
            high_risk=customer_id in high_risk,
            url=customer_url(customer_id),
        )
        groups[-1].rows.append(row)

    return Timeline(
        query=query,
        first_day=first_day,
        last_day=last_day,
        weeks=[
            Week(year, number, monday, monday <= today <= monday + datetime.timedelta(days=6))
            for year, number, monday in weeks
        ],
        months=_months(weeks),
        week_px=week_px,
        groups=groups,
        total=total,
        page=page,
        pages=pages,
        today_left=layout.percent(today) if first_day <= today <= last_day else None,
        details=drawing.details,
        details_script=drawing.details_script,
    )


@dataclass(frozen=True)
class Drawing:
    """A page's rows as its calendar draws them (no marks) and its occurrences' details."""

    # Weak: a drawing lives no longer than the process remembers its calendar.
    calendar: weakref.ref[Calendar]
    rows: dict[int, Row]
    details: dict[str, dict[str, str]]
    details_script: SafeString


class RecentDrawings:
    """The pages this process drew lately, each good only for the very calendar it was drawn
    from while that calendar is remembered, least recently used first out.

    Kept apart from the calendars and bounded by count: a drawing weighs about its page's
    HTML and more (measured on the bench: 1.2 MB for 100 customers over 17 weeks, 3 MB over
    a year), several times its calendar, which the calendars' budget does not count.
    """

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self._drawings: OrderedDict[Hashable, Drawing] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, calendar: Calendar, key: Hashable) -> Drawing | None:
        with self._lock:
            # A calendar gone may leave its id to another: the reference tells them apart.
            drawing = self._drawings.get((id(calendar), key))
            if drawing is None or drawing.calendar() is not calendar:
                return None
            self._drawings.move_to_end((id(calendar), key))
            return drawing

    def put(self, calendar: Calendar, key: Hashable, drawing: Drawing) -> None:
        with self._lock:
            # Drawings of calendars gone first: they can never be asked for again.
            for gone in [k for k, d in self._drawings.items() if d.calendar() is None]:
                del self._drawings[gone]
            self._drawings[id(calendar), key] = drawing
            while len(self._drawings) > self.keep:
                self._drawings.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._drawings.clear()

    def __len__(self) -> int:
        return len(self._drawings)


RECENT_DRAWINGS = RecentDrawings(keep=16)


def _drawing(
    calendar: Calendar, layout: _Layout, today: datetime.date, page_ids: list[int]
) -> Drawing:
    """Draw the page's rows, or find them drawn from this calendar, which never changes (an
    edit renews it as a new one), for the window, zoom, day and page."""
    key = (layout.first_day, layout.last_day, layout.day_px, today, *page_ids)
    remembered = RECENT_DRAWINGS.get(calendar, key)
    if remembered is not None:
        return remembered
    refs = {ref.id: ref for ref in calendar.customers}
    rows: dict[int, Row] = {}
    details: dict[str, dict[str, str]] = {}
    for customer_id in page_ids:
        occurrences = calendar.for_customer(refs[customer_id])
        rows[customer_id] = layout.row(refs[customer_id], occurrences)
        for occurrence in occurrences:
            if occurrence.id not in details:
                details[occurrence.id] = occurrence_details(occurrence, today)
    drawing = Drawing(weakref.ref(calendar), rows, details, json_script(details, "tl-data"))
    RECENT_DRAWINGS.put(calendar, key, drawing)
    return drawing


SHEET_HEADER: list[object] = [
    "customer",
    "country",
    "subdivision",
    "kind",
    "title",
    "start",
    "end",
    "id",
]


def timeline_sheet(query: TimelineQuery) -> list[list[object]]:
    """Every occurrence of the query's customers (all pages, not one) in its window: a sheet.

    The header comes first; each customer's rows follow in name order, by date.
    """
    calendar = calendar_between(
        query.start,
        query.end,
        customers=filtered_customers(query),
        kinds=query.kinds or ALL_KINDS,
    )
    rows: list[list[object]] = [SHEET_HEADER]
    for customer in calendar.customers:
        rows += [
            [
                customer.name,
                customer.country,
                customer.subdivision,
                kind_of(occurrence.kind).label,
                occurrence.title,
                occurrence.start,
                occurrence.end,
                occurrence.id,
            ]
            for occurrence in calendar.for_customer(customer)
        ]
    return rows


def _group_totals(customers: QuerySet[Customer], group: str) -> dict[object, int]:
    """Count the customers of each group over all pages, in one query."""
    if group == "none":
        return {}
    column = "country" if group == "country" else "owner__username"
    return {
        row[column]: row["n"] for row in customers.order_by().values(column).annotate(n=Count("id"))
    }


def _group_of(
    group: str, country: str, username: str | None, first_name: str | None, last_name: str | None
) -> tuple[object, str]:
    if group == "country":
        return country, f"{countries.country_name(country)} ({country})"
    if group == "owner":
        if username is None:
            return None, "No account owner"
        full_name = f"{first_name or ''} {last_name or ''}".strip()
        return username, f"{full_name} ({username})" if full_name else username
    return None, ""


def _months(weeks: Sequence[tuple[int, int, datetime.date]]) -> list[Month]:
    """Group week columns under month names; a week belongs to the month of its Thursday."""
    months: list[Month] = []
    previous = None
    for _, _, monday in weeks:
        thursday = monday + datetime.timedelta(days=3)
        key = (thursday.year, thursday.month)
        if key != previous:
            with_year = thursday.month == 1 or not months
            months.append(
                Month(
                    date_format(thursday, "F Y" if with_year else "F"),
                    date_format(thursday, "M Y" if with_year else "M"),
                    0,
                )
            )
            previous = key
        last = months[-1]
        months[-1] = Month(last.label, last.short, last.weeks + 1)
    return months


class _Layout:
    """Turns dates into percentages of the row and packs overlapping bars into lanes."""

    def __init__(self, first_day: datetime.date, last_day: datetime.date, week_px: int):
        self.first_day = first_day
        self.last_day = last_day
        self.days = (last_day - first_day).days + 1
        self.day_px = week_px / 7
        self.min_days = max(1, math.ceil(MIN_BAR_PX / self.day_px))
        self.min_plan_days = max(1, math.ceil(MIN_PLAN_BAR_PX / self.day_px))

    def percent(self, day: datetime.date) -> float:
        return round((day - self.first_day).days * 100 / self.days, 3)

    def row(self, customer: CustomerRef, occurrences: Iterable[Occurrence]) -> Row:
        occurrences = list(occurrences)
        blocked = _blocked_plans(occurrences)
        lane_ends: list[datetime.date] = []
        bars = []
        for start, shown_end, cluster in self._clusters(occurrences):
            lane = next((i for i, busy in enumerate(lane_ends) if busy < start), len(lane_ends))
            if lane == len(lane_ends):
                lane_ends.append(shown_end)
            else:
                lane_ends[lane] = shown_end
            days = (shown_end - start).days + 1
            first = cluster[0]
            lead_in = 0.0
            if first.source == budget.NAME and start < first.start:
                lead_in = min(100.0, round((first.start - start).days * 100 / days, 3))
            bars.append(
                Bar(
                    occurrences=tuple(cluster),
                    style=kind_of(first.kind),
                    left=self.percent(start),
                    width=round(days * 100 / self.days, 3),
                    lane=lane,
                    titled=days * self.day_px >= TITLE_MIN_PX,
                    lead_in=lead_in,
                    blocked=tuple(o.id for o in cluster if o.id in blocked),
                )
            )
        return Row(
            customer=customer,
            bars=bars,
            lanes=max(1, len(lane_ends)),
            weeks=self.days // 7,
            bars_html="".join(_bar_button(bar) for bar in bars),
        )

    def _clusters(
        self, occurrences: Iterable[Occurrence]
    ) -> list[tuple[datetime.date, datetime.date, list[Occurrence]]]:
        """Clip to the window and merge same-kind occurrences whose drawn bars would overlap.

        A budget close is drawn from its act-by day, so its lead-in shows as a band. A bar too
        short to read is widened to the right, or to the left at the window's last days, so a
        one-day item on the last day is drawn whole, not cut by the edge.
        """
        open_by_kind: dict[str, list] = {}
        done: list[list] = []
        for occurrence in occurrences:
            first = occurrence.act_by if occurrence.source == budget.NAME else occurrence.start
            least = self.min_plan_days if occurrence.ours else self.min_days
            start = max(first, self.first_day)
            end = min(occurrence.end, self.last_day)
            shown_end = min(self.last_day, max(end, start + datetime.timedelta(days=least - 1)))
            start = min(start, max(self.first_day, shown_end - (least - 1) * dates.ONE_DAY))
            current = open_by_kind.get(occurrence.kind)
            if current is not None and current[1] >= start:
                current[1] = max(current[1], shown_end)
                current[2].append(occurrence)
                continue
            if current is not None:
                done.append(current)
            open_by_kind[occurrence.kind] = [start, shown_end, [occurrence]]
        done.extend(open_by_kind.values())
        done.sort(key=lambda cluster: (cluster[0], cluster[2][0].id))
        return [(start, shown_end, cluster) for start, shown_end, cluster in done]


def _blocked_plans(occurrences: Sequence[Occurrence]) -> set[str]:
    """Ids of our plans that one of the customer's own occurrences blocks, by the check's rules."""
    plans = [occurrence for occurrence in occurrences if occurrence.ours]
    if not plans:
        return set()
    others = [occurrence for occurrence in occurrences if not occurrence.ours]
    blocked = set()
    for plan in plans:
        rules = RULES_FOR.get(plan.kind)
        if rules is None:
            continue
        for other in others:
            for rule in rules.applying_to(other):
                starts = rule.severity == Severity.BLOCKER and rule.start_range(other, plan.days)
                if starts and starts[0] <= plan.start <= starts[1]:
                    blocked.add(plan.id)
    return blocked
