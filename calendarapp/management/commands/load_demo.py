"""`python manage.py load_demo`: the demo team, safe to run again (nothing doubles)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand

from calendarapp.devtools.demo import load_demo


class Command(BaseCommand):
    help = "Create or update the demo customers, traditions and logins."

    def handle(self, *args, **options) -> None:
        summary = load_demo(today=datetime.date.today())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {summary.customers} customers, {summary.contracts} contracts, "
                f"{summary.traditions} customer traditions, "
                f"{summary.local_traditions} local traditions, {summary.people} people, "
                f"{summary.plans} plans."
            )
        )
        self.stdout.write("Demo logins (passwords as set when the login was first created):")
        for login in summary.logins:
            self.stdout.write(f"  {login.username:<8} {login.password:<12} {login.group}")
