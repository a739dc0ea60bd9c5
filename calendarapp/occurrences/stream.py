"""The occurrence stream: every source, expanded into one list for a date window.

`calendar_between` is the one entry point. It runs each source in `SOURCES`
(each loads with one query or two, values only, no model instances: the
expansion must stay fast for thousands of customers) and returns a
`Calendar` that answers "what is on this customer's calendar". The number of
queries does not depend on how many customers there are.

A process remembers the calendars it built lately by what was asked, with
the change log's mark (`version.py`, read from the database, so another
process's edit is seen), so the check, the finder, the planner panel, the
timeline and the reminders do not rebuild a calendar while nothing changed.
After an edit a remembered calendar is renewed, not rebuilt: only the
customers and countries the log names are read again (and the plans, when
they or whom they reach changed), and spliced into the rest. A `Calendar` is
therefore shared: its tuples cannot change, and its occurrences are values
nobody may modify.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import functools
import gc
import operator
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from django.utils import timezone

from calendarapp.kinds import TOUCH_DUE
from calendarapp.lib.countries import subdivision_names
from calendarapp.lib.validation import MAX_SPAN_DAYS
from calendarapp.occurrences.audience import AudienceIndex
from calendarapp.occurrences.customers import CustomerRef, load_customers
from calendarapp.occurrences.scope import OccurrenceSource, Region, Scope
from calendarapp.occurrences.sources import SOURCES, plans
from calendarapp.occurrences.value import UNSUBDIVIDED, Occurrence
from calendarapp.occurrences.version import ChangeMark, Changes, change_mark, changes_since
from customers.models import Customer

BY_DATE = operator.attrgetter("start", "end", "id")
_BY_ID = operator.attrgetter("id")
_BY_END = operator.attrgetter("end")
_BY_START = operator.attrgetter("start")
# A window longer than this is refused by the API and the pages.
MAX_WINDOW_DAYS = MAX_SPAN_DAYS


_MEMO_LOCK = threading.Lock()
# How many answers a calendar remembers (and hands on to the calendar that renews it).
MEMO_KEEP = 32


@dataclass(frozen=True)
class Calendar:
    """The occurrences of a window, sorted by start and indexed on first use; shared, unchanged."""

    start: datetime.date
    end: datetime.date
    customers: tuple[CustomerRef, ...]
    occurrences: tuple[Occurrence, ...]
    # The regions whose own items it holds (its customers' and the whole countries asked for).
    regions: frozenset[Region] = frozenset()
    # Answers remembered by the calendar this one renewed, with the customers whose part of
    # them is stale and whether the plans' part is: `Stale` (a check patches them).
    stale: OrderedDict[Hashable, Stale] = field(
        default_factory=OrderedDict, compare=False, repr=False
    )

    # cached_property writes the instance's __dict__ directly, which a frozen dataclass allows.
    @functools.cached_property
    def audience(self) -> AudienceIndex:
        """Which of the calendar's customers each occurrence concerns."""
        return AudienceIndex(self.customers)

    @functools.cached_property
    def memo(self) -> OrderedDict[Hashable, object]:
        """Answers computed from this calendar alone (a check of one draft, say), newest last.

        The calendar never changes, so neither do they; a consumer bounds what it keeps
        with `remember`.
        """
        return OrderedDict()

    @functools.cached_property
    def derived(self) -> OrderedDict[Hashable, object]:
        """Answers computed from this calendar alone that no renewal patches (Today's items),
        apart from `memo`: a renewal drops them, and many checks never push them out."""
        return OrderedDict()

    def remember(
        self, key: Hashable, value: object, keep: int = MEMO_KEEP, *, carried: bool = True
    ) -> None:
        """Keep `value` under `key` in `memo` (or, not `carried` to a renewal, in `derived`),
        dropping the oldest beyond `keep`."""
        kept = self.memo if carried else self.derived
        with _MEMO_LOCK:
            kept[key] = value
            while len(kept) > keep:
                kept.popitem(last=False)

    @functools.cached_property
    def starts(self) -> list[datetime.date]:
        """Each occurrence's first day, in order, to bisect."""
        return [occurrence.start for occurrence in self.occurrences]

    @functools.cached_property
    def longest(self) -> datetime.timedelta:
        """The longest occurrence's span: how far before a day one can start and still reach it."""
        return max((o.end - o.start for o in self.occurrences), default=datetime.timedelta(0))

    @functools.cached_property
    def by_owner(self) -> dict[int | None, tuple[list[datetime.date], list[Occurrence]]]:
        """Each customer's own occurrences, and (under None) the regions' and our plans', each
        with its first days to bisect: a check of a few customers' plan reads only theirs."""
        runs: dict[int | None, tuple[list[datetime.date], list[Occurrence]]] = {
            owner: ([o.start for o in items], items) for owner, items in self._own.items()
        }
        shared = [o for o in self.occurrences if o.customer_id is None]  # plans have none
        if shared:
            runs[None] = ([o.start for o in shared], shared)
        return runs

    @functools.cached_property
    def _by_customer(self) -> dict[int, list[Occurrence]]:
        # The occurrences are sorted, so each customer's list is too.
        audience = self.audience
        by_customer: dict[int, list[Occurrence]] = defaultdict(list)
        for occurrence in self.occurrences:
            for customer in audience.concerned(occurrence):
                by_customer[customer.id].append(occurrence)
        return by_customer

    @functools.cached_property
    def _by_region(self) -> dict[Region, list[Occurrence]]:
        by_region: dict[Region, list[Occurrence]] = defaultdict(list)
        for occurrence in self.occurrences:
            if occurrence.customer_id is None and not occurrence.ours:
                by_region[occurrence.region].append(occurrence)
        return by_region

    @functools.cached_property
    def _own(self) -> dict[int, list[Occurrence]]:
        own: dict[int, list[Occurrence]] = defaultdict(list)
        for occurrence in self.occurrences:
            if occurrence.customer_id is not None:
                own[occurrence.customer_id].append(occurrence)
        return dict(own)

    @functools.cached_property
    def _ours(self) -> list[Occurrence]:
        return [occurrence for occurrence in self.occurrences if occurrence.ours]

    def own_items(self, customer_id: int) -> list[Occurrence]:
        """A customer's own items (their rows, not their regions' or plans'), sorted."""
        return list(self._own.get(customer_id, ()))

    def region_items(self, region: Region) -> list[Occurrence]:
        """A region's own items, keyed as `Occurrence.region` is, sorted."""
        return list(self._by_region.get(region, ()))

    def plan_items(self) -> list[Occurrence]:
        """Our plans' occurrences, sorted."""
        return list(self._ours)

    def for_customer(self, customer: CustomerRef) -> list[Occurrence]:
        """Everything on one customer's calendar, sorted by start."""
        return list(self._by_customer.get(customer.id, ()))

    def for_region(self, country: str, subdivision: str = "") -> list[Occurrence]:
        """A region's own items: the country's, and the subdivision's when one is given
        (without one, the national days that only customers with no subdivision keep)."""
        found = list(self._by_region.get((country, ""), ()))
        found += self._by_region.get((country, subdivision or UNSUBDIVIDED), ())
        found.sort(key=BY_DATE)
        return found


@dataclass(frozen=True)
class Stale:
    """An answer about an older calendar, and what changed in the data since."""

    answer: object
    customers: frozenset[int]
    plans: bool


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a calendar is built.

    A build allocates tens of thousands of short-lived objects without cycles;
    the collector's passes over them (and over Django's large heap) cost about
    a third of the build time.

    What the build keeps (the calendar: tens of thousands of occurrences, no
    cycles) would still be examined right after, in a full collection of the
    whole heap, since it outnumbers a quarter of the old objects. Freezing and
    unfreezing moves every object to the oldest generation in constant time, so
    no pass follows the build; a cycle made meanwhile is found by the next full
    collection, which comes as often as before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


@dataclass(frozen=True)
class Remembered:
    """A calendar and how far the change log was read before it was built."""

    calendar: Calendar
    mark: ChangeMark


class RecentCalendars:
    """The calendars this process built lately, least recently used first out.

    Bounded by their total number of occurrences (`CALENDAR_CACHE_OCCURRENCES`,
    about 250 bytes each), not by their count: one calendar of 20,000
    customers weighs as much as a thousand of one customer.
    """

    def __init__(self) -> None:
        self._calendars: OrderedDict[Hashable, Remembered] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Remembered | None:
        with self._lock:
            remembered = self._calendars.get(key)
            if remembered is not None:
                self._calendars.move_to_end(key)
            return remembered

    def put(self, key: Hashable, remembered: Remembered) -> None:
        """Keep `remembered` under `key`, in place of what was there (a renewed calendar)."""
        budget = settings.CALENDAR_CACHE_OCCURRENCES
        size = _weight(remembered)
        with self._lock:
            if (previous := self._calendars.pop(key, None)) is not None:
                self._size -= _weight(previous)
            if size > budget:
                return
            self._calendars[key] = remembered
            self._size += size
            while self._size > budget:
                _, dropped = self._calendars.popitem(last=False)
                self._size -= _weight(dropped)

    def clear(self) -> None:
        with self._lock:
            self._calendars.clear()
            self._size = 0


def _weight(remembered: Remembered) -> int:
    return len(remembered.calendar.occurrences) + 1


RECENT_CALENDARS = RecentCalendars()


def source_settings() -> tuple[object, ...]:
    """The settings the sources read: tests and deployments change them."""
    return (settings.BUDGET_CLOSE_LEAD_DAYS, settings.TIME_ZONE)


def calendar_between(
    start: datetime.date,
    end: datetime.date,
    *,
    customers: QuerySet[Customer] | None = None,
    countries: Iterable[str] = (),
    kinds: Iterable[str] | None = None,
    include_plans: bool = True,
    reuse: bool = True,
) -> Calendar:
    """Return every occurrence touching `start`..`end` (inclusive).

    `customers` (default: all active customers) brings their own traditions,
    contracts, budget closes, the public holidays and local traditions of
    their regions, and the plans that reach them. `countries` adds whole
    countries: the national holidays and local traditions and those of every
    subdivision. `kinds` keeps only occurrences of those kinds.

    With `reuse` (the default) a calendar built for the same question since
    the data last changed is returned as it is; callers that keep what they
    make of it elsewhere (the feeds cache their bytes) pass False.
    """
    question = Question(
        start,
        end,
        customers,
        frozenset(countries),
        None if kinds is None else frozenset(kinds),
        include_plans,
    )
    if not reuse:
        return _built(question)
    key = (
        start,
        end,
        None if customers is None else _query_key(customers),
        question.countries,
        question.kinds,
        include_plans,
        *source_settings(),
        # The next touch is placed from today (never before it), so a calendar is a day's.
        timezone.localdate(),
    )
    remembered = RECENT_CALENDARS.get(key)
    if remembered is None:
        # The mark first: data changed after it is read is reported at the next look.
        mark = change_mark()
        calendar = _indexed(_built(question))
    else:
        changes, mark = changes_since(remembered.mark)
        if not changes:
            return remembered.calendar
        calendar = _renewed(remembered.calendar, changes, question) or _built(question)
    RECENT_CALENDARS.put(key, Remembered(calendar, mark))
    return calendar


@dataclass(frozen=True)
class Question:
    """What one `calendar_between` call asks for."""

    start: datetime.date
    end: datetime.date
    customers: QuerySet[Customer] | None
    countries: frozenset[str]
    kinds: frozenset[str] | None
    include_plans: bool

    @property
    def customer_query(self) -> QuerySet[Customer] | None:
        """The customers whose own items are wanted; None when only countries are."""
        if self.customers is not None:
            return self.customers
        return None if self.countries else Customer.objects.filter(active=True)


def regional_between(
    start: datetime.date,
    end: datetime.date,
    *,
    regions: frozenset[Region],
    kinds: Iterable[str] | None = None,
) -> list[Occurrence]:
    """The regions' own occurrences (holidays, local traditions, regional imports), sorted.

    Built afresh, never remembered: for a feed written in slices.
    """
    question = Question(
        start, end, None, frozenset(), None if kinds is None else frozenset(kinds), False
    )
    occurrences = _loaded(_scope(question, [], regions, None), SOURCES)
    sort_by_date(occurrences)
    return occurrences


def _query_key(queryset: QuerySet[Any]) -> tuple[str, str]:
    """The customers a query selects, as its SQL and parameters (which the data version fixes)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # such as id__in=[]: it selects nobody
        return "", ""
    return sql, repr(params)


def _built(question: Question) -> Calendar:
    with collector_paused():
        query = question.customer_query
        customers = load_customers(query) if query is not None else []
        scope = _scope(question, customers, _regions(customers, question.countries), query)
        occurrences = _loaded(scope, SOURCES)
        sort_by_date(occurrences)
        return Calendar(
            question.start, question.end, tuple(customers), tuple(occurrences), scope.regions
        )


def _indexed(calendar: Calendar) -> Calendar:
    """Index a calendar to be remembered by owner in one pass, so renewing it costs no pass."""
    own: dict[int, list[Occurrence]] = defaultdict(list)
    by_region: dict[Region, list[Occurrence]] = defaultdict(list)
    ours: list[Occurrence] = []
    for occurrence in calendar.occurrences:
        if occurrence.customer_id is not None:
            own[occurrence.customer_id].append(occurrence)
        elif occurrence.ours:
            ours.append(occurrence)
        else:
            by_region[occurrence.region].append(occurrence)
    # cached_property keeps its value in the instance's __dict__, which a frozen dataclass allows.
    calendar.__dict__.update(_own=dict(own), _by_region=dict(by_region), _ours=ours)
    return calendar


def _renewed(calendar: Calendar, changes: Changes, question: Question) -> Calendar | None:
    """`calendar` with what `changes` touched read again; None when a rebuild is as cheap.

    A changed customer's own items are read again, a changed country's regional items
    (and, when next touches are asked for, the items of every customer there, since a
    touch steps around the country's days), and the plans when they or whom they reach
    changed. The old calendar's answers (checks) go along, marked with what is stale.
    """
    if changes.everything:
        return None
    with collector_paused():
        before = {customer.id: customer for customer in calendar.customers}
        in_countries = {c.id for c in calendar.customers if c.country in changes.countries}
        touched = set(changes.customers)
        if question.kinds is not None and TOUCH_DUE in question.kinds:
            touched |= in_countries
        query = question.customer_query
        customers = list(calendar.customers)
        fresh: dict[int, CustomerRef] = {}
        if query is not None and touched:
            if len(touched) > max(len(before), 1) // 2:
                return None
            fresh = {c.id: c for c in load_customers(query.filter(id__in=touched))}
            same_places = all(
                i in before and i in fresh and before[i].name == fresh[i].name for i in touched
            )
            if same_places:  # nobody came, went or was renamed: the order stands
                customers = [fresh.get(c.id, c) for c in customers]
            else:
                # Who is asked for, and in which order, changed with the customers.
                ids = list(query.order_by("name", "id").values_list("id", flat=True))
                if any(i not in fresh and i not in before for i in ids):
                    return None  # selected by a change the log does not name
                if any(i not in touched for i in before.keys() - set(ids)):
                    return None
                customers = [fresh.get(i) or before[i] for i in ids]
        regions = _regions(customers, question.countries)
        countries = set(changes.countries) | {c for c, _ in regions ^ calendar.regions}
        partial = _scope(
            question,
            list(fresh.values()),
            frozenset(r for r in regions if r[0] in countries) | _regions(fresh.values(), ()),
            query.filter(id__in=list(fresh)) if fresh and query is not None else None,
            include_plans=False,
        )
        found = [
            o
            for o in _loaded(partial, SOURCES)
            if o.customer_id in fresh or (o.customer_id is None and o.country in countries)
        ]
        plans_renewed = question.include_plans and (
            changes.plans
            or any(
                (c.country, c.interest_ids) != (before[i].country, before[i].interest_ids)
                if (c := fresh.get(i)) and i in before
                else True
                for i in touched
                if i in fresh or i in before
            )
        )
        if plans_renewed:
            found += _loaded(_scope(question, customers, regions, query), (plans.SOURCE,))
        found.sort(key=BY_DATE)
        doomed = [o for i in touched for o in calendar._own.get(i, ())]
        doomed += [
            o for r, items in calendar._by_region.items() if r[0] in countries for o in items
        ]
        if plans_renewed:
            doomed += calendar._ours
        occurrences = _merged(_without(list(calendar.occurrences), doomed), found)
        renewed = Calendar(
            question.start,
            question.end,
            tuple(customers),
            tuple(occurrences),
            frozenset(regions),
            _stale(calendar, frozenset(touched | in_countries), plans_renewed),
        )
        _carry_indexes(calendar, renewed, touched, countries, plans_renewed, found)
        return renewed


def _stale(
    calendar: Calendar, customers: frozenset[int], plans: bool
) -> OrderedDict[Hashable, Stale]:
    """The old calendar's answers, and those it inherited, marked with what changed since."""
    stale: OrderedDict[Hashable, Stale] = OrderedDict()
    for key, old in calendar.stale.items():
        stale[key] = Stale(old.answer, old.customers | customers, old.plans or plans)
    for key, answer in calendar.memo.items():
        stale.pop(key, None)
        stale[key] = Stale(answer, customers, plans)
    while len(stale) > MEMO_KEEP:
        stale.popitem(last=False)
    return stale


def _carry_indexes(
    old: Calendar,
    new: Calendar,
    touched: set[int],
    countries: set[str],
    plans_renewed: bool,
    found: list[Occurrence],
) -> None:
    """Give the renewed calendar the old one's indexes with the renewed parts replaced."""
    own = {i: items for i, items in old._own.items() if i not in touched}
    by_region = {r: items for r, items in old._by_region.items() if r[0] not in countries}
    for occurrence in found:  # sorted, so each list is too
        if occurrence.customer_id is not None:
            own.setdefault(occurrence.customer_id, []).append(occurrence)
        elif not occurrence.ours:
            by_region.setdefault(occurrence.region, []).append(occurrence)
    ours = [o for o in found if o.ours] if plans_renewed else old._ours
    new.__dict__.update(_own=own, _by_region=by_region, _ours=ours)


def _without(occurrences: list[Occurrence], doomed: list[Occurrence]) -> list[Occurrence]:
    """`occurrences` (sorted) less the `doomed` ones: a few found by bisection, else a pass."""
    if len(doomed) * 64 > len(occurrences):
        gone = {id(occurrence) for occurrence in doomed}
        return [occurrence for occurrence in occurrences if id(occurrence) not in gone]
    for occurrence in doomed:
        at = bisect.bisect_left(occurrences, BY_DATE(occurrence), key=BY_DATE)
        while occurrences[at] is not occurrence:  # equal keys: find this very one
            at += 1
        del occurrences[at]
    return occurrences


def sort_by_date(occurrences: list[Occurrence]) -> None:
    """Sort in place by `BY_DATE` (start, end, id), as three stable sorts by one field each.

    Cheaper than one sort by the triple at tens of thousands: no tuple is built per
    occurrence, and each pass compares one date or string; the order is the same.
    """
    occurrences.sort(key=_BY_ID)
    occurrences.sort(key=_BY_END)
    occurrences.sort(key=_BY_START)


def _merged(kept: list[Occurrence], found: list[Occurrence]) -> list[Occurrence]:
    """Sorted `kept` with `found` put in place: a few by bisection (an edit's), else one sort."""
    if len(found) * 16 > len(kept):
        kept += found
        kept.sort(key=BY_DATE)  # two sorted runs: one merge, which three passes would not keep
        return kept
    for occurrence in found:
        kept.insert(bisect.bisect_right(kept, BY_DATE(occurrence), key=BY_DATE), occurrence)
    return kept


def _loaded(scope: Scope, sources: Iterable[OccurrenceSource]) -> list[Occurrence]:
    occurrences: list[Occurrence] = []
    for source in sources:
        if scope.wants(source.kinds):
            occurrences += source.load(scope)
    if scope.kinds is not None:
        wanted = scope.kinds
        occurrences = [occurrence for occurrence in occurrences if occurrence.kind in wanted]
    return occurrences


def _regions(customers: Iterable[CustomerRef], countries: Iterable[str]) -> frozenset[Region]:
    """The customers' regions, and each whole country with every subdivision."""
    regions: set[Region] = set()
    for customer in customers:
        regions.add((customer.country, ""))
        regions.add((customer.country, customer.subdivision))
    for country in countries:
        regions.add((country, ""))
        regions |= {(country, subdivision) for subdivision in subdivision_names(country)}
    return frozenset(regions)


def _scope(
    question: Question,
    customers: list[CustomerRef],
    regions: frozenset[Region],
    query: QuerySet[Customer] | None,
    *,
    include_plans: bool | None = None,
) -> Scope:
    return Scope(
        start=question.start,
        end=question.end,
        customers=customers,
        customer_query=query if customers else None,
        regions=regions,
        kinds=question.kinds,
        include_plans=question.include_plans if include_plans is None else include_plans,
    )


def subscription_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days feeds show and .ics imports keep: FEED_PAST_DAYS back to FEED_FUTURE_DAYS ahead."""
    return (
        today - datetime.timedelta(days=settings.FEED_PAST_DAYS),
        today + datetime.timedelta(days=settings.FEED_FUTURE_DAYS),
    )
