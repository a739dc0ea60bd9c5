"""Each customer's next touch, placed on a good day of their calendar (kind `touch_due`).

The clock runs from the last touchpoint (any channel), never from a reminder:
the next touch starts at the last touch plus the customer's interval (today
for a customer never touched, and never before today). If a budget close's
act-by day, a contract's notice deadline or a pre-shopping window's opening
falls between today and that day, the touch aims a week before it instead.
Then it moves to the nearest working day within a quarter of the interval
(earlier preferred) with no blocker for a meeting with the customer and,
where possible, no warning such as their busy season. A follow-up or
ask-again date from a touchpoint replaces it when earlier. A meeting booked
in someone's calendar (`BookedMeeting`, from today on) is the next touch,
unless a follow-up comes before it.

"No blocker for a meeting" is the conflict check's own table (`RULES` in
`occurrences/conflicts.py`), so the two never disagree: a new rule (say, busy
seasons that block events) moves touches too without a change here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from calendarapp.kinds import CUSTOMER_CALENDAR, TOUCH_DUE
from calendarapp.lib import cadence, dates
from calendarapp.lib.dates import short_day as said
from calendarapp.models import BookedMeeting, PlanKind
from calendarapp.occurrences import conflicts, sources
from calendarapp.occurrences.scope import OccurrenceSource, Scope, fetch_rows
from calendarapp.occurrences.sources import contracts, imported
from calendarapp.occurrences.value import UNSUBDIVIDED, Occurrence, parse_timestamp
from customers.models import Customer, Touchpoint
from traditions.models import Tradition, TraditionKind

NAME = "touch"
# Aim this long before a deadline the touch should prepare.
AIM_BEFORE = datetime.timedelta(days=7)
SATURDAY = 5
# The kinds a meeting rule or an aim can read: the customer's own calendar but "other" (no rule
# reads it).
PLACEMENT_KINDS = CUSTOMER_CALENDAR - {TraditionKind.OTHER}
# The next touch is never further ahead than the longest interval and a quarter of it.
HORIZON_DAYS = cadence.MAX_DAYS + cadence.MAX_DAYS // 4 + 1
# Occurrence titles read "Get in touch: every 30 days; moved from …".
TITLE_PREFIX = "Get in touch: "
# A follow-up or ask-again date's reason begins so; the digest tells follow-ups apart by it.
FOLLOW_UP_REASON = "follow-up agreed for"
# A booked meeting's reason begins so.
BOOKED_REASON = "meeting booked for"


@dataclass(frozen=True, slots=True)
class NextTouch:
    """Where one customer's next touch was placed, its status and why it falls on that day."""

    customer_id: int
    day: datetime.date
    status: cadence.TouchStatus
    reason: str
    # The latest touchpoint's last change, as the database's text (feeds parse it if asked).
    modified: str | None = None


@dataclass
class _DayMarks:
    """What a candidate day carries: blockers and warnings for a meeting, with their titles."""

    blockers: int = 0
    warnings: int = 0
    titles: list[str] | None = None


def calendar_sources() -> list[OccurrenceSource]:
    """The sources whose occurrences can block, warn about or give an aim to a touch."""
    # Read at call time: this module is one of `SOURCES`, so the tuple is not built at import.
    return [source for source in sources.SOURCES if source.kinds & PLACEMENT_KINDS]


def load(scope: Scope) -> list[Occurrence]:
    # Only when asked for by kind: placing a touch reads the calendar around it again, which
    # the conflict check and the finder (everything, no kinds named) must not pay for.
    if scope.kinds is None:
        return []
    return [
        Occurrence(
            id=f"touch-{touch.customer_id}",
            start=touch.day,
            end=touch.day,
            kind=TOUCH_DUE,
            title=TITLE_PREFIX + touch.reason,
            source=NAME,
            customer_id=touch.customer_id,
            source_id=touch.customer_id,
            phase=touch.status,
            modified=touch.modified,
        )
        for touch in place_touches(scope, timezone.localdate())
        if scope.start <= touch.day <= scope.end
    ]


def place_touches(scope: Scope, today: datetime.date) -> list[NextTouch]:
    """The next touch of every customer in scope, in a fixed number of queries."""
    if not scope.customers:
        return []
    # One query: each customer's interval, last touch and earliest follow-up still ahead of it,
    # each a seek in an index of the customer's touchpoints (a GROUP BY reads all of them).
    # Dates come as text, parsed in C (see `fetch_rows`).
    theirs = Touchpoint.objects.filter(customer=OuterRef("pk"))
    latest = theirs.order_by("-date")
    earliest_follow_up = (
        theirs.filter(follow_up_on__gt=OuterRef("last"))
        .order_by("follow_up_on")
        .values("follow_up_on")[:1]
    )
    # The next meeting booked from today on, a seek in bookedmeeting_customer_start.
    next_booked = (
        BookedMeeting.objects.filter(
            customer=OuterRef("pk"),
            start__gte=timezone.make_aware(datetime.datetime.combine(today, datetime.time())),
        )
        .order_by("start")
        .values("start")[:1]
    )
    rows = fetch_rows(
        Customer.objects.filter(pk__in=scope.customer_ids)
        .order_by()
        .annotate(last=Subquery(latest.values("date")[:1]))
        .annotate(
            last_text=Cast("last", TextField()),
            follow_up_text=Cast(Subquery(earliest_follow_up), TextField()),
            # The latest touch's last change: the feeds' stamp and SEQUENCE grow when it is logged.
            touched_text=Cast(Subquery(latest.values("updated_at")[:1]), TextField()),
            booked_text=Cast(Subquery(next_booked), TextField()),
        )
        .values_list(
            "id",
            "contact_every_days",
            "last_text",
            "follow_up_text",
            "touched_text",
            "booked_text",
        )
    )
    facts = {pk: (every, _day(last)) for pk, every, last, *_ in rows}
    follow_ups = {pk: day for pk, _, _, text, *_ in rows if (day := _day(text)) is not None}
    touched = {pk: stamp for pk, _, _, _, stamp, _ in rows if stamp}
    booked = {pk: timezone.localdate(parse_timestamp(text)) for pk, *_, text in rows if text}

    starts = {
        customer_id: max(today, last + datetime.timedelta(days=every) if last else today)
        for customer_id, (every, last) in facts.items()
    }
    reach = max(
        (starts[i] + datetime.timedelta(days=facts[i][0] // 4) for i in starts), default=today
    )
    by_customer, by_region = _calendar(
        scope, today, reach + datetime.timedelta(days=settings.BUDGET_CLOSE_LEAD_DAYS)
    )
    rules = conflicts.RULES_FOR[PlanKind.MEETING]

    placed = []
    for customer in scope.customers:
        if customer.id not in facts:
            continue
        every, last = facts[customer.id]
        occurrences = [
            *by_customer.get(customer.id, ()),
            *by_region.get((customer.country, ""), ()),
            *by_region.get((customer.country, customer.subdivision or UNSUBDIVIDED), ()),
        ]
        status = cadence.touch_status(last, every, today)
        reason = f"every {every} days"
        if last is None:
            reason = f"every {every} days, no touch yet"
        elif status != cadence.TouchStatus.OK:
            due = last + datetime.timedelta(days=every)
            reason = f"every {every} days, {status} since {said(due, today)}"
        target = starts[customer.id]
        follow_up = follow_ups.get(customer.id)
        meeting = booked.get(customer.id)
        if meeting is not None and (follow_up is None or meeting <= follow_up):
            day = meeting
            reason = f"{reason}; {BOOKED_REASON} {said(meeting, today)}"
        elif follow_up is not None and follow_up < target:
            day = max(today, follow_up)
            reason = f"{FOLLOW_UP_REASON} {said(follow_up, today)}"
        else:
            target, aim = _aimed(target, occurrences, today)
            if aim:
                reason += f"; {aim}"
            day, moved = _good_day(target, every // 4, occurrences, rules, today)
            if moved:
                reason += f"; {moved}"
        placed.append(NextTouch(customer.id, day, status, reason, touched.get(customer.id)))
    return placed


def _calendar(
    scope: Scope, start: datetime.date, end: datetime.date
) -> tuple[dict[int, list[Occurrence]], dict[tuple[str, str], list[Occurrence]]]:
    """The customers' occurrences from `start` to `end` that can move a touch, by owner."""
    window = Scope(
        start=start,
        end=end,
        customers=scope.customers,
        customer_query=scope.customer_query,
        regions=scope.regions,
        kinds=PLACEMENT_KINDS,
        include_plans=False,
    )
    by_customer: dict[int, list[Occurrence]] = defaultdict(list)
    by_region: dict[tuple[str, str], list[Occurrence]] = defaultdict(list)
    for source in calendar_sources():
        for occurrence in source.load(window):
            if occurrence.customer_id is not None:
                by_customer[occurrence.customer_id].append(occurrence)
            else:
                by_region[occurrence.region].append(occurrence)
    return by_customer, by_region


def _aimed(
    target: datetime.date, occurrences: list[Occurrence], today: datetime.date
) -> tuple[datetime.date, str]:
    """A week before the first deadline between today and `target`, with what it is."""
    deadlines = []
    for occurrence in occurrences:
        if occurrence.kind == TraditionKind.BUDGET_CLOSE:
            closes = said(occurrence.start, today)
            when = f"{said(occurrence.act_by, today)} ({occurrence.title} {closes})"
            deadlines.append((occurrence.act_by, f"the act-by day {when}"))
        elif occurrence.phase == contracts.ContractPhase.DECISION:
            deadlines.append(
                (occurrence.start, f"“{occurrence.title}” {said(occurrence.start, today)}")
            )
        elif occurrence.phase == contracts.ContractPhase.PRE_SHOPPING:
            deadlines.append(
                (occurrence.start, f"“{occurrence.title}” opens {said(occurrence.start, today)}")
            )
    ahead = [deadline for deadline in deadlines if today <= deadline[0] <= target]
    if not ahead:
        return target, ""
    day, what = min(ahead)
    return max(today, day - AIM_BEFORE), f"a week before {what}"


def _good_day(
    target: datetime.date,
    reach: int,
    occurrences: list[Occurrence],
    rules: conflicts.RulesFor,
    today: datetime.date,
) -> tuple[datetime.date, str]:
    """The best working day within `reach` days of `target`, and why it moved (or "")."""
    first = max(today, target - datetime.timedelta(days=reach))
    last = target + datetime.timedelta(days=reach)
    marks = _marks(first, last, occurrences, rules)
    candidates = [
        first + datetime.timedelta(days=offset) for offset in range((last - first).days + 1)
    ]
    working = [day for day in candidates if day.weekday() < SATURDAY]
    if not working:  # a window of a weekend only: the next Monday
        working = [last + datetime.timedelta(days=7 - last.weekday())]

    def rank(day: datetime.date) -> tuple[bool, int, int, bool]:
        mark = marks.get(day, _NO_MARKS)
        return (mark.blockers > 0, mark.warnings, abs((day - target).days), day > target)

    best = min(working, key=rank)
    if best == target:
        return best, ""
    why = marks.get(target, _NO_MARKS).titles or []
    if target.weekday() >= SATURDAY:
        why = ["a weekend", *why]
    text = f"moved from {said(target, today)}" + (f", {', '.join(why)}" if why else "")
    if marks.get(best, _NO_MARKS).blockers:
        text += f" (no clear day within {reach} days)"
    return best, text


_NO_MARKS = _DayMarks()


def _marks(
    first: datetime.date,
    last: datetime.date,
    occurrences: list[Occurrence],
    rules: conflicts.RulesFor,
) -> dict[datetime.date, _DayMarks]:
    """Blockers and warnings a one-day meeting would meet on each day from `first` to `last`."""
    marks: dict[datetime.date, _DayMarks] = {}
    for occurrence in occurrences:
        for rule in rules.applying_to(occurrence):
            if rule.severity not in ("blocker", "warning"):
                continue
            span = rule.start_range(occurrence, 1)
            if span is None or span[1] < first or span[0] > last:
                continue
            day = max(span[0], first)
            while day <= min(span[1], last):
                mark = marks.setdefault(day, _DayMarks(titles=[]))
                if rule.severity == "blocker":
                    mark.blockers += 1
                else:
                    mark.warnings += 1
                if mark.titles is not None and occurrence.title not in mark.titles:
                    mark.titles.append(occurrence.title)
                day += dates.ONE_DAY
    return marks


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text[:10]) if text else None


SOURCE: OccurrenceSource = OccurrenceSource(
    name=NAME,
    prefix="touch",
    kinds=frozenset({TOUCH_DUE}),
    # The placement reads the calendar around the touch, so its sources' tables too.
    models=(
        Customer,
        Touchpoint,
        BookedMeeting,
        Tradition,
        *contracts.SOURCE.models,
        *imported.SOURCE.models,
    ),
    load=load,
)
