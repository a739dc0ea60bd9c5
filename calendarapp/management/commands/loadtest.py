"""`make loadtest`: gunicorn on 127.0.0.1 under 50 clients: healthy, Redis or database hung, frozen.

It runs on the PostgreSQL database DATABASE_URL names (creating it when it does
not exist yet), guarded like `bench`: it refuses a database holding customers
the bench did not create, and asks before using one whose name says neither
"bench" nor "loadtest". The data set is the bench's, at its small size. The
runs and their figures are in calendarapp/devtools/loadtest.py.
"""

from __future__ import annotations

import io
import json
import os
import time
from importlib import import_module
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection
from django.urls import reverse

from calendarapp.devtools import bench, loadtest
from calendarapp.management.commands.bench import check_database_is_the_benchs, describe_database
from customers.models import Customer

# The account owner whose session, feed and token the clients use (a bench sales manager).
USERNAME = "owner0"
RUNS = (loadtest.HEALTHY, loadtest.REDIS_HUNG, loadtest.DATABASE_HUNG, loadtest.DATABASE_FROZEN)


class Command(BaseCommand):
    help = "Drive gunicorn with 50 clients: healthy, Redis hung, the database hung, and frozen."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--yes", action="store_true", help="Use a database not named for the load test unasked."
        )
        parser.add_argument(
            "--run",
            action="append",
            choices=RUNS,
            help="Only this run (repeatable): e.g. `--run healthy` to measure CPU per request.",
        )

    def handle(self, *args, yes: bool = False, run: list[str] | None = None, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "The load test runs on PostgreSQL, as production does: set DATABASE_URL."
            )
        try:
            seconds = loadtest.seconds_from_environment()
        except ValueError as error:
            raise CommandError(str(error)) from None
        began = time.monotonic()
        create_database_if_missing()
        self.stdout.write(f"Database: {describe_database()}")
        check_database_is_the_benchs(yes=yes)
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("Building the data set (first run only)…")
        bench.use_size(bench.build_data(bench.CUSTOMERS), bench.SMALL)
        endpoints = self.endpoints()
        connection.close()

        hung_note = {
            loadtest.REDIS_HUNG: "REDIS_URL points at a socket that accepts and never answers.",
            loadtest.DATABASE_HUNG: (
                "DATABASE_URL points at a socket that accepts and never answers; a 503 is the "
                "expected answer there and is not counted as an error."
            ),
            loadtest.DATABASE_FROZEN: (
                "DATABASE_URL points at a relay to PostgreSQL that freezes, sockets open, once "
                f"the workers are warm; GUNICORN_TIMEOUT={loadtest.FROZEN_GUNICORN_TIMEOUT}. A 503 "
                "or no answer is expected; /healthz must answer 503 within "
                f"HEALTHZ_TIMEOUT_SECONDS={settings.HEALTHZ_TIMEOUT_SECONDS:g}."
            ),
        }
        runs = []
        output = settings.BASE_DIR / "build" / "loadtest.json"
        # Every gunicorn started has exited when this block is left, whatever happened.
        with loadtest.Servers() as servers:
            for name in [name for name in RUNS if not run or name in run]:
                self.stdout.write(
                    f"\n== {name}: {loadtest.CLIENTS} clients, {seconds:g} s, "
                    f"{loadtest.WORKERS} gunicorn workers on {loadtest.HOST}; a request with no "
                    f"answer within {loadtest.CLIENT_TIMEOUT_SECONDS} s is an error"
                )
                if name in hung_note:
                    self.stdout.write(hung_note[name])
                database = connection.settings_dict
                target = (database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
                with loadtest.HungServer() as hung, loadtest.FreezingProxy(target) as proxy:
                    env = dict(os.environ)
                    if name == loadtest.REDIS_HUNG:
                        env["REDIS_URL"] = f"redis://{loadtest.HOST}:{hung.port}/0"
                    if name == loadtest.DATABASE_HUNG:
                        env["DATABASE_URL"] = (
                            f"postgres://calendar@{loadtest.HOST}:{hung.port}/hung"
                        )
                    frozen = name == loadtest.DATABASE_FROZEN
                    if frozen:
                        env["DATABASE_URL"] = _through(env["DATABASE_URL"], proxy.port)
                        env["GUNICORN_TIMEOUT"] = str(loadtest.FROZEN_GUNICORN_TIMEOUT)
                    figures = loadtest.run(
                        name,
                        base_dir=settings.BASE_DIR,
                        env=env,
                        endpoints=endpoints,
                        seconds=seconds,
                        servers=servers,
                        proxy=proxy if frozen else None,
                    )
                self.stdout.write(loadtest.table(figures))
                runs.append((name, figures))
                loadtest.write(loadtest.report(runs), output)
        self.stdout.write(f"\nWrote {output} after {time.monotonic() - began:.0f} s in all")
        failures = loadtest.healthy_failures(loadtest.report(runs)) + loadtest.frozen_failures(
            loadtest.report(runs), settings.HEALTHZ_TIMEOUT_SECONDS
        )
        if failures:
            raise CommandError("; ".join(failures))
        self.stdout.write(
            f"Healthy run: no errors, no request over {loadtest.SLOW_MS} ms "
            f"(server logs in build/loadtest-*.log)."
        )

    def endpoints(self) -> list[loadtest.Endpoint]:
        """The six endpoints, authenticated as a bench sales manager (session, feed, token)."""
        user = get_user_model().objects.get(username=USERNAME)
        customer = Customer.objects.filter(owner=user).order_by("pk").first()
        if customer is None:
            raise CommandError(f"{USERNAME} owns no customer: the bench data set is incomplete.")
        cookie = f"{settings.SESSION_COOKIE_NAME}={_session_for(user)}"
        # Both commands print what scripts read on their last line.
        token = _last_line("create_api_token", USERNAME)
        feed = urlsplit(_last_line("feed_url", USERNAME)).path
        api = {"Authorization": f"Bearer {token}"}
        plan = {
            "kind": "event",
            "title": "Load test launch event",
            "start": f"{bench.YEAR}-10-12",
            "end": f"{bench.YEAR}-10-14",
            "countries": ["DK", "DE"],
        }
        return [
            loadtest.Endpoint("timeline", "GET", "/", {"Cookie": cookie}),
            loadtest.Endpoint("today", "GET", reverse("today"), {"Cookie": cookie}),
            loadtest.Endpoint("customer", "GET", customer.get_absolute_url(), {"Cookie": cookie}),
            loadtest.Endpoint("feed", "GET", feed),
            loadtest.Endpoint(
                "occurrences",
                "GET",
                f"/api/occurrences?start={bench.YEAR}-01-01&end={bench.YEAR}-01-31",
                api,
            ),
            loadtest.Endpoint(
                "plans_check",
                "POST",
                "/api/plans/check",
                {**api, "Content-Type": "application/json"},
                json.dumps(plan).encode(),
            ),
        ]


def _through(url: str, port: int) -> str:
    """The database URL with its host and port those of the relay on 127.0.0.1."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@" if credentials else ""
    return parts._replace(netloc=f"{netloc}{loadtest.HOST}:{port}").geturl()


def _session_for(user) -> str:
    """A logged-in session's key, made directly: no login attempt for the throttle to count."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[auth.SESSION_KEY] = str(user.pk)
    session[auth.BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[auth.HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return str(session.session_key)


def _last_line(*command: str) -> str:
    out = io.StringIO()
    call_command(*command, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip().splitlines()[-1]


def create_database_if_missing() -> None:
    """CREATE DATABASE for the name DATABASE_URL gives, when the server says it does not exist."""
    try:
        connection.ensure_connection()
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
