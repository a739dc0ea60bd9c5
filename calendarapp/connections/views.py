"""Your calendars: connect your own calendar, see how each sync went, sync now.

Thin: writes go through `connections.services`, syncs through `connections.sync`, as the API's
do. A connection is its owner's alone: anyone else's id is the 404 page, admins' included.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from calendarapp.connections.forms import CalendarConnectionForm
from calendarapp.connections.meetings import SyncResult
from calendarapp.connections.reading import CalendarUnreadable, mask_url
from calendarapp.connections.services import connection_delete, connection_save
from calendarapp.connections.sync import connection_sync
from calendarapp.lib.forms import ONCE, add_refusal
from calendarapp.lib.http import AuthenticatedHttpRequest
from calendarapp.lib.writes import RecordGone
from calendarapp.models import CalendarConnection
from calendarapp.once import form_delete_checked, form_save_once, once_claim
from calendarapp.roles import calendar_reader_required

SYNCED_ONCE = "Sync now was sent twice; the calendar was synced once."
# Each reason in connections/meetings.py's SKIPPED, as a sync's summary says it.
SKIPPED_WORDS = {
    "internal": "only our own people",
    "private": "private",
    "declined": "declined by you",
    "cancelled": "cancelled",
    "no_customer": "no customer there",
    "future": "still ahead",
}


def _own(request: AuthenticatedHttpRequest, connection_id: int) -> CalendarConnection:
    return get_object_or_404(CalendarConnection, pk=connection_id, owner_id=request.user.pk)


def _save(
    request: AuthenticatedHttpRequest,
    form: CalendarConnectionForm,
    connection: CalendarConnection | None,
) -> HttpResponse | None:
    """Save a valid form once; None to show it again (refused, or changed meanwhile)."""

    def write() -> str:
        saved = connection_save(connection=connection, owner=request.user, **form.fields_to_save())
        messages.success(
            request,
            f"Saved “{saved.name}”. Press Sync now to read it, or wait for the next sync.",
        )
        return reverse("calendar-connections")

    try:
        return form_save_once(request, form, write)
    except ValidationError as error:
        add_refusal(form, error)
        return None


# Pages with a form for secrets: no browser or proxy keeps a copy.
@never_cache
@calendar_reader_required
def calendars(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's calendar connections, each with how its last sync went, and the add form."""
    form = CalendarConnectionForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and (saved := _save(request, form, None)):
        return saved
    connections = list(
        CalendarConnection.objects.filter(owner_id=request.user.pk).order_by("name", "id")
    )
    for connection in connections:
        connection.masked_url = mask_url(connection.url)  # type: ignore[attr-defined]
        # Sync now's one-time token.
        connection.once = secrets.token_urlsafe(16)  # type: ignore[attr-defined]
    context = {
        "connections": connections,
        "form": form,
        "sync_minutes": settings.CALENDAR_SYNC_MINUTES,
        # Without a broker no beat runs (tasks run in-process when queued): only Sync now reads.
        "scheduled": bool(settings.REDIS_URL),
    }
    return render(
        request,
        "connections/calendars.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@calendar_reader_required
def calendar_edit(request: AuthenticatedHttpRequest, connection_id: int) -> HttpResponse:
    """Change or delete one of the user's calendar connections."""
    connection = _own(request, connection_id)
    form = CalendarConnectionForm(
        request.POST if request.method == "POST" else None, record=connection
    )
    if request.method == "POST" and "delete" in request.POST:
        if form_delete_checked(form, lambda row: connection_delete(connection=row)):
            messages.success(request, f"Deleted “{connection.name}”; the touches it logged stay.")
            return redirect("calendar-connections")
    elif form.is_valid() and (saved := _save(request, form, connection)):
        return saved
    return render(
        request,
        "connections/calendar_form.html",
        {"connection": connection, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def sync_summary(name: str, result: SyncResult) -> str:
    """What a sync did, in words: "Work calendar: 3 touches logged, …"."""
    skipped = [
        f"{count} {SKIPPED_WORDS[reason]}" for reason, count in result.skipped.items() if count
    ]
    text = (
        f"Synced “{name}”: {result.logged} new {'touch' if result.logged == 1 else 'touches'}"
        f" logged, {result.updated} updated, {result.removed} removed."
    )
    if skipped:
        text += f" Not logged: {', '.join(skipped)}."
    return text


def _first_click(request: AuthenticatedHttpRequest, connection: CalendarConnection) -> bool:
    """Whether this Sync now is the first sent with its button's one-time token (or has none).

    Claimed in a transaction of its own, committed before the sync: the calendar is read outside
    any transaction, and a sync that fails keeps its error on the connection.
    """
    once = str(request.POST.get(ONCE, ""))
    if not once:
        return True
    with transaction.atomic():
        _, first = once_claim(user=request.user, key=f"sync:{connection.pk}:{once}")
    return first


@require_POST
@calendar_reader_required
def calendar_sync(request: AuthenticatedHttpRequest, connection_id: int) -> HttpResponse:
    """Sync one of the user's calendars now and say what it did, or why it could not."""
    connection = _own(request, connection_id)
    if not _first_click(request, connection):
        messages.info(request, SYNCED_ONCE)
        return redirect("calendar-connections")
    try:
        result = connection_sync(connection=connection)
    except CalendarUnreadable:
        messages.error(request, f"“{connection.name}” could not be read: {connection.last_error}")
    except RecordGone:
        messages.error(request, f"“{connection.name}” was deleted meanwhile; nothing was synced.")
    else:
        messages.success(request, sync_summary(connection.name, result))
    # To the top, where the message says what the sync did.
    return redirect("calendar-connections")
