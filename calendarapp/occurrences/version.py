"""What changed in the data the stream reads, per customer and per country, for its caches.

Database triggers add one row to an insert-only change log (migration
0013_change_log) for every insert, update and delete of a row of a table a
source reads, bulk ones and raw SQL included. Each row names its subject: a
customer (their own rows: facts, touches, contracts, traditions), a country
(a local tradition, a regional .ics import), the plans, or nothing, which
means everything (an interest renamed, a table truncated). Writers only
insert, so concurrent writes no longer meet on one stamp row.

A cache remembers a `ChangeMark` read *before* the data it guards, and asks
`changes_since(mark)` (one query on the log's primary key) what to renew. On
PostgreSQL a row may commit after a later one; the mark keeps the oldest
transaction still running (its snapshot's xmin) and asks again for rows of
transactions from then on. A mark whose rows were rolled back (a cache filled
inside a transaction that did not commit) renews everything.

The tables the risk check reads beside the stream's (`RISK_MODELS`: people,
competitors, decision factors, who met whom) and those the customer page reads
beside both (`PAGE_MODELS`: its histories, strategies, who took part) log their
changes too, naming the customer, so a remembered risk or page is renewed like a
remembered calendar. A user renamed renews everything (customer pages show their names).

The triggers are kept after every `migrate` from `watched_models()`, as
Django keeps permissions: a new source's tables are watched without a
migration, and a table SQLite rebuilds for a schema change (dropping its
triggers) gets them back. Old rows are pruned by a daily task
(`change_log_prune`); a mark older than the log renews everything.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from calendarapp.models import IcsSource, ImportedEvent
from calendarapp.occurrences.sources import SOURCES, plans
from customers.models import (
    Competitor,
    Customer,
    CustomerChange,
    DecisionFactor,
    DecisionStep,
    Interest,
    Person,
    PersonChange,
    Strategy,
    Touchpoint,
)

CHANGE_LOG_TABLE = "calendarapp_change_log"
# How long a change is kept: a process that did not look for longer renews everything.
KEEP = datetime.timedelta(days=2)
# SQLite commits one writer at a time, so its log ids grow in commit order: no xmin needed.
NO_XMIN = 2**62


@dataclass(frozen=True)
class DataVersion:
    """A fingerprint of everything the stream reads, and the moment of the latest change."""

    fingerprint: str
    latest_change: datetime.datetime | None


@dataclass(frozen=True)
class ChangeMark:
    """How far a reader has looked in the change log."""

    last_id: int = 0
    # The last row's token: a row rolled back and its id used again has another.
    token: int = 0
    # PostgreSQL: the oldest transaction running at the look, and the rows seen from then on.
    xmin: int = NO_XMIN
    pending: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Changes:
    """What changed since a mark: whose calendars to renew."""

    customers: frozenset[int] = frozenset()
    countries: frozenset[str] = frozenset()
    plans: bool = False
    everything: bool = False

    def __bool__(self) -> bool:
        return bool(self.customers or self.countries or self.plans or self.everything)


EVERYTHING = Changes(everything=True)


def versioned_models() -> tuple[type[models.Model], ...]:
    """Every table the stream reads: the customers and their interests, and each source's."""
    found: list[type[models.Model]] = [Customer, Customer.interests.through]
    for source in SOURCES:
        found += [model for model in source.models if model not in found]
    return tuple(found)


# What `decision_checks.risks` reads that no source does; each row names its customer.
RISK_MODELS: tuple[type[models.Model], ...] = (
    Person,
    Competitor,
    DecisionFactor,
    Touchpoint.people.through,
)


# What the customer page reads that neither the stream nor the risk check does; each row names
# its customer, itself or through the row it belongs to.
PAGE_MODELS: tuple[type[models.Model], ...] = (
    CustomerChange,
    PersonChange,
    Strategy,
    Touchpoint.our_people.through,
    DecisionStep.people.through,
)


def watched_models() -> tuple[type[models.Model], ...]:
    """Every table whose writes the change log records: the stream's, the risk check's and the
    customer page's."""
    found = list(versioned_models())
    found += [model for model in RISK_MODELS + PAGE_MODELS if model not in found]
    return tuple(found)


# The user columns a page shows (as `display_name` does); a login's `last_login` is not one.
USER_NAME_COLUMNS = ("first_name", "last_name", "username")


def subject_sql(model: type[models.Model], row: str) -> tuple[str, str, bool]:
    """SQL for the customer id and the country a change of `row` (NEW or OLD) concerns, and
    whether it concerns the plans; NULL for both (and not plans) means everything."""
    fields = {field.name for field in model._meta.get_fields()}
    if model is Customer:
        return f"{row}.id", "NULL", False
    if model is ImportedEvent:
        source = f"FROM {IcsSource._meta.db_table} WHERE id = {row}.source_id"
        return f"(SELECT customer_id {source})", f"(SELECT country {source})", False
    if model in plans.SOURCE.models and model is not Interest:
        return "NULL", "NULL", True
    if "customer" in fields:
        # A regional row (a local tradition, a country's .ics) has no customer but a country.
        country = f"{row}.country" if "country" in fields else "NULL"
        return f"{row}.customer_id", country, False
    if parent := _owning_field(model):
        # Such as who was met at a touch: the touch's customer (rows go before their touch does).
        owner = parent.related_model._meta.db_table
        return f"(SELECT customer_id FROM {owner} WHERE id = {row}.{parent.column})", "NULL", False
    return "NULL", "NULL", False  # such as an interest renamed: rare, so it renews everything


def _owning_field(model: type[models.Model]) -> models.ForeignKey[Any, Any] | None:
    """The first foreign key of `model` to a row that names a customer (a touch, a person)."""
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and any(
            f.name == "customer" for f in field.related_model._meta.concrete_fields
        ):
            return field
    return None


def sync_change_triggers(*, using: str = "default", **kwargs: object) -> None:
    """Make sure every watched table logs its changes, and users their names; connected to
    `post_migrate`."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if CHANGE_LOG_TABLE not in tables:  # migrated back before the log existed
        return
    with connection.cursor() as cursor:
        for model in watched_models():
            if model._meta.db_table in tables:
                for statement in _trigger_statements(connection.vendor, model):
                    cursor.execute(statement)
        if get_user_model()._meta.db_table in tables:
            for statement in _user_name_trigger_statements(connection.vendor):
                cursor.execute(statement)


def _trigger_statements(vendor: str, model: type[models.Model]) -> list[str]:
    table = model._meta.db_table
    log = f"INSERT INTO {CHANGE_LOG_TABLE} (customer_id, country, plans)"
    old_customer, old_country, for_plans = subject_sql(model, "OLD")
    new_customer, new_country, _ = subject_sql(model, "NEW")
    plans_value = "TRUE" if for_plans else "FALSE"
    if vendor == "postgresql":
        # A row trigger names each row's customer; TRUNCATE (a statement) renews everything.
        return [
            f"CREATE OR REPLACE FUNCTION {table}_log() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN "
            f"IF TG_OP <> 'INSERT' THEN {log} VALUES ({old_customer}, {old_country}, "
            f"{plans_value}); END IF; "
            f"IF TG_OP <> 'DELETE' THEN {log} VALUES ({new_customer}, {new_country}, "
            f"{plans_value}); END IF; "
            "RETURN NULL; END $$",
            f"CREATE OR REPLACE TRIGGER {table}_log AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_log()",
            f"CREATE OR REPLACE TRIGGER {table}_log_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {CHANGE_LOG_TABLE}_everything()",
        ]
    if vendor == "sqlite":
        # Dropped first: a trigger written by an older release may name its subject otherwise.
        rows = {
            "INSERT": [(new_customer, new_country)],
            "UPDATE": [(old_customer, old_country), (new_customer, new_country)],
            "DELETE": [(old_customer, old_country)],
        }
        statements = []
        for operation, subjects in rows.items():
            name = f"{table}_log_{operation.lower()}"
            inserts = " ".join(
                f"{log} VALUES ({customer}, {country}, {plans_value});"
                for customer, country in subjects
            )
            statements += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} AFTER {operation} ON {table} BEGIN {inserts} END",
            ]
        return statements
    raise ImproperlyConfigured("The change log's triggers exist for PostgreSQL and SQLite.")


def _user_name_trigger_statements(vendor: str) -> list[str]:
    """A user's name changed renews everything; their other writes (a login, a new password, a
    whole `save()` of the same name) renew nothing."""
    table = get_user_model()._meta.db_table
    log = f"INSERT INTO {CHANGE_LOG_TABLE} (customer_id, country, plans) VALUES (NULL, NULL, FALSE)"
    columns = ", ".join(USER_NAME_COLUMNS)
    # `UPDATE OF` fires whenever a column is written, changed or not: Django writes them all.
    distinct = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    renamed = " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in USER_NAME_COLUMNS)
    name = f"{table}_names_log"
    if vendor == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {log}; RETURN NULL; END $$",
            f"CREATE OR REPLACE TRIGGER {name} AFTER UPDATE OF {columns} ON {table} "
            f"FOR EACH ROW WHEN ({renamed}) EXECUTE FUNCTION {name}()",
        ]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} AFTER UPDATE OF {columns} ON {table} "
            f"FOR EACH ROW WHEN {renamed} BEGIN {log}; END",
        ]
    raise ImproperlyConfigured("The change log's triggers exist for PostgreSQL and SQLite.")


def change_mark() -> ChangeMark:
    """Where the log stands now; read it before the data a cache keeps under it."""
    return changes_since(ChangeMark(last_id=-1))[1]


def changes_since(mark: ChangeMark) -> tuple[Changes, ChangeMark]:
    """What changed since `mark`, and the mark to keep now: one query on the log's key.

    A `last_id` of -1 asks only for the current mark (everything is reported changed).
    """
    columns = "id, token, txid, customer_id, country, plans"
    postgresql = connection.vendor == "postgresql"
    xmin = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint" if postgresql else str(NO_XMIN)
    head = f"SELECT -1, {xmin}, 0, NULL, NULL, {'FALSE' if postgresql else '0'}"
    if mark.last_id < 0:
        # The newest row, and the rows of transactions still running (they may commit later).
        rows_since = f"id = (SELECT max(id) FROM {CHANGE_LOG_TABLE})"
        rows_since += f" OR txid >= {xmin}" if postgresql else ""
        params: list[int] = []
    elif postgresql:
        rows_since = "id >= %s OR txid >= %s"
        params = [mark.last_id, mark.xmin]
    else:
        rows_since = "id >= %s"
        params = [mark.last_id]
    with connection.cursor() as cursor:
        cursor.execute(
            f"{head} UNION ALL SELECT {columns} FROM {CHANGE_LOG_TABLE} WHERE {rows_since}",  # noqa: S608 - constants
            params,
        )
        found = cursor.fetchall()
    xmin = next(row[1] for row in found if row[0] == -1)
    rows = [row for row in found if row[0] != -1]
    last = max(rows, default=None)
    new_mark = ChangeMark(
        last_id=last[0] if last else 0,
        token=last[1] if last else 0,
        xmin=xmin,
        pending=frozenset(row[0] for row in rows if row[2] >= xmin),
    )
    if mark.last_id < 0:
        return EVERYTHING, new_mark
    seen = {row[0]: row[1] for row in rows}
    if mark.last_id and seen.get(mark.last_id) != mark.token or not mark.pending <= seen.keys():
        # A row the mark counted is gone: rolled back, or pruned since.
        return EVERYTHING, new_mark
    customers: set[int] = set()
    countries: set[str] = set()
    plans_changed = False
    for row_id, _, _, customer_id, country, for_plans in rows:
        if row_id <= mark.last_id and (row_id == mark.last_id or row_id in mark.pending):
            continue
        if for_plans:
            plans_changed = True
        elif customer_id is not None:
            customers.add(customer_id)
        elif country is not None:
            countries.add(country)
        else:
            return EVERYTHING, new_mark
    return Changes(frozenset(customers), frozenset(countries), plans_changed), new_mark


# How far back a row committing late still changes `data_version`: a transaction would have to
# stay open while this many later changes commit to be missed.
LATE_COMMIT_IDS = 10_000


def data_version() -> DataVersion:
    """The log's newest row, and each source's own version: a fingerprint of it all.

    On PostgreSQL a row may commit after a newer one, so how many of the newest
    `LATE_COMMIT_IDS` ids are committed counts too: a late commit among them changes it. (The
    oldest running transaction would say it as well, but it is the whole server's: it moves
    with every unrelated transaction, and no feed would ever answer 304.)
    """
    late = (
        f"(SELECT count(*) FROM {CHANGE_LOG_TABLE} WHERE id > newest.id - {LATE_COMMIT_IDS})"
        if connection.vendor == "postgresql"
        else "''"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, token, changed_at, {late} FROM {CHANGE_LOG_TABLE} AS newest "  # noqa: S608 - constants
            "ORDER BY id DESC LIMIT 1"
        )
        row = cursor.fetchone()
    last_id, token, changed_at, running = row if row is not None else (0, 0, None, "")
    versions = "|".join(source.version for source in SOURCES if source.version)
    return DataVersion(
        f"{last_id}:{token}:{running}|{versions}",
        None if changed_at is None else _as_datetime(changed_at),
    )


def change_log_prune() -> int:
    """Delete changes older than `KEEP`, always keeping the newest; return how many went."""
    cutoff = timezone.now() - KEEP
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {CHANGE_LOG_TABLE} WHERE changed_at < %s "  # noqa: S608 - a constant
            f"AND id < (SELECT max(id) FROM {CHANGE_LOG_TABLE})",
            [cutoff if connection.vendor == "postgresql" else _as_text(cutoff)],
        )
        return int(cursor.rowcount)


def _as_text(moment: datetime.datetime) -> str:
    """SQLite keeps the moment as UTC text, as strftime('%Y-%m-%d %H:%M:%f') writes it."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _as_datetime(value: str | datetime.datetime) -> datetime.datetime | None:
    """SQLite keeps the moment as UTC text; PostgreSQL returns an aware datetime."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment
