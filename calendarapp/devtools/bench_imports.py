"""`make bench` figures for the spreadsheet import, registered in `calendarapp.bench`.

`import_2000_customers_dry_run_ms` checks a CSV of 2,000 new customers (the
preview); `import_2000_customers_ms` checks and writes them, in a transaction
rolled back after each run so the bench data stays as it was.
"""

from __future__ import annotations

from django.db import transaction

from calendarapp.devtools.bench import BenchData, figure, timed
from calendarapp.imports.spreadsheet import customers_import

ROWS = 2000
FILE = (
    "name;country;subdivision;budget_close_month;contact_every_days;notes\n"
    + "\n".join(
        f"Imported {n:04d};{('DK', 'DE', 'SE')[n % 3]};{'BY' if n % 3 == 1 else ''};"
        f"{n % 12 + 1};30;row {n}"
        for n in range(ROWS)
    )
).encode()


class _RolledBack(Exception):
    pass


def _import_and_roll_back() -> None:
    try:
        with transaction.atomic():
            result = customers_import(data=FILE, filename="bench.csv")
            assert result.created == ROWS, result.errors[:3]
            raise _RolledBack
    except _RolledBack:
        pass


@figure("import_2000_customers_dry_run_ms")
def import_2000_customers_dry_run(data: BenchData) -> float:
    return timed(lambda: customers_import(data=FILE, filename="bench.csv", dry_run=True), runs=3)


@figure("import_2000_customers_ms")
def import_2000_customers(data: BenchData) -> float:
    return timed(_import_and_roll_back, runs=3)
