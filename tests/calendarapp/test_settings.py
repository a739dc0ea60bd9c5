"""Settings read from the environment: timeouts on every dependency, loud errors on bad values."""

import json
import os
import subprocess
import sys

SHOW = (
    "import json, calendarapp.settings as s; print(json.dumps({"
    "'db': s.DATABASES['default'].get('OPTIONS', {}),"
    "'cache': s.CACHES['default'].get('OPTIONS', {}),"
    "'broker': s.CELERY_BROKER_TRANSPORT_OPTIONS}))"
)


def settings_with(**env):
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        env={**os.environ, "SECRET_KEY": "x", "DEBUG": "0", **env},
        capture_output=True,
        text=True,
    )
    return result


def test_postgresql_connections_and_statements_are_bounded():
    shown = settings_with(
        DATABASE_URL="postgres://calendar@db.example:5432/calendar",
        DATABASE_CONNECT_TIMEOUT="2",
        DATABASE_STATEMENT_TIMEOUT_MS="5000",
    )
    options = json.loads(shown.stdout)["db"]
    assert options["connect_timeout"] == 2
    assert options["options"] == "-c statement_timeout=5000"


def test_redis_calls_are_bounded_well_under_a_second_by_default():
    shown = json.loads(settings_with(REDIS_URL="redis://cache.example:6379/0").stdout)
    assert shown["cache"] == {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    assert shown["broker"]["socket_connect_timeout"] == 0.5


def test_a_timeout_that_is_not_a_number_stops_start_up_naming_the_variable():
    shown = settings_with(REDIS_URL="redis://cache.example:6379/0", REDIS_TIMEOUT_SECONDS="soon")
    assert shown.returncode != 0
    assert "REDIS_TIMEOUT_SECONDS" in shown.stderr


def test_a_contact_interval_outside_7_to_365_days_stops_start_up_naming_the_variable():
    for value in ("3", "400", "monthly"):
        shown = settings_with(CONTACT_EVERY_DAYS=value)
        assert shown.returncode != 0
        assert "CONTACT_EVERY_DAYS" in shown.stderr
    assert settings_with(CONTACT_EVERY_DAYS="14").returncode == 0


def test_our_email_domains_are_read_lower_case_and_a_non_domain_stops_start_up_naming_it():
    shown = subprocess.run(
        [sys.executable, "-c", "import calendarapp.settings as s; print(s.OUR_EMAIL_DOMAINS)"],
        env={**os.environ, "SECRET_KEY": "x", "OUR_EMAIL_DOMAINS": "OurCo.com, ourco.dk"},
        capture_output=True,
        text=True,
    )
    assert shown.stdout.strip() == "['ourco.com', 'ourco.dk']"
    result = settings_with(OUR_EMAIL_DOMAINS="ourco.com,sales@ourco.dk")
    assert result.returncode != 0
    assert "OUR_EMAIL_DOMAINS: “sales@ourco.dk” is an email address" in result.stderr


def test_a_calendar_sync_interval_or_window_out_of_range_stops_start_up_naming_the_variable():
    for name, value in (
        ("CALENDAR_SYNC_MINUTES", "0"),
        ("CALENDAR_SYNC_MINUTES", "half-hourly"),
        ("CALENDAR_SYNC_PAST_DAYS", "-1"),
        ("CALENDAR_SYNC_FUTURE_DAYS", "5000"),
    ):
        shown = settings_with(**{name: value})
        assert shown.returncode != 0
        assert name in shown.stderr
    assert settings_with(CALENDAR_SYNC_MINUTES="15").returncode == 0
