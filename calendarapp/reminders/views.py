"""The "This week" page: the owner's daily reminder in the browser, and the switch to mute it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone

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
