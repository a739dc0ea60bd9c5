"""`make bench`: build the fixed data set in a throwaway database and print each figure.

It runs on whatever database DATABASE_URL names (SQLite or PostgreSQL), says
which, and asks before using one whose name does not say "bench" (`--yes`
answers for scripts). It never touches a database that holds customers it
did not create: the bench marks the databases it fills (bench.MARKER_TABLE)
and refuses any other with rows in customers_customer, before migrating it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from calendarapp.devtools import bench
from customers.models import Customer


class Command(BaseCommand):
    help = "Print the performance figures on a synthetic data set and write build/bench.json."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--only", nargs="*", help="Run only these figures.")
        parser.add_argument(
            "--yes", action="store_true", help="Use a database not named for the bench unasked."
        )

    def handle(self, *args, only: list[str] | None = None, yes: bool = False, **options) -> None:
        database = describe_database()
        self.stdout.write(f"Database: {database}")
        check_database_is_the_benchs(yes=yes)
        call_command("migrate", verbosity=0)
        if unknown := sorted(set(only or ()) - set(bench.FIGURES)):
            # A misspelt name would otherwise run nothing and print no figure at all.
            raise CommandError(f"No such figure: {', '.join(unknown)}. See README's bench table.")
        figures = {name: entry for name, entry in bench.FIGURES.items() if not only or name in only}
        large = any(size == bench.LARGE for _, _, size in figures.values())
        self.stdout.write("Building the data set (first run only; the large size takes minutes)…")
        data = bench.build_data(bench.LARGE_CUSTOMERS if large else bench.CUSTOMERS)
        results: dict[str, object] = {"database": database}
        for size in (bench.SMALL, bench.LARGE):
            chosen = [(name, unit, run) for name, (unit, run, at) in figures.items() if at == size]
            if not chosen:
                continue
            bench.use_size(data, size)
            for name, unit, run in chosen:
                value = run(data)
                results[name] = {"value": value, "unit": unit}
                self.stdout.write(f"{name:<28} {value:>10} {unit}")
        bench.use_size(data, bench.LARGE if large else bench.SMALL)
        output = Path(settings.BASE_DIR) / "build" / "bench.json"
        output.parent.mkdir(exist_ok=True)
        output.write_text(json.dumps(results, indent=2) + "\n")
        self.stdout.write(f"Wrote {output}")


def check_database_is_the_benchs(*, yes: bool) -> None:
    """Refuse a database with someone else's customers; ask before using an unnamed one.

    Shared with `loadtest`, which builds the same data set; a name with "bench" or
    "loadtest" in it says the database is for that.
    """
    tables = connection.introspection.table_names()
    if Customer._meta.db_table in tables and bench.MARKER_TABLE not in tables:
        if Customer.objects.exists():
            raise CommandError(
                f"{describe_database()} holds customers the bench did not create; it "
                "refuses to touch it. Point DATABASE_URL at an empty database."
            )
    name = str(connection.settings_dict["NAME"])
    if "bench" in name or "loadtest" in name or yes:
        return
    question = (
        f"bench fills {describe_database()} with synthetic data (some 250,000 rows). Go on? [y/N] "
    )
    if not sys.stdin.isatty() or input(question).strip().lower() not in ("y", "yes"):
        raise CommandError(
            "bench fills its database with synthetic data: answer yes, pass --yes, or "
            "point DATABASE_URL at a database whose name contains 'bench' (make bench does)."
        )


def describe_database() -> str:
    config = connection.settings_dict
    where = f" on {config['HOST']}" if config.get("HOST") else ""
    return f"{connection.vendor} database {config['NAME']}{where}"
