"""A cheap fingerprint of everything the stream reads, for caches of what it builds.

The feeds cache a rendered body under this fingerprint: row counts, largest
ids and latest changes of every table a source reads (as each source in
`SOURCES` declares them), in one query, plus each source's own version.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from calendarapp.occurrences.sources import SOURCES
from customers.models import Customer


@dataclass(frozen=True)
class DataVersion:
    """A fingerprint of everything the stream reads, and the latest change in it."""

    fingerprint: str
    latest_change: datetime.datetime | None


def versioned_models() -> tuple[type[models.Model], ...]:
    """Every table the stream reads: the customers and their interests, and each source's."""
    found: list[type[models.Model]] = [Customer, Customer.interests.through]
    for source in SOURCES:
        found += [model for model in source.models if model not in found]
    return tuple(found)


def data_version() -> DataVersion:
    """Count rows and take the largest id and change time of each table, in one query."""
    quote = connection.ops.quote_name
    columns = []
    for model in versioned_models():
        table = quote(model._meta.db_table)
        columns += [f"(SELECT COUNT(*) FROM {table})", f"(SELECT MAX(id) FROM {table})"]
        if any(field.name == "updated_at" for field in model._meta.fields):
            columns.append(f"(SELECT MAX({quote('updated_at')}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        row = cursor.fetchone()
    changes = [_as_datetime(value) for value in row if isinstance(value, str | datetime.datetime)]
    moments = [change for change in changes if change is not None]
    versions = "|".join(source.version for source in SOURCES if source.version)
    fingerprint = "|".join(str(value) for value in row) + f"|{versions}"
    return DataVersion(fingerprint, max(moments, default=None))


def _as_datetime(value: str | datetime.datetime) -> datetime.datetime | None:
    """SQLite returns MAX() of a datetime column as text (in UTC); PostgreSQL as a datetime."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is not None and timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment
