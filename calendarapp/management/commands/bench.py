"""`make bench`: build the fixed data set in a throwaway database and print each figure."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from calendarapp.devtools import bench


class Command(BaseCommand):
    help = "Print the performance figures on a synthetic data set and write build/bench.json."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--only", nargs="*", help="Run only these figures.")

    def handle(self, *args, only: list[str] | None = None, **options) -> None:
        if "bench" not in str(connection.settings_dict["NAME"]):
            raise CommandError(
                "bench fills its database with synthetic data; point DATABASE_URL at a "
                "database whose name contains 'bench' (make bench does)."
            )
        call_command("migrate", verbosity=0)
        self.stdout.write("Building the data set (first run only)…")
        data = bench.build_data()
        results = {}
        for name, (unit, function) in bench.FIGURES.items():
            if only and name not in only:
                continue
            results[name] = {"value": function(data), "unit": unit}
            self.stdout.write(f"{name:<28} {results[name]['value']:>10} {unit}")
        output = Path(settings.BASE_DIR) / "build" / "bench.json"
        output.parent.mkdir(exist_ok=True)
        output.write_text(json.dumps(results, indent=2) + "\n")
        self.stdout.write(f"Wrote {output}")
