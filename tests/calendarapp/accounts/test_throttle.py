"""Failed logins are throttled per account and per address, with a message saying for how long."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client

from tests import factories

LOCKED = "Too many failed attempts: try again in 15 minutes or ask an admin to unlock"


def log_in(client: Client, username: str, password: str, address: str = "203.0.113.7", **headers):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client: Client, username: str, times: int, address: str = "203.0.113.7", **headers):
    for _ in range(times):
        response = log_in(client, username, "wrong", address, **headers)
        assert response.status_code in (200, 429), "a wrong password shows the form again"


def test_the_right_password_works_after_four_wrong_ones(client, sales_manager):
    fail(client, "sam", 4)
    response = log_in(client, "sam", factories.PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/today/"


def test_the_fifth_wrong_password_says_the_account_is_locked(client, sales_manager):
    fail(client, "sam", 3)
    assert LOCKED not in log_in(client, "sam", "fourth").content.decode()
    response = log_in(client, "sam", "fifth")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_five_wrong_passwords_then_the_right_one_is_refused_with_the_message(client, sales_manager):
    fail(client, "sam", 5)
    response = log_in(client, "sam", factories.PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert 'value="sam"' in page, "the login form is shown again, the username kept"
    assert "_auth_user_id" not in client.session


def test_a_locked_account_is_locked_from_another_address_too(client, sales_manager):
    fail(client, "sam", 5, address="203.0.113.7")
    response = log_in(Client(), "sam", factories.PASSWORD, address="198.51.100.9")
    assert response.status_code == 429


def test_an_address_that_failed_five_times_cannot_log_in_to_another_account(
    client, sales_manager, calendar_admin
):
    for username in ["sam", "ann", "bob", "cy", "dee"]:
        fail(client, username, 1)
    response = log_in(client, "alice", factories.PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    elsewhere = log_in(Client(), "alice", factories.PASSWORD, address="198.51.100.9")
    assert elsewhere.status_code == 302, "the account itself is not locked"


def test_the_lock_ends_after_the_cool_off(client, sales_manager, time_machine):
    time_machine.move_to("2026-12-04 09:00Z", tick=False)
    fail(client, "sam", 5)
    time_machine.move_to("2026-12-04 09:14Z", tick=False)
    assert log_in(client, "sam", factories.PASSWORD).status_code == 429
    time_machine.move_to("2026-12-04 09:30Z", tick=False)
    assert log_in(client, "sam", factories.PASSWORD).status_code == 302


def test_the_limit_and_cool_off_come_from_the_settings(client, sales_manager, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.LOGIN_COOLOFF_MINUTES = 1
    fail(client, "sam", 2)
    response = log_in(client, "sam", factories.PASSWORD)
    assert "try again in 1 minute or ask an admin" in response.content.decode()


@pytest.mark.parametrize(
    "command, argument",
    [("axes_reset_username", "sam"), ("axes_reset_ip", "203.0.113.7"), ("axes_reset", None)],
)
def test_an_admin_unlocks_with_a_command(client, sales_manager, command, argument):
    fail(client, "sam", 5)
    call_command(command, *([argument] if argument else []))
    assert log_in(client, "sam", factories.PASSWORD).status_code == 302


def test_behind_the_proxy_each_client_address_is_counted_apart(
    client, sales_manager, calendar_admin, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for username in ["ann", "bob", "cy", "dee", "eve"]:
        fail(client, username, 1, proxy, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")
    other = log_in(
        Client(), "alice", factories.PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert other.status_code == 302, "another client behind the same proxy still logs in"
    spoofed = log_in(
        Client(), "sam", factories.PASSWORD, proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    assert spoofed.status_code == 429, "what the client prepends does not change its address"


def test_the_admin_login_is_throttled_too(client, calendar_admin):
    for _ in range(5):
        client.post(
            "/admin/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="203.0.113.7"
        )
    response = client.post(
        "/admin/login/",
        {"username": "alice", "password": factories.PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 429


def test_logins_without_a_request_are_not_throttled(sales_manager):
    """The shell and scripts call authenticate() without a request; they come from no address."""
    assert authenticate(username="sam", password=factories.PASSWORD) == sales_manager


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("LOGIN_FAILURE_LIMIT", "0", "must be at least 1"),
        ("LOGIN_COOLOFF_MINUTES", "soon", "LOGIN_COOLOFF_MINUTES must be a whole number"),
    ],
)
def test_a_bad_throttle_setting_stops_start_up_naming_it(name, value, message):
    result = subprocess.run(
        [sys.executable, "-c", "import calendarapp.settings"],
        env={**os.environ, "SECRET_KEY": "x", "DEBUG": "0", name: value},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert message in result.stderr
