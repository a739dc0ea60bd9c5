"""The "This week" page: the owner's reminder, its done and snooze buttons, the email switch."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from calendarapp.models import DigestItemStatus
from calendarapp.reminders import digest
from calendarapp.roles import calendar_reader_required


@calendar_reader_required
def this_week(request: HttpRequest) -> HttpResponse:
    """Show today's reminder; a POST switches the daily email on or off."""
    if request.method == "POST":
        choice = request.POST.get("reminders_enabled")
        if choice not in ("on", "off"):
            return HttpResponseBadRequest("The field reminders_enabled must be “on” or “off”.")
        enabled = choice == "on"
        digest.set_reminders_enabled(request.user, enabled)
        if enabled:
            messages.success(request, "You will get this list by email each morning.")
        else:
            messages.success(request, "Reminder emails are off. This page stays up to date.")
        return redirect("this-week")
    today = timezone.localdate()
    return render(
        request,
        "calendarapp/this_week.html",
        {
            "digest": digest.build_digest(request.user, today),
            "reminders_enabled": digest.reminders_enabled(request.user),
            "email": digest.email_address(request.user),
        },
    )


# What each button of an item does: its status, or None to bring the item back.
ITEM_ACTIONS = {"done": DigestItemStatus.DONE, "snooze": DigestItemStatus.SNOOZED, "undo": None}
ITEM_MESSAGES = {
    "done": "Marked done: it stays off this page and your email.",
    "snooze": "Snoozed for a week: it comes back on {day}.",
    "undo": "It is back on your list.",
}


@require_POST
@calendar_reader_required
def mark_item(request: HttpRequest) -> HttpResponse:
    """Mark one item done, snooze it for a week, or bring it back (fields `item`, `action`)."""
    action = request.POST.get("action", "")
    key = request.POST.get("item", "").strip()
    if action not in ITEM_ACTIONS:
        return HttpResponseBadRequest("The field action must be “done”, “snooze” or “undo”.")
    if not key:
        return HttpResponseBadRequest("The field item must name an item of the list.")
    today = timezone.localdate()
    try:
        state = digest.digest_item_mark(
            user=request.user, item_key=key, status=ITEM_ACTIONS[action], today=today
        )
    except ValidationError as error:
        return HttpResponseBadRequest(f"The field item: {' '.join(error.messages)}")
    day = digest.short_day(state.snoozed_until, today) if state and state.snoozed_until else ""
    messages.success(request, ITEM_MESSAGES[action].format(day=day))
    return redirect("this-week")
