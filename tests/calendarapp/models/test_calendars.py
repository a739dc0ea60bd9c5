"""Users' calendars and the meetings read from them: secrets at rest, keys that fit."""

import pytest
from django.db import connection

from calendarapp.models import CalendarConnection
from calendarapp.models.calendars import UID_MAX, stored_uid

pytestmark = pytest.mark.django_db


def test_a_calendars_address_and_password_are_stored_encrypted_and_read_back(sales_manager):
    calendar = CalendarConnection.objects.create(
        owner=sales_manager,
        name="Fastmail",
        url="https://caldav.fastmail.com/dav/calendars/user/sam/secret-1234",
        username="sam",
        password="app-password-5678",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT url, password FROM calendarapp_calendarconnection WHERE id = %s", [calendar.pk]
        )
        url, password = cursor.fetchone()
    assert "secret-1234" not in url and "app-password-5678" not in password
    again = CalendarConnection.objects.get()
    assert (again.url, again.password) == (calendar.url, "app-password-5678")
    assert str(again) == "Fastmail of sam"


def test_a_uid_longer_than_the_column_is_kept_apart_from_its_look_alikes():
    assert stored_uid("short@example.com") == "short@example.com"
    long_a, long_b = "x" * 300 + "a", "x" * 300 + "b"
    assert len(stored_uid(long_a)) == UID_MAX
    assert stored_uid(long_a) != stored_uid(long_b)
    assert stored_uid(long_a) == stored_uid(long_a)
