"""Background tasks run in-process: reminders once per owner and day, retries, a broker outage."""

from __future__ import annotations

import datetime
import logging
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from smtplib import SMTPServerDisconnected

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from calendarapp import tasks
from calendarapp.celery import app as celery_app
from calendarapp.models import IcsSource, Plan, ReminderPreference, SentReminder
from calendarapp.occurrences.sources import public_holidays
from calendarapp.planning.services import plan_save
from calendarapp.tasks import enqueue
from tests import factories
from tests.support import celery_conf

D = datetime.date
TODAY = D(2027, 7, 28)
BUDGET_LINE = "Acme's budget closes 30 Sep: get into next year's budget (1 Aug)"


@pytest.fixture
def acme(sales_manager):
    return factories.customer("Acme", "DK", owner=sales_manager, budget_close_month=9)


@pytest.fixture
def bianca(db):
    """A second owner, with a customer whose budget also closes at the end of September."""
    owner = factories.user("bianca", email="bianca@example.com")
    factories.customer("Bolt", "DE", owner=owner, budget_close_month=9)
    return owner


def test_daily_reminders_send_each_owner_their_own_list(eager, acme, bianca):
    queued = tasks.send_daily_reminders.delay(TODAY.isoformat()).get()

    assert queued == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"sam@example.com", "bianca@example.com"}
    assert BUDGET_LINE in by_recipient["sam@example.com"].body
    assert "Bolt's budget closes 30 Sep" in by_recipient["bianca@example.com"].body
    assert "Acme" not in by_recipient["bianca@example.com"].body


def test_running_the_daily_task_twice_sends_once(eager, acme, bianca):
    tasks.send_daily_reminders.delay(TODAY.isoformat())
    tasks.send_daily_reminders.delay(TODAY.isoformat())

    assert len(mail.outbox) == 2
    assert SentReminder.objects.count() == 2


def test_a_repeated_reminder_task_is_refused_by_the_sent_record(eager, acme, sales_manager):
    first = tasks.send_reminder.delay(sales_manager.pk, TODAY.isoformat()).get()
    second = tasks.send_reminder.delay(sales_manager.pk, TODAY.isoformat()).get()

    assert (first, second) == ("sent", "already sent")
    assert len(mail.outbox) == 1
    [sent] = SentReminder.objects.all()
    # The budget close to act on, and the strategy season open since 22 Jul.
    assert (sent.owner, sent.day, sent.item_count) == (sales_manager, TODAY, 2)


def test_the_next_day_is_a_new_reminder(eager, acme, sales_manager):
    tasks.send_reminder.delay(sales_manager.pk, TODAY.isoformat())
    tasks.send_reminder.delay(sales_manager.pk, (TODAY + datetime.timedelta(days=1)).isoformat())

    assert len(mail.outbox) == 2


def test_an_owner_who_switched_reminders_off_gets_none(eager, acme, sales_manager, bianca):
    ReminderPreference.objects.create(user=sales_manager, reminders_enabled=False)

    tasks.send_daily_reminders.delay(TODAY.isoformat())
    direct = tasks.send_reminder.delay(sales_manager.pk, TODAY.isoformat()).get()

    assert [message.to for message in mail.outbox] == [["bianca@example.com"]]
    assert direct == "opted out"


def test_no_email_when_there_is_nothing_to_say(eager, acme, sales_manager):
    outcome = tasks.send_reminder.delay(sales_manager.pk, "2027-03-03").get()

    assert outcome == "nothing to say"
    assert mail.outbox == []
    assert not SentReminder.objects.exists()


def test_an_smtp_hiccup_is_retried_and_sends_once(eager, acme, sales_manager, monkeypatch):
    real_send = EmailMultiAlternatives.send
    calls = []

    def flaky_send(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) == 1:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky_send)

    with celery_conf(task_eager_propagates=False):  # as in a worker: retry, do not raise
        outcome = tasks.send_reminder.delay(sales_manager.pk, TODAY.isoformat()).get()

    assert outcome == "sent"
    assert len(calls) == 2
    assert len(mail.outbox) == 1
    assert SentReminder.objects.count() == 1


def test_a_reminder_that_never_went_out_is_not_recorded_as_sent(
    eager, acme, sales_manager, monkeypatch
):
    calls = []

    def broken_send(message, *args, **kwargs):
        calls.append(message.to)
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken_send)

    with celery_conf(task_eager_propagates=False):
        result = tasks.send_reminder.delay(sales_manager.pk, TODAY.isoformat())

    assert result.failed()
    assert len(calls) == 1 + tasks.send_reminder.max_retries
    assert not SentReminder.objects.exists()


def ics(*events: tuple[str, str, str]) -> bytes:
    """A calendar with all-day events given as (uid, first day YYYYMMDD, title)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tests//EN"]
    for uid, day, title in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20270101T000000Z",
            f"DTSTART;VALUE=DATE:{day}",
            f"SUMMARY:{title}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def ics_server(settings):
    """Serve .ics files from a local HTTP server: returns (base URL, {path: body})."""
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    files: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", files
    server.shutdown()
    server.server_close()


def test_refresh_updates_subscribed_calendars_in_place(eager, acme, ics_server):
    base, files = ics_server
    files["/acme.ics"] = ics(
        ("fair@acme", "20270810", "Summer fair"), ("gala@acme", "20271201", "Gala")
    )
    subscribed = IcsSource.objects.create(
        name="Acme events", customer=acme, url=f"{base}/acme.ics", kind="customer_event"
    )
    IcsSource.objects.create(name="Uploaded once", country="DK", kind="vacation")

    assert tasks.refresh_ics_sources.delay().get() == 1
    assert sorted(subscribed.events.values_list("title", flat=True)) == ["Gala", "Summer fair"]

    fair = subscribed.events.get(title="Summer fair")
    files["/acme.ics"] = ics(("fair@acme", "20270810", "Summer fair, renamed"))
    tasks.refresh_ics_sources.delay()
    tasks.refresh_ics_sources.delay()

    [event] = subscribed.events.all()
    assert (event.pk, event.start, event.title) == (fair.pk, D(2027, 8, 10), "Summer fair, renamed")


def test_a_calendar_that_cannot_be_fetched_keeps_its_events_and_says_why(
    eager, acme, ics_server, caplog
):
    base, files = ics_server
    files["/acme.ics"] = ics(("fair@acme", "20270810", "Summer fair"))
    source = IcsSource.objects.create(
        name="Acme events", customer=acme, url=f"{base}/acme.ics", kind="customer_event"
    )
    tasks.refresh_ics_source.delay(source.pk)
    del files["/acme.ics"]

    outcome = tasks.refresh_ics_source.delay(source.pk).get()

    assert outcome.startswith("failed: The server answered 404")
    source.refresh_from_db()
    assert source.last_error.startswith("The server answered 404")
    assert source.events.get().title == "Summer fair"
    assert f"Could not refresh iCal source {source.pk}" in caplog.text


@pytest.mark.parametrize(
    "task",
    [
        tasks.send_daily_reminders,
        tasks.send_reminder,
        tasks.refresh_ics_sources,
        tasks.refresh_ics_source,
        tasks.warm_holiday_cache,
        tasks.prune_change_log,
        tasks.connections_sync_all,
        tasks.connection_sync_one,
    ],
)
def test_every_task_is_late_acked_retried_and_bounded(task):
    assert task.acks_late
    assert {ConnectionError, OSError} <= set(task.autoretry_for)
    assert task.retry_backoff
    assert 0 < task.soft_time_limit < task.time_limit


def test_the_beat_schedule_names_real_tasks():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled == {
        "calendarapp.tasks.send_daily_reminders",
        "calendarapp.tasks.refresh_ics_sources",
        "calendarapp.tasks.warm_holiday_cache",
        "calendarapp.tasks.purge_once_keys",
        "calendarapp.tasks.prune_change_log",
        "calendarapp.tasks.connections_sync_all",
    }
    assert scheduled <= set(celery_app.tasks)


def test_warming_holidays_covers_every_customers_region_for_the_coming_year(eager, db):
    factories.customer("Bavaria GmbH", "DE", subdivision="BY")
    factories.customer("Dansk", "DK")
    factories.customer("Gone", "FR", active=False)
    public_holidays.holidays_in_year.cache_clear()

    regions = tasks.warm_holiday_cache.delay(2028).get()

    assert regions == 3  # DE, DE-BY and DK; not the inactive customer's FR
    before = public_holidays.holidays_in_year.cache_info()
    public_holidays.holidays_in_year("DE", "BY", 2028)
    public_holidays.holidays_in_year("DK", "", 2028)
    after = public_holidays.holidays_in_year.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (2, 0)


def test_enqueue_runs_the_task_only_after_the_transaction_commits(
    eager, acme, sales_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            enqueue(tasks.send_reminder, sales_manager.pk, TODAY.isoformat())
            assert mail.outbox == []

    assert len(mail.outbox) == 1


def save_plan_and_enqueue(owner, customer) -> Plan:
    """Save a plan and queue a task in one transaction, as web code that queues work would."""
    with transaction.atomic():
        plan = plan_save(
            owner=owner,
            kind="event",
            title="Roadshow",
            start=D(2027, 8, 10),
            end=D(2027, 8, 11),
            customers=[customer],
        )
        enqueue(tasks.send_reminder, owner.pk, TODAY.isoformat())
    return plan


def test_a_task_failing_in_process_does_not_fail_the_save(
    eager, acme, sales_manager, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(owner_id, day):
        raise ValueError("a bug in the task")

    monkeypatch.setattr(tasks.digest, "deliver_reminder", broken)

    with django_capture_on_commit_callbacks(execute=True):
        plan = save_plan_and_enqueue(sales_manager, acme)

    assert Plan.objects.filter(pk=plan.pk).exists()
    assert "a bug in the task" in caplog.text


@pytest.fixture
def unreachable_broker(monkeypatch):
    """Point Celery at a Redis port where nothing listens, as when Redis is down."""
    # Drop the cached connection pools so the next publish connects to the new URL.
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    with celery_conf(broker_url="redis://127.0.0.1:1/0", task_always_eager=False):
        yield


def test_a_plan_saves_when_redis_is_unreachable_and_the_failure_is_logged(
    unreachable_broker, acme, sales_manager, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.ERROR, logger="calendarapp.tasks")

    with django_capture_on_commit_callbacks(execute=True):
        plan = save_plan_and_enqueue(sales_manager, acme)

    assert Plan.objects.get(pk=plan.pk).customers.get() == acme
    [record] = caplog.records
    assert "Could not queue calendarapp.tasks.send_reminder" in record.getMessage()
    assert "broker is unreachable" in record.getMessage()
    assert mail.outbox == []


def test_a_worker_without_redis_refuses_to_start():
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    environment["DEBUG"] = "1"

    finished = subprocess.run(
        [Path(sys.executable).with_name("celery"), "-A", "calendarapp", "worker"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode != 0
    assert "REDIS_URL is not set" in finished.stderr
