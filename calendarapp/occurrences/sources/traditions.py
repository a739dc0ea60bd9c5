"""Traditions of customers and of regions, their recurrences expanded in the window."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from calendarapp.lib import dates
from calendarapp.occurrences.scope import OccurrenceSource, Region, Scope, fetch_rows
from calendarapp.occurrences.value import Occurrence
from traditions.models import Tradition, TraditionKind

NAME = "tradition"
NO_AUDIENCE: frozenset[int] = frozenset()


def load(scope: Scope) -> list[Occurrence]:
    # One query for the customers' own traditions and their regions' local ones.
    selected = Q()
    if scope.customers:
        selected |= Q(customer__in=scope.customer_ids)
    if scope.regions:
        countries = {country for country, _ in scope.regions}
        selected |= Q(customer__isnull=True, country__in=countries)
    if not selected:
        return []
    if scope.kinds is not None:
        selected &= Q(kind__in=scope.kinds)
    return _expanded(scope, selected, scope.regions)


def rows_between(selected: Q, start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """The `selected` traditions that can touch `start`..`end`, as the values `load` reads."""
    return (
        Tradition.objects.filter(selected, start__lte=end)
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
            "blocks_events",
        )
    )


def _expanded(scope: Scope, selected: Q, regions: frozenset[Region]) -> list[Occurrence]:
    start, end = scope.start, scope.end
    found: list[Occurrence] = []
    expansions: dict[tuple[str, str, str], list[tuple[datetime.date, datetime.date, str]]] = {}
    local_zone = timezone.get_default_timezone()
    # Local names: the loop below runs once per occurrence, tens of thousands a call.
    append = found.append
    occurrence = Occurrence
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
        blocks_events,
    ) in fetch_rows(rows_between(selected, start, end)):
        if customer_id is None and (country, subdivision) not in regions:
            continue  # a local tradition of another subdivision of a country in scope
        # Many traditions share a rule and dates (every retailer's Christmas rush).
        key = (rule, first_start, first_end)
        spans = expansions.get(key)
        if spans is None:
            if rule and ("DATE:" in rule or "UNTIL=" in rule):
                rule = dates.with_local_instants(rule, local_zone)
            spans = expansions[key] = [
                (day, last_day, f"-{day.isoformat()}")
                for day, last_day in dates.expand(
                    rule or "",
                    datetime.date.fromisoformat(first_start),
                    datetime.date.fromisoformat(first_end),
                    start,
                    end,
                )
            ]
        for day, last_day, day_text in spans:
            # Positional: keyword arguments cost measurably at tens of thousands a call.
            append(
                occurrence(
                    f"tradition-{pk}{day_text}",
                    day,
                    last_day,
                    kind,
                    title,
                    NAME,
                    customer_id,
                    country,
                    subdivision,
                    lead,
                    pk,
                    "",
                    NO_AUDIENCE,
                    updated,
                    bool(blocks_events),
                )
            )
    return found


SOURCE = OccurrenceSource(
    name=NAME,
    prefix="tradition",
    kinds=frozenset(TraditionKind.values),
    models=(Tradition,),
    load=load,
)
