"""Background work: daily reminders, refreshing subscribed .ics calendars, syncing the users'
calendar connections, warming holidays.

Every task takes ids (never model instances), calls a plain function, and is
safe to run twice: a worker that dies mid-task gets it redelivered
(`acks_late`), and transient errors are retried with exponential backoff.
Web code queues tasks through `enqueue`, which never lets a broker outage
break a request.
"""

from __future__ import annotations

import datetime
import logging
from smtplib import SMTPException
from typing import Any

import kombu.exceptions
import redis.exceptions
from celery import Task, shared_task
from django.db import OperationalError as DatabaseUnavailable
from django.db import transaction
from django.utils import timezone

from calendarapp.connections.reading import CalendarUnreadable
from calendarapp.connections.sync import connection_sync
from calendarapp.imports import ics
from calendarapp.imports.tasks import import_spreadsheet  # noqa: F401  (registers it)
from calendarapp.lib.writes import RecordGone
from calendarapp.models import CalendarConnection, IcsSource
from calendarapp.occurrences import version
from calendarapp.occurrences.sources import public_holidays
from calendarapp.once import once_keys_purge
from calendarapp.reminders import digest
from customers.models import Customer

logger = logging.getLogger(__name__)

# Worth retrying: network, mail server, broker or database briefly away.
TRANSIENT_ERRORS = (
    ConnectionError,
    OSError,
    SMTPException,
    kombu.exceptions.OperationalError,
    DatabaseUnavailable,
)
# What queueing a task raises when Redis cannot be reached.
BROKER_ERRORS = (kombu.exceptions.KombuError, redis.exceptions.RedisError, OSError)

RELIABLE: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": 120,
    "time_limit": 180,
}


def enqueue(task: Task, *args) -> None:
    """Queue `task` once the current transaction commits; log, never raise, if Redis is down.

    The work a task does is also done by the next scheduled run, so a lost
    message costs a delay, while a failed save would cost the user's input.
    Without Redis the task runs right here, in-process; `robust` keeps its
    failure in the log too, so the user's request still succeeds.
    """

    def send() -> None:
        try:
            task.apply_async(args=args)
        except BROKER_ERRORS:
            logger.exception(
                "Could not queue %s%r: the broker is unreachable; the next beat run catches up",
                task.name,
                args,
            )

    transaction.on_commit(send, robust=True)


@shared_task(**RELIABLE)
def send_daily_reminders(day: str | None = None) -> int:
    """Queue one reminder task per account owner for `day` (ISO date, default today)."""
    reminder_day = datetime.date.fromisoformat(day) if day else timezone.localdate()
    owner_ids = digest.owners_to_remind(reminder_day)
    for owner_id in owner_ids:
        send_reminder.delay(owner_id, reminder_day.isoformat())
    return len(owner_ids)


@shared_task(**RELIABLE)
def send_reminder(owner_id: int, day: str) -> str:
    """Send one owner's reminder for one day (ISO date); a repeat sends nothing."""
    return digest.deliver_reminder(owner_id, datetime.date.fromisoformat(day)).value


@shared_task(**RELIABLE)
def refresh_ics_sources() -> int:
    """Queue a refresh of every .ics calendar subscribed by URL."""
    source_ids = list(IcsSource.objects.exclude(url="").order_by("id").values_list("id", flat=True))
    for source_id in source_ids:
        refresh_ics_source.delay(source_id)
    return len(source_ids)


@shared_task(**RELIABLE)
def refresh_ics_source(source_id: int) -> str:
    """Fetch one subscribed .ics calendar and update its events in place by UID.

    A calendar that cannot be fetched or read keeps its events; the source
    records the error for admins and the next scheduled refresh tries again.
    """
    try:
        result = ics.refresh_source(source_id)
    except ics.IcsImportError as error:
        logger.warning("Could not refresh iCal source %s: %s", source_id, error)
        return f"failed: {error}"
    return "gone" if result is None else str(result)


@shared_task(**RELIABLE)
def warm_holiday_cache(year: int | None = None) -> int:
    """Compute the coming year's public holidays of every customer's region.

    The holidays cache lives in each process, so this warms the worker's,
    where reminders and conflict checks run; returns the number of regions.
    """
    coming = year or timezone.localdate().year + 1
    regions = set(
        Customer.objects.filter(active=True).values_list("country", "subdivision").distinct()
    )
    regions |= {(country, "") for country, _ in regions}
    for country, subdivision in sorted(regions):
        public_holidays.holidays_in_year(country, subdivision, coming)
    return len(regions)


@shared_task(**RELIABLE)
def purge_once_keys() -> int:
    """Forget the Idempotency-Keys and one-time form tokens past their 24 hours."""
    return once_keys_purge()


@shared_task(**RELIABLE)
def prune_change_log() -> int:
    """Delete the change log's rows older than the caches need; returns how many went."""
    return version.change_log_prune()


@shared_task(**RELIABLE)
def connections_sync_all() -> int:
    """Queue a sync of every calendar connection (beat, every CALENDAR_SYNC_MINUTES).

    Each is its own task: one that fails, or hangs until its time limit, never stops the others.
    Without a broker each runs here in turn, so a failure is logged and the loop goes on.
    """
    connection_ids = list(CalendarConnection.objects.order_by("id").values_list("id", flat=True))
    for connection_id in connection_ids:
        try:
            connection_sync_one.delay(connection_id)
        except Exception:  # in-process (no broker): one connection's bug must not stop the rest
            logger.exception("Calendar connection %s failed to sync", connection_id)
    return len(connection_ids)


@shared_task(**RELIABLE)
def connection_sync_one(connection_id: int) -> str:
    """Sync one calendar connection; a calendar that cannot be read says why on the connection
    (its status and last error) and waits for the next run."""
    connection = CalendarConnection.objects.filter(pk=connection_id).first()
    if connection is None:
        return "gone"
    try:
        result = connection_sync(connection=connection)
    except CalendarUnreadable:
        # connection_sync logged it, masked, and set the connection's status and error.
        return "failed"
    except RecordGone:  # deleted while its calendar was read: nothing to write it to
        return "gone"
    return f"logged {result.logged}, updated {result.updated}, removed {result.removed}"
