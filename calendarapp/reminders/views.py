"""Today (the ranked list, done and snooze, the email switch) and the Opportunities now page."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from calendarapp.lib import dates, tables
from calendarapp.lib.names import display_name
from calendarapp.models import DigestItemStatus
from calendarapp.occurrences.opportunities import (
    DEFAULT_DAYS,
    MAX_DAYS,
    OPPORTUNITY_KINDS,
    Opportunity,
    customers_for,
    opportunities,
)
from calendarapp.occurrences.suggestions import attendee_accept, attendee_dismiss
from calendarapp.reminders import digest
from calendarapp.roles import CHANGE_PERSON, calendar_reader_required, can_change_record
from customers.models import Customer, Interest


@calendar_reader_required
def today(request: HttpRequest) -> HttpResponse:
    """What to do now, ranked, with done and snooze on each item and the email switch."""
    return render(
        request,
        "calendarapp/today.html",
        {
            "digest": digest.build_digest(request.user, timezone.localdate()),
            "reminders_enabled": digest.reminders_enabled(request.user),
            "email": digest.email_address(request.user),
        },
    )


@calendar_reader_required
def this_week(request: HttpRequest) -> HttpResponse:
    """This week became Today: a GET goes there; a POST switches the daily email on or off."""
    if request.method != "POST":
        return redirect("today")
    choice = request.POST.get("reminders_enabled")
    if choice not in ("on", "off"):
        return HttpResponseBadRequest("The field reminders_enabled must be “on” or “off”.")
    enabled = choice == "on"
    digest.set_reminders_enabled(request.user, enabled)
    if enabled:
        messages.success(request, "You will get this list by email each morning.")
    else:
        messages.success(request, "Reminder emails are off. This page stays up to date.")
    return redirect("today")


# What each button of an item does: its status and how long a snooze lasts, or None to undo.
ITEM_ACTIONS: dict[str, tuple[str | None, int]] = {
    "done": (DigestItemStatus.DONE, 0),
    "snooze": (DigestItemStatus.SNOOZED, 7),
    "snooze-day": (DigestItemStatus.SNOOZED, 1),
    "undo": (None, 0),
}
ITEM_MESSAGES = {
    "done": "Marked done: it stays off this page and your email.",
    "snooze": "Snoozed: it comes back on {day}.",
    "snooze-day": "Snoozed: it comes back on {day}.",
    "undo": "It is back on your list.",
}


@require_POST
@calendar_reader_required
def mark_item(request: HttpRequest) -> HttpResponse:
    """Mark one item done, snooze it a day or a week, or bring it back (fields `item`, `action`)."""
    action = request.POST.get("action", "")
    key = request.POST.get("item", "").strip()
    if action not in ITEM_ACTIONS:
        return HttpResponseBadRequest(
            "The field action must be “done”, “snooze”, “snooze-day” or “undo”."
        )
    if not key:
        return HttpResponseBadRequest("The field item must name an item of the list.")
    today = timezone.localdate()
    status, days = ITEM_ACTIONS[action]
    try:
        state = digest.digest_item_mark(
            user=request.user,
            item_key=key,
            status=status,
            today=today,
            until=today + datetime.timedelta(days=days) if days else None,
        )
    except ValidationError as error:
        return HttpResponseBadRequest(f"The field item: {' '.join(error.messages)}")
    day = dates.short_day(state.snoozed_until, today) if state and state.snoozed_until else ""
    messages.success(request, ITEM_MESSAGES[action].format(day=day))
    return redirect("today")


@require_POST
@calendar_reader_required
def attendee_item(request: HttpRequest) -> HttpResponse:
    """An attendee suggestion of Today, in one click: `accept` adds them as a person of the
    customer, `dismiss` never suggests them for it again (fields `customer`, `email`, `name`)."""
    action = request.POST.get("action", "")
    if action not in ("accept", "dismiss"):
        return HttpResponseBadRequest("The field action must be “accept” or “dismiss”.")
    customer_id = request.POST.get("customer", "")
    customer = (
        Customer.objects.filter(pk=int(customer_id)).first()
        if customer_id.isdigit() and len(customer_id) < 19
        else None
    )
    if customer is None:
        return HttpResponseBadRequest("The field customer must name a customer.")
    if not can_change_record(request.user, customer, CHANGE_PERSON):
        raise PermissionDenied("Only the customer's account owner or a calendar admin may.")
    email = request.POST.get("email", "")
    try:
        if action == "accept":
            person = attendee_accept(
                customer=customer, email=email, name=request.POST.get("name", "")
            )
            messages.success(request, f"{person.name} is now one of {customer.name}'s people.")
        else:
            dismissal = attendee_dismiss(customer=customer, email=email, by=request.user)
            messages.success(
                request, f"{dismissal.email} will not be suggested for {customer.name} again."
            )
    except ValidationError as error:
        fields = "; ".join(
            f"{name}: {' '.join(texts)}" for name, texts in error.message_dict.items()
        )
        return HttpResponseBadRequest(f"The field {fields}")
    return redirect("today")


class OpportunityFilter(forms.Form):
    """The Opportunities page's link: owner (`me`, a username or `all`), kind, interest, days."""

    owner = forms.CharField(required=False)
    kind = forms.ChoiceField(
        required=False, choices=[("", "Every kind"), *OPPORTUNITY_KINDS.items()]
    )
    interest = forms.CharField(required=False, max_length=60)
    days = forms.IntegerField(required=False, min_value=1, max_value=MAX_DAYS)
    format = forms.ChoiceField(
        required=False, choices=[("", "page"), ("csv", "CSV"), ("xlsx", "Excel")]
    )

    def clean_owner(self) -> Any:
        name = self.cleaned_data["owner"] or "me"
        if name in ("me", "all"):
            return name
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise ValidationError(f"No user is called “{name}”; give a username, me or all.")
        return user


@calendar_reader_required
def opportunities_now(request: HttpRequest) -> HttpResponse:
    """What to act on now across one sales manager's customers (or the team's), by date."""
    form = OpportunityFilter(request.GET)
    if not form.is_valid():
        return render(
            request, "calendarapp/opportunities.html", {"form": form, "found": []}, status=400
        )
    params = form.cleaned_data
    owner = {"me": request.user, "all": None}.get(params["owner"], params["owner"])
    found = opportunities(
        customers_for(owner=owner, interest=params["interest"]),
        days=params["days"] or DEFAULT_DAYS,
        kind=params["kind"],
    )
    if params["format"]:
        return tables.download(
            [OPPORTUNITY_COLUMNS, *(_opportunity_row(item) for item in found)],
            name="opportunities",
            file_format=params["format"],
        )
    owners = get_user_model().objects.filter(customers__active=True).distinct().order_by("username")
    return render(
        request,
        "calendarapp/opportunities.html",
        {
            "form": form,
            "found": found,
            "owner": params["owner"] if isinstance(params["owner"], str) else owner.get_username(),
            "owner_name": display_name(owner) if owner else "",
            # The filter sends usernames (the link's contract) and shows people's names.
            "owners": [(user.get_username(), display_name(user)) for user in owners],
            "kinds": OPPORTUNITY_KINDS,
            "interests": Interest.objects.values_list("name", flat=True),
            "days": params["days"] or DEFAULT_DAYS,
            "today": timezone.localdate(),
            "download_query": _download_query(request),
        },
    )


OPPORTUNITY_COLUMNS = [
    "start",
    "end",
    "kind",
    "customer",
    "owner",
    "title",
    "message",
    "interests",
    "deadline",
]


def _opportunity_row(item: Opportunity) -> list[Any]:
    return [
        item.start,
        item.end,
        item.kind,
        item.customer_name,
        item.owner,
        item.title,
        item.message,
        "; ".join(item.interests),
        item.deadline,
    ]


def _download_query(request: HttpRequest) -> str:
    """The page's own query without `format`, for the download links to add theirs."""
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()
