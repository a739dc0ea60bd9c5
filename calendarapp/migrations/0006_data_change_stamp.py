"""A one-row change stamp that database triggers renew on every write to what the stream reads.

The data version (calendarapp.occurrences.version) reads this row instead of
counting and scanning tables. Triggers, not signals, so that bulk update(),
bulk_create(), QuerySet.delete(), cascades, raw SQL and TRUNCATE all count.
A new stamp is never reused: PostgreSQL draws it from a sequence (which a
rollback does not rewind), SQLite from random(); so a calendar remembered
under the stamp of a rolled-back transaction is never served again.

Frozen history: the tables are listed here as they were when this was written;
after every migrate, `sync_change_triggers` (calendarapp.occurrences.version)
adds the triggers of tables read since (tests/calendarapp/occurrences/test_version.py
checks every watched table).
"""

from django.db import migrations

TABLE = "calendarapp_data_change"
WATCHED_TABLES = (
    "customers_customer",
    "customers_customer_interests",
    "customers_interest",
    "customers_contract",
    "traditions_tradition",
    "calendarapp_icssource",
    "calendarapp_importedevent",
    "calendarapp_plan",
    "calendarapp_plan_customers",
    "calendarapp_plan_interests",
)
SQLITE_STAMP = (
    f"UPDATE {TABLE} SET stamp = random(), "
    "changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;"
)


def create(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(f"CREATE SEQUENCE {TABLE}_seq")
        run(
            f"CREATE TABLE {TABLE} (id integer PRIMARY KEY CHECK (id = 1), "
            "stamp bigint NOT NULL, changed_at timestamptz NOT NULL)"
        )
        run(f"INSERT INTO {TABLE} VALUES (1, nextval('{TABLE}_seq'), clock_timestamp())")
        # One bump per statement, however many rows it touches.
        run(
            f"CREATE FUNCTION {TABLE}_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE {TABLE} SET stamp = nextval('{TABLE}_seq'), changed_at = clock_timestamp() "
            "WHERE id = 1; RETURN NULL; END $$"
        )
        for table in WATCHED_TABLES:
            run(
                f"CREATE TRIGGER {table}_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_note()"
            )
    elif schema_editor.connection.vendor == "sqlite":
        run(
            f"CREATE TABLE {TABLE} (id integer PRIMARY KEY CHECK (id = 1), "
            "stamp bigint NOT NULL, changed_at text NOT NULL)"
        )
        run(f"INSERT INTO {TABLE} VALUES (1, random(), strftime('%Y-%m-%d %H:%M:%f', 'now'))")
        # SQLite has row triggers only; Django's flush deletes rows, so it bumps too.
        for table in WATCHED_TABLES:
            for operation in ("INSERT", "UPDATE", "DELETE"):
                run(
                    f"CREATE TRIGGER {table}_{operation.lower()}s AFTER {operation} ON {table} "
                    f"BEGIN {SQLITE_STAMP} END"
                )
    else:
        raise NotImplementedError("The data version's triggers exist for PostgreSQL and SQLite.")


def drop(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in WATCHED_TABLES:
            run(f"DROP TRIGGER IF EXISTS {table}_changes ON {table}")
        run(f"DROP FUNCTION {TABLE}_note()")
        run(f"DROP TABLE {TABLE}")
        run(f"DROP SEQUENCE {TABLE}_seq")
    else:
        for table in WATCHED_TABLES:
            for operation in ("insert", "update", "delete"):
                run(f"DROP TRIGGER IF EXISTS {table}_{operation}s")
        run(f"DROP TABLE {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("calendarapp", "0005_calendar_date_limits"),
        ("customers", "0002_calendar_date_limits"),
        ("traditions", "0002_calendar_date_limits"),
    ]

    operations = [migrations.RunPython(create, drop)]
