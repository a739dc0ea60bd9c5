"""Secrets at rest: encrypted with CALENDAR_SECRETS_KEY, rotated by putting a new key first."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection

from calendarapp.lib import secrets
from calendarapp.lib.secrets import EncryptedTextField, SecretUnreadable

ADDRESS = "https://calendar.google.com/calendar/ical/sam%40ourco.example/private-8f3a9c2e/basic.ics"


def test_a_secret_is_stored_unreadable_and_read_back_as_it_was():
    token = secrets.encrypt(ADDRESS)
    assert "8f3a9c2e" not in token and "google" not in token
    assert secrets.encrypt(ADDRESS) != token  # salted: equal secrets do not look equal
    assert secrets.decrypt(token) == ADDRESS
    assert secrets.decrypt(secrets.encrypt("pässwörd ✓")) == "pässwörd ✓"


def test_a_new_key_put_first_reads_old_secrets_and_rotating_lets_the_old_key_go(settings):
    settings.CALENDAR_SECRETS_KEY = ["old-key"]
    old_token = secrets.encrypt(ADDRESS)
    settings.CALENDAR_SECRETS_KEY = ["new-key", "old-key"]
    assert secrets.decrypt(old_token) == ADDRESS
    rotated = secrets.rotate(old_token)
    settings.CALENDAR_SECRETS_KEY = ["new-key"]
    assert secrets.decrypt(rotated) == ADDRESS
    with pytest.raises(SecretUnreadable, match="CALENDAR_SECRETS_KEY"):
        secrets.decrypt(old_token)


def test_a_secret_saved_under_a_dropped_key_says_which_setting_to_fix(settings):
    settings.CALENDAR_SECRETS_KEY = ["first"]
    token = secrets.encrypt("pw")
    settings.CALENDAR_SECRETS_KEY = ["second"]
    with pytest.raises(SecretUnreadable) as caught:
        secrets.decrypt(token)
    assert "put back the key it was saved with" in str(caught.value)
    with pytest.raises(SecretUnreadable):
        secrets.decrypt("not a token at all")


@pytest.mark.django_db
def test_the_field_stores_a_token_and_reads_the_text():
    field = EncryptedTextField()
    stored = field.get_db_prep_save(ADDRESS, connection)
    assert stored != ADDRESS and "8f3a9c2e" not in stored
    assert field.from_db_value(stored, None, connection) == ADDRESS
    assert field.get_db_prep_save("", connection) == ""
    assert field.from_db_value("", None, connection) == ""
    assert field.get_db_prep_save(None, connection) is None
    assert field.from_db_value(None, None, connection) is None
    # Migrations name it by its path in lib, which they may import.
    assert field.deconstruct()[1] == "calendarapp.lib.secrets.EncryptedTextField"


SHOW = "import calendarapp.settings as s; print(len(s.CALENDAR_SECRETS_KEY), s.CALENDAR_SECRETS_KEY[-1])"


def settings_with(**env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "CALENDAR_SECRETS_KEY", "CALENDAR_SECRETS_KEY_FILE")
    }
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        env={**environment, "SECRET_KEY": "the-secret-key", "ENV_FILE": "", **env},
        capture_output=True,
        text=True,
    )


def test_production_without_the_key_refuses_to_start_naming_it():
    result = settings_with(DEBUG="0")
    assert result.returncode != 0
    assert "CALENDAR_SECRETS_KEY (or CALENDAR_SECRETS_KEY_FILE) must be set" in result.stderr


def test_debug_falls_back_to_the_secret_key():
    assert settings_with(DEBUG="1").stdout.split() == ["1", "the-secret-key"]


def test_the_keys_come_comma_separated_or_from_a_file(tmp_path):
    assert settings_with(DEBUG="0", CALENDAR_SECRETS_KEY="new, old").stdout.split() == ["2", "old"]
    key_file = tmp_path / "calendar-key"
    key_file.write_text("from-a-file\n")
    shown = settings_with(DEBUG="0", CALENDAR_SECRETS_KEY_FILE=str(key_file))
    assert shown.stdout.split() == ["1", "from-a-file"]
    both = settings_with(
        DEBUG="0", CALENDAR_SECRETS_KEY="x", CALENDAR_SECRETS_KEY_FILE=str(key_file)
    )
    assert "Set CALENDAR_SECRETS_KEY or CALENDAR_SECRETS_KEY_FILE, not both" in both.stderr
    missing = settings_with(DEBUG="0", CALENDAR_SECRETS_KEY_FILE=str(tmp_path / "nothing"))
    assert "CALENDAR_SECRETS_KEY_FILE names" in missing.stderr
