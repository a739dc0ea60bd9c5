"""The occurrence stream: every source, expanded into one list for a date window.

`calendar_between` is the one entry point. It runs each source in `SOURCES`
(each loads with one query or two, values only, no model instances: the
expansion must stay fast for thousands of customers) and returns a
`Calendar` that answers "what is on this customer's calendar". The number of
queries does not depend on how many customers there are.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from calendarapp.lib.countries import subdivision_names
from calendarapp.lib.validation import MAX_SPAN_DAYS
from calendarapp.occurrences.audience import AudienceIndex
from calendarapp.occurrences.customers import CustomerRef, load_customers
from calendarapp.occurrences.source import Region, Scope
from calendarapp.occurrences.sources import SOURCES
from calendarapp.occurrences.value import Occurrence
from customers.models import Customer

BY_DATE = operator.attrgetter("start", "end", "id")
# A window longer than this is refused by the API and the pages.
MAX_WINDOW_DAYS = MAX_SPAN_DAYS


@dataclass
class Calendar:
    """The occurrences of a window, indexed by customer and by region on first use."""

    start: datetime.date
    end: datetime.date
    customers: list[CustomerRef]
    occurrences: list[Occurrence]

    @functools.cached_property
    def _by_customer(self) -> dict[int, list[Occurrence]]:
        # The occurrences are sorted, so each customer's list is too.
        audience = AudienceIndex(self.customers)
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
                by_region[occurrence.country, occurrence.subdivision].append(occurrence)
        return by_region

    def for_customer(self, customer: CustomerRef) -> list[Occurrence]:
        """Everything on one customer's calendar, sorted by start."""
        return list(self._by_customer.get(customer.id, ()))

    def for_region(self, country: str, subdivision: str = "") -> list[Occurrence]:
        """A region's own items: the country's, and the subdivision's when one is given."""
        found = list(self._by_region.get((country, ""), ()))
        if subdivision:
            found += self._by_region.get((country, subdivision), ())
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


def calendar_between(
    start: datetime.date,
    end: datetime.date,
    *,
    customers: QuerySet[Customer] | None = None,
    countries: Iterable[str] = (),
    kinds: Iterable[str] | None = None,
    include_plans: bool = True,
) -> Calendar:
    """Return every occurrence touching `start`..`end` (inclusive).

    `customers` (default: all active customers) brings their own traditions,
    contracts, budget closes, the public holidays and local traditions of
    their regions, and the plans that reach them. `countries` adds whole
    countries: the national holidays and local traditions and those of every
    subdivision. `kinds` keeps only occurrences of those kinds.
    """
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
        return Calendar(start, end, scope.customers, occurrences)


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
