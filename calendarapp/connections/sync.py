"""Syncing one calendar connection: read its events over the window, log them as touches, and
say how it went on the connection (status, last sync, the error in plain words, masked).

`connection_sync` is what "Sync now" (the page, the API) and the beat task call. The calendar
is read outside any transaction (a slow server holds no lock); the touches are written in one
(`meetings_sync`, which locks the connection's row, so two syncs of one connection take turns,
and raises `RecordGone` for a connection deleted while its calendar was read). The status is
written by `update()` of the fields it sets alone: an edit of the name meanwhile stays, and a
connection deleted meanwhile is not brought back.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from calendarapp.connections.meetings import SyncResult, meetings_sync
from calendarapp.connections.reading import CalendarUnreadable, events_between
from calendarapp.models import CalendarConnection, CalendarMeeting, ConnectionStatus

logger = logging.getLogger(__name__)


def sync_window(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The times synced: CALENDAR_SYNC_PAST_DAYS back to CALENDAR_SYNC_FUTURE_DAYS ahead."""
    return (
        now - datetime.timedelta(days=settings.CALENDAR_SYNC_PAST_DAYS),
        now + datetime.timedelta(days=settings.CALENDAR_SYNC_FUTURE_DAYS),
    )


def connection_sync(*, connection: CalendarConnection) -> SyncResult:
    """Read `connection`'s calendar and log its meetings with customers as touches.

    A calendar that cannot be read raises `CalendarUnreadable` (naming `url` or `password`)
    after its status is `error` with the reason, masked; nothing else changes then. A connection
    deleted meanwhile raises `RecordGone` (a 404), nothing written.
    """
    now = timezone.now()
    start, end = sync_window(now)
    try:
        events = events_between(
            url=connection.url,
            username=connection.username,
            password=connection.password,
            start=start,
            end=end,
        )
    except CalendarUnreadable as error:
        reason = str(error)  # masked by events_between
        CalendarConnection.objects.filter(pk=connection.pk).update(
            status=ConnectionStatus.ERROR, last_error=reason
        )
        connection.status, connection.last_error = ConnectionStatus.ERROR, reason
        logger.warning("Calendar connection %s could not be read: %s", connection.pk, reason)
        raise
    # One transaction, the connection's row locked (two syncs of it take turns); then the
    # status, by update(), which a connection deleted meanwhile does not get back.
    result = meetings_sync(
        connection=connection, events=events, window_start=start, window_end=end, now=now
    )
    logged = CalendarMeeting.objects.filter(
        connections=connection, touchpoint__isnull=False
    ).count()
    CalendarConnection.objects.filter(pk=connection.pk).update(
        status=ConnectionStatus.OK, last_synced_at=now, last_error="", touches_logged=logged
    )
    connection.status, connection.last_synced_at = ConnectionStatus.OK, now
    connection.last_error, connection.touches_logged = "", logged
    return result
