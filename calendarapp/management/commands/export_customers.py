"""`manage.py export_customers FILE [--kind KIND]`: customers and their facts as import reads them.

FILE ending in .xlsx gets a sheet per kind (or only `--kind`); .csv one kind
(`--kind`, default customers).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from calendarapp.imports.spreadsheet import SHEETS, customers_export


class Command(BaseCommand):
    help = "Export customers, contracts, traditions and people to an .xlsx or a CSV file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Where to write: a name ending in .xlsx or .csv.")
        parser.add_argument(
            "--kind", choices=SHEETS, help="Only this kind (a CSV: default customers)."
        )

    def handle(self, *args, file: str, kind: str | None, **options) -> None:
        path = Path(file)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError(f"{file}: the name must end in .xlsx or .csv.")
        data = customers_export(kind=kind, xlsx=path.suffix.lower() == ".xlsx")
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}.") from None
        self.stdout.write(f"Wrote {path} ({len(data)} bytes).")
