"""An insert-only change log in place of the one-row change stamp (0006).

Each row names the customer, the country or the plans a write concerned, so a
cache renews only what an edit touched (calendarapp.occurrences.version), and
concurrent writers only insert instead of all updating one row. The row
triggers themselves are written after every migrate by `sync_change_triggers`
(they name each table's subject, which the sources declare); this migration
drops the stamp's triggers and creates the table and, on PostgreSQL, the
function a TRUNCATE calls (it renews everything).

Frozen history: the stamp's triggers are found by what they write, since
`sync_change_triggers` put them on tables 0006 did not list.
"""

from django.db import migrations

STAMP = "calendarapp_data_change"
LOG = "calendarapp_change_log"


def drop_triggers_naming(schema_editor, table):
    """Drop every trigger whose body writes `table`, whichever tables they were put on."""
    run = schema_editor.execute
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            # A trigger function's CASCADE drops the triggers that call it.
            cursor.execute("SELECT proname FROM pg_proc WHERE prosrc LIKE %s", [f"%{table}%"])
            for (name,) in cursor.fetchall():
                run(f"DROP FUNCTION IF EXISTS {name}() CASCADE")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE %s",
                [f"%{table}%"],
            )
            for (name,) in cursor.fetchall():
                run(f"DROP TRIGGER IF EXISTS {name}")


def create(apps, schema_editor):
    run = schema_editor.execute
    drop_triggers_naming(schema_editor, STAMP)
    if schema_editor.connection.vendor == "postgresql":
        run(f"DROP TABLE IF EXISTS {STAMP}")
        run(f"DROP SEQUENCE IF EXISTS {STAMP}_seq")
        xact = "pg_current_xact_id()::text::bigint"
        run(
            f"CREATE TABLE {LOG} (id bigserial PRIMARY KEY, customer_id bigint, country text, "
            "plans boolean NOT NULL DEFAULT FALSE, "
            f"token bigint NOT NULL DEFAULT {xact}, txid bigint NOT NULL DEFAULT {xact}, "
            "changed_at timestamptz NOT NULL DEFAULT clock_timestamp())"
        )
        # Readers ask for the rows of transactions still running at their last look.
        run(f"CREATE INDEX {LOG}_txid_idx ON {LOG} (txid)")
        run(
            f"CREATE FUNCTION {LOG}_everything() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO {LOG} (customer_id, country, plans) VALUES (NULL, NULL, FALSE); "
            "RETURN NULL; END $$"
        )
    elif schema_editor.connection.vendor == "sqlite":
        run(f"DROP TABLE IF EXISTS {STAMP}")
        run(
            f"CREATE TABLE {LOG} (id integer PRIMARY KEY, customer_id integer, country text, "
            "plans bool NOT NULL DEFAULT 0, token integer NOT NULL DEFAULT (random()), "
            "txid integer NOT NULL DEFAULT 0, "
            "changed_at text NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')))"
        )
    else:
        raise NotImplementedError("The change log's triggers exist for PostgreSQL and SQLite.")


def drop(apps, schema_editor):
    run = schema_editor.execute
    drop_triggers_naming(schema_editor, LOG)
    run(f"DROP TABLE {LOG}")
    # The stamp comes back without triggers (tables have changed since 0006 listed them),
    # so that migrating further back drops it as 0006 wrote it.
    if schema_editor.connection.vendor == "postgresql":
        run(f"CREATE SEQUENCE {STAMP}_seq")
        run(
            f"CREATE TABLE {STAMP} (id integer PRIMARY KEY CHECK (id = 1), "
            "stamp bigint NOT NULL, changed_at timestamptz NOT NULL)"
        )
        run(f"INSERT INTO {STAMP} VALUES (1, nextval('{STAMP}_seq'), clock_timestamp())")
        run(
            f"CREATE FUNCTION {STAMP}_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE {STAMP} SET stamp = nextval('{STAMP}_seq'), changed_at = clock_timestamp() "
            "WHERE id = 1; RETURN NULL; END $$"
        )
    else:
        run(
            f"CREATE TABLE {STAMP} (id integer PRIMARY KEY CHECK (id = 1), "
            "stamp bigint NOT NULL, changed_at text NOT NULL)"
        )
        run(f"INSERT INTO {STAMP} VALUES (1, random(), strftime('%Y-%m-%d %H:%M:%f', 'now'))")


class Migration(migrations.Migration):
    dependencies = [
        ("calendarapp", "0012_imported_occurrence_keys"),
        ("customers", "0009_customer_fact_history"),
        ("traditions", "0004_tradition_blocks_events"),
    ]

    operations = [migrations.RunPython(create, drop)]
