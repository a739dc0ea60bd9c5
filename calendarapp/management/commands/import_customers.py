"""`manage.py import_customers FILE [--dry-run] [--kind KIND]`: the spreadsheet import.

Prints every problem as the page shows it ("line 7, country: …") and exits 1
on any error (nothing is written then), 0 on success.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from calendarapp.imports.spreadsheet import SHEETS, SpreadsheetError, customers_import


class Command(BaseCommand):
    help = "Import customers, contracts, traditions and people from a CSV or .xlsx file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="A .csv (one kind) or .xlsx (a sheet per kind).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and show what would change; write nothing.",
        )
        parser.add_argument(
            "--kind", choices=SHEETS, help="What a CSV holds (default customers), or the one sheet."
        )

    def handle(self, *args, file: str, dry_run: bool, kind: str | None, **options) -> None:
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}.") from None
        try:
            result = customers_import(data=data, filename=path.name, kind=kind, dry_run=dry_run)
        except SpreadsheetError as error:
            raise CommandError(str(error)) from None
        for problem in result.errors:
            self.stderr.write(str(problem))
        if result.errors:
            raise CommandError(result.problems(), returncode=1)
        self.stdout.write(result.summary())
