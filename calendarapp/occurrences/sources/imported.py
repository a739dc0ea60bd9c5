"""Events imported from .ics files and URLs, of the customers and regions in scope."""

from __future__ import annotations

from django.db.models import Q

from calendarapp.models import IcsSource, ImportedEvent, ImportKind
from calendarapp.occurrences.scope import OccurrenceSource, Scope
from calendarapp.occurrences.value import Occurrence

NAME = "imported_event"


def load(scope: Scope) -> list[Occurrence]:
    if not scope.regions:
        return []
    selected = Q(source__customer__isnull=True, source__country__in={c for c, _ in scope.regions})
    if scope.customers:
        selected |= Q(source__customer__in=scope.customer_ids)
    rows = ImportedEvent.objects.filter(
        selected, start__lte=scope.end, end__gte=scope.start
    ).values_list(
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
            source=NAME,
            customer_id=customer_id,
            country=country,
            subdivision=subdivision,
            source_id=pk,
            modified=updated,
        )
        for pk, first, last, title, updated, kind, customer_id, country, subdivision in rows
        if customer_id is not None or (country, subdivision) in scope.regions
    ]


SOURCE = OccurrenceSource(
    name=NAME,
    prefix="imported",
    kinds=frozenset(ImportKind.values),
    models=(IcsSource, ImportedEvent),
    load=load,
)
