"""The occurrence stream: every source, expanded into one list for a date window.

`calendar_between` is the one entry point. It loads each source with one
query (values only, no model instances: the expansion must stay fast for
thousands of customers), expands recurrences with `calendarapp.dates`, and
returns a `Calendar` that answers "what is on this customer's calendar".
The number of queries does not depend on how many customers there are.
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
from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from calendarapp import dates
from calendarapp.countries import subdivision_names
from calendarapp.models import ImportedEvent, ImportKind, Plan, PlanKind
from calendarapp.occurrence import ContractPhase, Occurrence, Source
from calendarapp.public_holidays import PUBLIC_HOLIDAY, public_holidays
from calendarapp.validation import MAX_SPAN_DAYS
from customers.models import Contract, Customer
from traditions.models import Tradition, TraditionKind

BY_DATE = operator.attrgetter("start", "end", "id")
NO_AUDIENCE: frozenset[int] = frozenset()
# A window longer than this is refused by the API and the pages.
MAX_WINDOW_DAYS = MAX_SPAN_DAYS
# Pre-shopping can open long before a contract ends; no sane contract starts it earlier.
LONGEST_PRE_SHOPPING = datetime.timedelta(days=10 * 366)


@dataclass(frozen=True, slots=True)
class CustomerRef:
    """What the calendar needs of a customer, loaded without model instances."""

    id: int
    name: str
    country: str
    subdivision: str
    owner_id: int | None
    budget_close_month: int
    interest_ids: frozenset[int] = frozenset()


def load_customers(queryset: QuerySet[Customer] | None = None) -> list[CustomerRef]:
    """Load customers (all active ones by default) with their interests, in two queries."""
    if queryset is None:
        queryset = Customer.objects.filter(active=True)
    interests: dict[int, set[int]] = defaultdict(set)
    through = Customer.interests.through.objects.filter(customer__in=queryset.values("id"))
    for customer_id, interest_id in through.values_list("customer_id", "interest_id"):
        interests[customer_id].add(interest_id)
    rows = queryset.order_by("name", "id").values_list(
        "id", "name", "country", "subdivision", "owner_id", "budget_close_month"
    )
    return [CustomerRef(*row, interest_ids=frozenset(interests[row[0]])) for row in rows]


class Audience:
    """Resolves a plan's audience (customers, countries, interests) to customer ids."""

    def __init__(self, customers: Iterable[CustomerRef]):
        self.ids: set[int] = set()
        self.by_country: dict[str, set[int]] = defaultdict(set)
        self.by_interest: dict[int, set[int]] = defaultdict(set)
        for customer in customers:
            self.ids.add(customer.id)
            self.by_country[customer.country].add(customer.id)
            for interest_id in customer.interest_ids:
                self.by_interest[interest_id].add(customer.id)

    def resolve(
        self,
        customer_ids: Iterable[int] = (),
        countries: Iterable[str] = (),
        interest_ids: Iterable[int] = (),
    ) -> frozenset[int]:
        reached = self.ids.intersection(customer_ids)
        for country in countries:
            reached |= self.by_country.get(country, set())
        for interest_id in interest_ids:
            reached |= self.by_interest.get(interest_id, set())
        return frozenset(reached)


@dataclass
class Calendar:
    """The occurrences of a window, indexed by customer and by region on first use."""

    start: datetime.date
    end: datetime.date
    customers: list[CustomerRef]
    occurrences: list[Occurrence]

    @functools.cached_property
    def _index(self) -> tuple[dict[int, list[Occurrence]], dict[tuple[str, str], list[Occurrence]]]:
        by_customer: dict[int, list[Occurrence]] = defaultdict(list)
        by_region: dict[tuple[str, str], list[Occurrence]] = defaultdict(list)
        for occurrence in self.occurrences:
            if occurrence.source == Source.PLAN:
                for customer_id in occurrence.audience:
                    by_customer[customer_id].append(occurrence)
            elif occurrence.customer_id is not None:
                by_customer[occurrence.customer_id].append(occurrence)
            else:
                by_region[occurrence.country, occurrence.subdivision].append(occurrence)
        return by_customer, by_region

    def for_customer(self, customer: CustomerRef) -> list[Occurrence]:
        """Everything on one customer's calendar, sorted by start."""
        by_customer, by_region = self._index
        found = list(by_customer.get(customer.id, ()))
        found += by_region.get((customer.country, ""), ())
        if customer.subdivision:
            found += by_region.get((customer.country, customer.subdivision), ())
        found.sort(key=BY_DATE)
        return found

    def for_region(self, country: str, subdivision: str = "") -> list[Occurrence]:
        by_region = self._index[1]
        found = list(by_region.get((country, ""), ()))
        if subdivision:
            found += by_region.get((country, subdivision), ())
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
        return _calendar_between(start, end, customers, countries, kinds, include_plans)


def _calendar_between(
    start: datetime.date,
    end: datetime.date,
    customers: QuerySet[Customer] | None,
    countries: Iterable[str],
    kinds: Iterable[str] | None,
    include_plans: bool,
) -> Calendar:
    customer_list = load_customers(customers) if customers is not None or not countries else []
    customer_scope = customers if customers is not None else Customer.objects.filter(active=True)
    whole_countries = set(countries)
    regions = {(customer.country, "") for customer in customer_list}
    regions |= {(customer.country, customer.subdivision) for customer in customer_list}
    regions |= {(country, "") for country in whole_countries}
    for country in whole_countries:
        regions |= {(country, subdivision) for subdivision in subdivision_names(country)}

    wanted = None if kinds is None else frozenset(kinds)

    def wants(*some: str) -> bool:
        """Skip a source none of whose kinds was asked for."""
        return wanted is None or not wanted.isdisjoint(some)

    scope = Q() if wanted is None else Q(kind__in=wanted)
    occurrences: list[Occurrence] = []
    if customer_list:
        occurrences += _tradition_occurrences(
            start, end, scope & Q(customer__in=customer_scope.values("id")), regions=None
        )
        if wants(TraditionKind.CONTRACT_RENEWAL):
            occurrences += _contract_occurrences(start, end, customer_scope)
        if wants(TraditionKind.BUDGET_CLOSE):
            # A budget-close tradition of the customer's own says it better than the month.
            own = {o.customer_id for o in occurrences if o.kind == TraditionKind.BUDGET_CLOSE}
            occurrences += _budget_close_occurrences(
                start, end, [customer for customer in customer_list if customer.id not in own]
            )
    if regions:
        region_countries = {country for country, _ in regions}
        occurrences += _tradition_occurrences(
            start,
            end,
            scope & Q(customer__isnull=True, country__in=region_countries),
            regions=regions,
        )
        if wants(PUBLIC_HOLIDAY):
            for country, subdivision in sorted(regions):
                occurrences += public_holidays(country, subdivision, start, end)
        if wants(*ImportKind.values):
            occurrences += _imported_occurrences(
                start, end, customer_scope if customer_list else None, regions
            )
    if include_plans and customer_list and wants(*PlanKind.values):
        occurrences += _plan_occurrences(start, end, Audience(customer_list))
    if wanted is not None:
        occurrences = [occurrence for occurrence in occurrences if occurrence.kind in wanted]
    occurrences.sort(key=BY_DATE)
    return Calendar(start, end, customer_list, occurrences)


def _tradition_occurrences(
    start: datetime.date,
    end: datetime.date,
    scope: Q,
    regions: set[tuple[str, str]] | None,
) -> list[Occurrence]:
    rows = (
        Tradition.objects.filter(scope, start__lte=end)
        .order_by()  # the stream sorts occurrences itself; sorting rows costs the database
        # A one-off that ended before the window cannot touch it; recurring ones may.
        .filter(Q(end__gte=start) | (Q(recurrence__isnull=False) & ~Q(recurrence="")))
        .annotate(
            rule=Cast("recurrence", output_field=TextField()),
            # ISO text parses faster in C than through the drivers' date converters.
            start_text=Cast("start", output_field=TextField()),
            end_text=Cast("end", output_field=TextField()),
            updated_text=Cast("updated_at", output_field=TextField()),
        )
        .values_list(
            "id",
            "customer_id",
            "country",
            "subdivision",
            "kind",
            "title",
            "start_text",
            "end_text",
            "rule",
            "lead_time_days",
            "updated_text",
        )
    )
    found = []
    expansions: dict[tuple[str, str, str], list[tuple[datetime.date, datetime.date, str]]] = {}
    local_zone = timezone.get_default_timezone()
    for (
        pk,
        customer_id,
        country,
        subdivision,
        kind,
        title,
        first_start,
        first_end,
        rule,
        lead,
        updated,
    ) in fetch_rows(rows):
        if regions is not None and (country, subdivision) not in regions:
            continue
        # Many traditions share a rule and dates (every retailer's Christmas rush).
        key = (rule, first_start, first_end)
        spans = expansions.get(key)
        if spans is None:
            if rule and "DATE:" in rule:
                rule = dates.with_local_instants(rule, local_zone)
            spans = expansions[key] = [
                (day, last_day, day.isoformat())
                for day, last_day in dates.expand(
                    rule or "",
                    datetime.date.fromisoformat(first_start),
                    datetime.date.fromisoformat(first_end),
                    start,
                    end,
                )
            ]
        for day, last_day, day_text in spans:
            found.append(
                Occurrence(
                    f"tradition-{pk}-{day_text}",
                    day,
                    last_day,
                    kind,
                    title,
                    Source.TRADITION,
                    customer_id,
                    country,
                    subdivision,
                    lead,
                    pk,
                    "",
                    NO_AUDIENCE,
                    updated,
                )
            )
    return found


def fetch_rows(queryset: QuerySet) -> list[tuple]:
    """Run a values_list query without Django's per-value converters.

    For tens of thousands of rows the converters cost more than the expansion,
    so the hot query selects dates as ISO text and parses them in C.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _imported_occurrences(
    start: datetime.date,
    end: datetime.date,
    customers: QuerySet[Customer] | None,
    regions: set[tuple[str, str]],
) -> list[Occurrence]:
    """Events imported from .ics sources of the customers in scope and of the regions."""
    scope = Q(source__customer__isnull=True, source__country__in={c for c, _ in regions})
    if customers is not None:
        scope |= Q(source__customer__in=customers.values("id"))
    rows = ImportedEvent.objects.filter(scope, start__lte=end, end__gte=start).values_list(
        "id",
        "start",
        "end",
        "title",
        "updated_at",
        "source__kind",
        "source__customer_id",
        "source__country",
        "source__subdivision",
    )
    return [
        Occurrence(
            id=f"imported-{pk}-{first.isoformat()}",
            start=first,
            end=last,
            kind=kind,
            title=title,
            source=Source.IMPORTED,
            customer_id=customer_id,
            country=country,
            subdivision=subdivision,
            source_id=pk,
            modified=updated,
        )
        for pk, first, last, title, updated, kind, customer_id, country, subdivision in rows
        if customer_id is not None or (country, subdivision) in regions
    ]


def _contract_occurrences(
    start: datetime.date, end: datetime.date, customers: QuerySet[Customer]
) -> list[Occurrence]:
    """Each contract's renewal phases: pre-shopping window, notice deadline, end."""
    contracts = Contract.objects.filter(
        customer__in=customers.values("id"),
        end_date__gte=start,
        end_date__lte=end + LONGEST_PRE_SHOPPING,
    ).values_list(
        "id",
        "customer_id",
        "name",
        "end_date",
        "notice_period_days",
        "pre_shopping_days",
        "updated_at",
    )
    found = []
    for pk, customer_id, name, end_date, notice_days, pre_shopping_days, updated in contracts:
        notice_deadline = end_date - datetime.timedelta(days=notice_days)
        pre_shopping_start = end_date - datetime.timedelta(days=pre_shopping_days)
        phases = [
            (
                ContractPhase.PRE_SHOPPING,
                pre_shopping_start,
                max(pre_shopping_start, notice_deadline - dates.ONE_DAY),
                f"Pre-shopping for {name}",
                30,
            ),
            (
                ContractPhase.DECISION,
                notice_deadline,
                notice_deadline,
                f"Notice deadline: {name}",
                30,
            ),
            (ContractPhase.END, end_date, end_date, f"Contract ends: {name}", 0),
        ]
        for phase, first, last, title, lead in phases:
            if dates.overlaps(first, last, start, end):
                found.append(
                    Occurrence(
                        id=f"contract-{pk}-{phase}",
                        start=first,
                        end=last,
                        kind=TraditionKind.CONTRACT_RENEWAL,
                        title=title,
                        source=Source.CONTRACT,
                        customer_id=customer_id,
                        lead_time_days=lead,
                        source_id=pk,
                        phase=phase,
                        modified=updated,
                    )
                )
    return found


def _budget_close_occurrences(
    start: datetime.date, end: datetime.date, customers: list[CustomerRef]
) -> list[Occurrence]:
    """The last day of each customer's budget-close month, every year."""
    found = []
    lead = settings.BUDGET_CLOSE_LEAD_DAYS
    for year in range(start.year, end.year + 1):
        for customer in customers:
            month = customer.budget_close_month
            day = datetime.date(year, month, dates.days_in_month(year, month))
            if start <= day <= end:
                found.append(
                    Occurrence(
                        id=f"budget-{customer.id}-{year}",
                        start=day,
                        end=day,
                        kind=TraditionKind.BUDGET_CLOSE,
                        title="Budget closes",
                        source=Source.BUDGET,
                        customer_id=customer.id,
                        lead_time_days=lead,
                        source_id=customer.id,
                    )
                )
    return found


def _plan_occurrences(
    start: datetime.date, end: datetime.date, audience: Audience
) -> list[Occurrence]:
    plans = Plan.objects.filter(start__lte=end, end__gte=start)
    plan_customers: dict[int, list[int]] = defaultdict(list)
    for plan_id, customer_id in Plan.customers.through.objects.filter(
        plan__in=plans.values("id")
    ).values_list("plan_id", "customer_id"):
        plan_customers[plan_id].append(customer_id)
    plan_interests: dict[int, list[int]] = defaultdict(list)
    for plan_id, interest_id in Plan.interests.through.objects.filter(
        plan__in=plans.values("id")
    ).values_list("plan_id", "interest_id"):
        plan_interests[plan_id].append(interest_id)
    found = []
    for pk, kind, title, first, last, countries, updated in plans.values_list(
        "id", "kind", "title", "start", "end", "countries", "updated_at"
    ):
        reached = audience.resolve(plan_customers[pk], countries or (), plan_interests[pk])
        if reached:
            found.append(
                Occurrence(
                    id=f"plan-{pk}",
                    start=first,
                    end=last,
                    kind=kind,
                    title=title,
                    source=Source.PLAN,
                    source_id=pk,
                    audience=reached,
                    modified=updated,
                )
            )
    return found
