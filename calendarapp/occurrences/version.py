"""A cheap version of everything the stream reads, for caches of what it builds.

Database triggers renew a one-row stamp (migration 0006_data_change_stamp) on
every insert, update and delete of a table a source reads, bulk ones and raw
SQL included; reading the version is one primary-key lookup at any size. The
triggers are kept after every `migrate` from `versioned_models()`, as Django
keeps permissions: a new source's tables are watched without a migration, and
a table SQLite rebuilds for a schema change (dropping its triggers) gets them back. The
stamp is never reused, not even after a rollback, so a cache keyed by it can
only miss. Read the version *before* the data it guards: a change committed
in between then lands under the old key, which nobody reads again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, models
from django.utils.dateparse import parse_datetime

from calendarapp.occurrences.sources import SOURCES
from customers.models import Customer

DATA_CHANGE_TABLE = "calendarapp_data_change"


@dataclass(frozen=True)
class DataVersion:
    """A fingerprint of everything the stream reads, and the moment of the latest change."""

    fingerprint: str
    latest_change: datetime.datetime | None


def versioned_models() -> tuple[type[models.Model], ...]:
    """Every table the stream reads: the customers and their interests, and each source's."""
    found: list[type[models.Model]] = [Customer, Customer.interests.through]
    for source in SOURCES:
        found += [model for model in source.models if model not in found]
    return tuple(found)


def sync_change_triggers(*, using: str = "default", **kwargs: object) -> None:
    """Make sure every table the stream reads renews the stamp; connected to `post_migrate`."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if DATA_CHANGE_TABLE not in tables:  # migrated back before the stamp existed
        return
    watched = [model._meta.db_table for model in versioned_models()]
    with connection.cursor() as cursor:
        for table in watched:
            if table in tables:
                for statement in _trigger_statements(connection.vendor, table):
                    cursor.execute(statement)


def _trigger_statements(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        # One bump per statement, however many rows it touches (the function is 0006's).
        return [
            f"CREATE OR REPLACE TRIGGER {table}_changes AFTER INSERT OR UPDATE OR DELETE OR "
            f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {DATA_CHANGE_TABLE}_note()"
        ]
    if vendor == "sqlite":
        # SQLite has row triggers only; Django's flush deletes rows, so it bumps too.
        stamp = (
            f"UPDATE {DATA_CHANGE_TABLE} SET stamp = random(), "
            "changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;"
        )
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_{operation.lower()}s AFTER {operation} "
            f"ON {table} BEGIN {stamp} END"
            for operation in ("INSERT", "UPDATE", "DELETE")
        ]
    raise ImproperlyConfigured("The data version's triggers exist for PostgreSQL and SQLite.")


def data_version() -> DataVersion:
    """Read the change stamp (one row) and add each source's own version."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stamp, changed_at FROM {DATA_CHANGE_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        raise ImproperlyConfigured(
            f"The {DATA_CHANGE_TABLE} row is missing; run `manage.py migrate` (its migration "
            "creates it) and never delete it."
        )
    stamp, changed_at = row
    versions = "|".join(source.version for source in SOURCES if source.version)
    return DataVersion(f"{stamp}|{versions}", _as_datetime(changed_at))


def _as_datetime(value: str | datetime.datetime) -> datetime.datetime | None:
    """SQLite keeps the moment as UTC text; PostgreSQL returns an aware datetime."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment
