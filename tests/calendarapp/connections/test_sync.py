"""Syncing a connected calendar (`connection_sync`), through the API's "sync now" and the beat
task, against the loopback .ics site and the real CalDAV server: what is logged, how a calendar
that cannot be read says why, and that no secret reaches an answer or a log."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from calendarapp import tasks
from calendarapp.connections import sync
from calendarapp.models import CalendarConnection, ConnectionStatus
from customers.models import Customer, Person, Touchpoint
from tests import factories
from tests.calendar_servers import wrap

SECRET_PATH = "/private-7c1d2e9f0a3b/basic.ics"
PASSWORD = "app-pw-Zr81"


def meeting(uid: str, days_ago: float, *attendees: str, title: str = "Quarterly review") -> str:
    """A one-hour meeting `days_ago` days back (negative: ahead), as a calendar exports it."""
    start = timezone.now().astimezone(datetime.UTC) - datetime.timedelta(days=days_ago)
    start = start.replace(minute=0, second=0, microsecond=0)
    stamp = "%Y%m%dT%H%M%SZ"
    lines = [
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART:{start.strftime(stamp)}",
        f"DTEND:{(start + datetime.timedelta(hours=1)).strftime(stamp)}",
        f"SUMMARY:{title}",
        "ORGANIZER:mailto:sam@example.com",
        *(f"ATTENDEE;PARTSTAT=ACCEPTED;CN={a}:mailto:{a}" for a in attendees),
    ]
    return "\r\n".join(lines)


@pytest.fixture
def aarhus(sales_manager, settings) -> Customer:
    """Aarhus A/S, Sam's customer, with Jens; example.com is our own domain."""
    settings.OUR_EMAIL_DOMAINS = ["example.com"]
    customer = factories.customer("Aarhus A/S", "DK", owner=sales_manager)
    Person.objects.create(customer=customer, name="Jens Holm", email="jens@aarhus.dk")
    return customer


@pytest.fixture
def review(site, aarhus) -> str:
    """Sam's calendar on the loopback site: a meeting with Jens three days ago; its address."""
    return site.put(
        SECRET_PATH, wrap(meeting("review-1@example.com", 3, "jens@aarhus.dk")).encode()
    )


def connect(owner, url: str, **fields) -> CalendarConnection:
    return CalendarConnection.objects.create(owner=owner, name="Work", url=url, **fields)


def sync_now(client, connection: CalendarConnection):
    return client.post(f"/api/calendar-connections/{connection.pk}/sync")


def test_sync_now_logs_a_past_meeting_with_a_customers_person_as_a_touch(
    sales_client, sales_manager, review, aarhus
):
    connection = connect(sales_manager, review)

    response = sync_now(sales_client, connection)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["logged"], body["updated"], body["removed"]) == (1, 0, 0)
    assert set(body["skipped"]) == {
        "internal",
        "private",
        "declined",
        "cancelled",
        "no_customer",
        "future",
    }
    touch = Touchpoint.objects.get(customer=aarhus)
    assert touch.summary == "Quarterly review"
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.OK
    assert connection.last_synced_at is not None
    assert (connection.last_error, connection.touches_logged) == ("", 1)


def test_a_second_sync_changes_nothing_that_did_not_change(
    sales_client, sales_manager, review, aarhus
):
    connection = connect(sales_manager, review)
    sync_now(sales_client, connection)

    again = sync_now(sales_client, connection).json()

    assert (again["logged"], again["updated"], again["removed"]) == (0, 0, 0)
    assert Touchpoint.objects.filter(customer=aarhus).count() == 1
    connection.refresh_from_db()
    assert connection.touches_logged == 1


def test_a_caldav_calendar_is_synced_with_its_login(
    sales_client, sales_manager, caldav_server, aarhus
):
    url = caldav_server.calendar(meeting("caldav-1@example.com", 2, "jens@aarhus.dk"))
    connection = connect(
        sales_manager, url, username=caldav_server.username, password=caldav_server.password
    )

    response = sync_now(sales_client, connection)

    assert response.status_code == 200, response.json()
    assert response.json()["logged"] == 1
    assert Touchpoint.objects.filter(customer=aarhus).count() == 1


def test_a_wrong_password_is_a_400_naming_password_and_says_why_on_the_connection(
    sales_client, sales_manager, caldav_server, aarhus, caplog
):
    url = caldav_server.calendar(meeting("caldav-2@example.com", 2, "jens@aarhus.dk"))
    connection = connect(sales_manager, url, username=caldav_server.username, password=PASSWORD)

    response = sync_now(sales_client, connection)

    assert response.status_code == 400
    [message] = response.json()["errors"]["password"]
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ERROR
    assert connection.last_error == message
    assert not Touchpoint.objects.exists()
    assert PASSWORD not in response.content.decode() + caplog.text + connection.last_error


def test_an_address_that_answers_404_is_a_400_naming_url(
    sales_client, sales_manager, site, aarhus, caplog
):
    connection = connect(sales_manager, site.base + SECRET_PATH)

    response = sync_now(sales_client, connection)

    assert response.status_code == 400
    [message] = response.json()["errors"]["url"]
    assert "404" in message
    connection.refresh_from_db()
    assert (connection.status, connection.last_error) == (ConnectionStatus.ERROR, message)
    everything = response.content.decode() + caplog.text + connection.last_error
    assert "private-7c1d2e9f0a3b" not in everything


def test_a_hung_server_is_given_up_within_the_time_limit(
    sales_client, sales_manager, site, aarhus, settings
):
    settings.ICS_IMPORT_TIMEOUT_SECONDS = 1
    connection = connect(sales_manager, site.hang(SECRET_PATH))
    started = timezone.now()

    response = sync_now(sales_client, connection)

    assert response.status_code == 400
    assert "within 1 s" in response.json()["errors"]["url"][0]
    assert timezone.now() - started < datetime.timedelta(seconds=10)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ERROR


def test_a_private_host_is_refused_unless_allowed(
    sales_client, sales_manager, review, aarhus, settings
):
    connection = connect(sales_manager, review)
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = []

    response = sync_now(sales_client, connection)

    assert response.status_code == 400
    assert "private or local address" in response.json()["errors"]["url"][0]
    assert not Touchpoint.objects.exists()


def test_a_failed_sync_after_a_good_one_keeps_the_touches_and_the_last_sync(
    sales_client, sales_manager, site, review, aarhus
):
    connection = connect(sales_manager, review)
    sync_now(sales_client, connection)
    connection.refresh_from_db()
    synced_at = connection.last_synced_at
    del site.pages[SECRET_PATH]

    assert sync_now(sales_client, connection).status_code == 400

    connection.refresh_from_db()
    assert (connection.status, connection.last_synced_at) == (ConnectionStatus.ERROR, synced_at)
    assert Touchpoint.objects.filter(customer=aarhus).count() == 1


@pytest.fixture
def deleted_while_read(monkeypatch):
    """Reading a calendar deletes its connection once read, as a delete landing then would."""
    real = sync.events_between

    def events_between(**kwargs):
        events = real(**kwargs)
        CalendarConnection.objects.all().delete()  # the only one in these tests
        return events

    monkeypatch.setattr(sync, "events_between", events_between)


def test_a_connection_deleted_while_its_calendar_is_read_is_a_404_writing_nothing(
    sales_client, sales_manager, review, aarhus, deleted_while_read
):
    connection = connect(sales_manager, review)

    response = sync_now(sales_client, connection)

    assert response.status_code == 404
    assert "deleted meanwhile" in str(response.json()["errors"])
    assert not Touchpoint.objects.exists()
    assert not CalendarConnection.objects.exists()


def test_the_beat_task_skips_a_connection_deleted_while_its_calendar_is_read(
    eager, sales_manager, review, aarhus, deleted_while_read
):
    connection = connect(sales_manager, review)

    assert tasks.connection_sync_one.delay(connection.pk).get() == "gone"
    assert not Touchpoint.objects.exists()


def test_the_window_reaches_the_configured_days_around_now(settings):
    settings.CALENDAR_SYNC_PAST_DAYS, settings.CALENDAR_SYNC_FUTURE_DAYS = 90, 30
    now = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=datetime.UTC)

    assert sync.sync_window(now) == (
        datetime.datetime(2026, 9, 6, 12, 0, tzinfo=datetime.UTC),
        datetime.datetime(2027, 1, 4, 12, 0, tzinfo=datetime.UTC),
    )


def test_the_beat_task_syncs_every_connection_and_one_failure_stops_none(
    eager, sales_manager, calendar_admin, site, review, aarhus, caplog
):
    broken = connect(calendar_admin, site.base + "/gone.ics")
    working = connect(sales_manager, review)

    assert tasks.connections_sync_all.delay().get() == 2

    broken.refresh_from_db()
    working.refresh_from_db()
    assert broken.status == ConnectionStatus.ERROR
    assert "404" in broken.last_error
    assert (working.status, working.touches_logged) == (ConnectionStatus.OK, 1)
    assert f"Calendar connection {broken.pk} could not be read" in caplog.text


def test_a_connection_whose_sync_breaks_unexpectedly_stops_none_of_the_others(
    eager, sales_manager, calendar_admin, site, review, aarhus, monkeypatch, caplog
):
    first = connect(calendar_admin, review)
    second = connect(sales_manager, review)
    real = sync.meetings_sync

    def breaks_for_the_first(*, connection, **kwargs):
        if connection.pk == first.pk:
            raise RuntimeError("a bug")
        return real(connection=connection, **kwargs)

    monkeypatch.setattr(sync, "meetings_sync", breaks_for_the_first)

    assert tasks.connections_sync_all.delay().get() == 2

    second.refresh_from_db()
    assert second.status == ConnectionStatus.OK
    assert f"Calendar connection {first.pk} failed to sync" in caplog.text


def test_the_beat_schedules_the_sync_every_calendar_sync_minutes():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["sync-calendar-connections"]

    assert entry["task"] == "calendarapp.tasks.connections_sync_all"
    assert entry["schedule"] == datetime.timedelta(minutes=settings.CALENDAR_SYNC_MINUTES)
