"""The occurrence stream: every source, expanded into one list for a date window.

`calendar_between` is the one entry point. It runs each source in `SOURCES`
(each loads with one query or two, values only, no model instances: the
expansion must stay fast for thousands of customers) and returns a
`Calendar` that answers "what is on this customer's calendar". The number of
queries does not depend on how many customers there are.

A process remembers the calendars it built lately under the data version
(`version.py`, read from the database, so another process's edit is seen)
and what was asked, so the check, the finder, the planner panel, the
timeline and the reminders do not rebuild a calendar while nothing changed.
A `Calendar` is therefore shared: its tuples cannot change, and its
occurrences are values nobody may modify.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import operator
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from django.utils import timezone

from calendarapp.lib.countries import subdivision_names
from calendarapp.lib.validation import MAX_SPAN_DAYS
from calendarapp.occurrences.audience import AudienceIndex
from calendarapp.occurrences.customers import CustomerRef, load_customers
from calendarapp.occurrences.scope import Region, Scope
from calendarapp.occurrences.sources import SOURCES
from calendarapp.occurrences.value import UNSUBDIVIDED, Occurrence
from calendarapp.occurrences.version import data_version
from customers.models import Customer

BY_DATE = operator.attrgetter("start", "end", "id")
# A window longer than this is refused by the API and the pages.
MAX_WINDOW_DAYS = MAX_SPAN_DAYS


_MEMO_LOCK = threading.Lock()


@dataclass(frozen=True)
class Calendar:
    """The occurrences of a window, sorted by start and indexed on first use; shared, unchanged."""

    start: datetime.date
    end: datetime.date
    customers: tuple[CustomerRef, ...]
    occurrences: tuple[Occurrence, ...]

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

    def remember(self, key: Hashable, value: object, keep: int = 32) -> None:
        """Keep `value` under `key` in `memo`, dropping the oldest beyond `keep`."""
        with _MEMO_LOCK:
            self.memo[key] = value
            while len(self.memo) > keep:
                self.memo.popitem(last=False)

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
        runs: dict[int | None, tuple[list[datetime.date], list[Occurrence]]] = {}
        for occurrence in self.occurrences:
            owner = None if occurrence.ours else occurrence.customer_id
            if owner not in runs:
                runs[owner] = ([], [])
            starts, occurrences = runs[owner]
            starts.append(occurrence.start)
            occurrences.append(occurrence)
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


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a calendar is built.

    A build allocates tens of thousands of short-lived objects without cycles;
    the collector's passes over them (and over Django's large heap) cost about
    a third of the build time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class RecentCalendars:
    """The calendars this process built lately, least recently used first out.

    Bounded by their total number of occurrences (`CALENDAR_CACHE_OCCURRENCES`,
    about 250 bytes each), not by their count: one calendar of 20,000
    customers weighs as much as a thousand of one customer.
    """

    def __init__(self) -> None:
        self._calendars: OrderedDict[Hashable, Calendar] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Calendar | None:
        with self._lock:
            calendar = self._calendars.get(key)
            if calendar is not None:
                self._calendars.move_to_end(key)
            return calendar

    def put(self, key: Hashable, calendar: Calendar) -> None:
        budget = settings.CALENDAR_CACHE_OCCURRENCES
        size = len(calendar.occurrences) + 1
        if size > budget:
            return
        with self._lock:
            if key in self._calendars:
                return
            self._calendars[key] = calendar
            self._size += size
            while self._size > budget:
                _, dropped = self._calendars.popitem(last=False)
                self._size -= len(dropped.occurrences) + 1

    def clear(self) -> None:
        with self._lock:
            self._calendars.clear()
            self._size = 0


RECENT_CALENDARS = RecentCalendars()


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
    countries = frozenset(countries)
    kinds = None if kinds is None else frozenset(kinds)
    if not reuse:
        return _built(start, end, customers, countries, kinds, include_plans)
    key = (
        # The version first: data changed after it is read lands under a key never read again.
        data_version().fingerprint,
        start,
        end,
        None if customers is None else _query_key(customers),
        countries,
        kinds,
        include_plans,
        # Settings the sources read (tests and deployments change them).
        settings.BUDGET_CLOSE_LEAD_DAYS,
        settings.TIME_ZONE,
        # The next touch is placed from today (never before it), so a calendar is a day's.
        timezone.localdate(),
    )
    calendar = RECENT_CALENDARS.get(key)
    if calendar is None:
        calendar = _built(start, end, customers, countries, kinds, include_plans)
        RECENT_CALENDARS.put(key, calendar)
    return calendar


def _query_key(queryset: QuerySet[Any]) -> tuple[str, str]:
    """The customers a query selects, as its SQL and parameters (which the data version fixes)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # such as id__in=[]: it selects nobody
        return "", ""
    return sql, repr(params)


def _built(
    start: datetime.date,
    end: datetime.date,
    customers: QuerySet[Customer] | None,
    countries: frozenset[str],
    kinds: frozenset[str] | None,
    include_plans: bool,
) -> Calendar:
    with collector_paused():
        scope = _scope(start, end, customers, countries, kinds, include_plans)
        occurrences: list[Occurrence] = []
        for source in SOURCES:
            if scope.wants(source.kinds):
                occurrences += source.load(scope)
        if scope.kinds is not None:
            wanted = scope.kinds
            occurrences = [occurrence for occurrence in occurrences if occurrence.kind in wanted]
        occurrences.sort(key=BY_DATE)
        return Calendar(start, end, tuple(scope.customers), tuple(occurrences))


def _scope(
    start: datetime.date,
    end: datetime.date,
    customers: QuerySet[Customer] | None,
    countries: Iterable[str],
    kinds: Iterable[str] | None,
    include_plans: bool,
) -> Scope:
    customer_list = load_customers(customers) if customers is not None or not countries else []
    whole_countries = set(countries)
    regions = {(customer.country, "") for customer in customer_list}
    regions |= {(customer.country, customer.subdivision) for customer in customer_list}
    regions |= {(country, "") for country in whole_countries}
    for country in whole_countries:
        regions |= {(country, subdivision) for subdivision in subdivision_names(country)}
    return Scope(
        start=start,
        end=end,
        customers=customer_list,
        customer_query=(
            customers if customers is not None else Customer.objects.filter(active=True)
        )
        if customer_list
        else None,
        regions=frozenset(regions),
        kinds=None if kinds is None else frozenset(kinds),
        include_plans=include_plans,
    )


def subscription_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days feeds show and .ics imports keep: FEED_PAST_DAYS back to FEED_FUTURE_DAYS ahead."""
    return (
        today - datetime.timedelta(days=settings.FEED_PAST_DAYS),
        today + datetime.timedelta(days=settings.FEED_FUTURE_DAYS),
    )
