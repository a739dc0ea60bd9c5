"""What a source of occurrences is, and the scope of one `calendar_between` call it reads.

A source is one module in `sources/` with one `SOURCE` entry: its name (the
`source` of its occurrences), the prefix of its occurrence ids, the kinds it
makes, the models it reads (the feeds' data version watches exactly those)
and `load`, which turns the rows in scope into occurrences.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models import QuerySet

from calendarapp.occurrences.customers import CustomerRef
from calendarapp.occurrences.value import Occurrence

Region = tuple[str, str]


@dataclass(frozen=True)
class Scope:
    """What one call asks for: a window, customers and regions, and which kinds."""

    start: datetime.date
    end: datetime.date
    # The customers whose own items are wanted, loaded, and the query that selects them.
    customers: list[CustomerRef]
    customer_query: QuerySet[Any] | None
    # (country, subdivision) pairs whose regional items are wanted; "" is the whole country.
    regions: frozenset[Region]
    kinds: frozenset[str] | None
    include_plans: bool = True

    def wants(self, kinds: Iterable[str]) -> bool:
        """Skip a source none of whose kinds was asked for."""
        return self.kinds is None or not self.kinds.isdisjoint(kinds)

    @property
    def customer_ids(self) -> QuerySet[Any]:
        """A subquery of the customers in scope; only for sources that run with customers."""
        assert self.customer_query is not None
        return self.customer_query.values("id")


@dataclass(frozen=True)
class OccurrenceSource:
    name: str
    prefix: str
    kinds: frozenset[str]
    models: tuple[type[models.Model], ...]
    load: Callable[[Scope], list[Occurrence]]
    # Data that is not in a table, such as the `holidays` package's version.
    version: str = ""


def per_region(
    scope: Scope, of_region: Callable[[str, str, datetime.date, datetime.date], list[Occurrence]]
) -> list[Occurrence]:
    """Every region's occurrences in the scope's window, from a source that reads no table."""
    found: list[Occurrence] = []
    for country, subdivision in sorted(scope.regions):
        found += of_region(country, subdivision, scope.start, scope.end)
    return found


def fetch_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """Run a values_list query without Django's per-value converters.

    For tens of thousands of rows the converters cost more than the expansion,
    so the hot query selects dates as ISO text and parses them in C.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
