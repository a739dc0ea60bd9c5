"""Attendee suggestions: people the calendars met at a customer's email domains who are no person
of that customer yet, and their dismissal.

Read from the external attendees of the customers' logged meetings (`MeetingAttendee`), for the
API (`/api/attendee-suggestions`) and Today; accepting one is adding the person (`person_save`),
after which the next sync counts them as met. Four queries however many customers and
meetings.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from calendarapp.lib import email_domains
from calendarapp.lib.writes import locked, retried_once
from calendarapp.models import AttendeeDismissal, MeetingAttendee
from customers.models import Customer, Person
from customers.services import person_save

# Addresses of machines and mailboxes, not people: never suggested.
ROLE_ADDRESSES = frozenset(
    {"noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon", "postmaster",
     "notifications", "calendar", "bounce", "bounces"}
)  # fmt: skip
NOT_AN_EMAIL = "Give the attendee's email address, such as anna@acme.com."


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Someone met at a customer's domain: whom, of which customer, how often and when last."""

    email: str
    name: str
    customer: int
    customer_name: str
    meetings: int
    last_seen: datetime.date


def name_from_email(email: str) -> str:
    """A name to start from when the calendar gave none: anna.holm@… is "Anna Holm"."""
    local = email.partition("@")[0]
    words = [word for word in local.replace("_", ".").replace("-", ".").split(".") if word]
    return " ".join(word.capitalize() for word in words) or local


def attendee_suggestions(customers: QuerySet[Customer]) -> list[Suggestion]:
    """The suggestions for `customers`, the latest seen first.

    An attendee counts for a customer when their address is at one of its `email_domains` (or a
    domain under one), no person of it has that address (any letter case), nobody dismissed it
    for that customer and it is no machine's (noreply@, `ROLE_ADDRESSES`).
    """
    rows_of_customers = customers.exclude(email_domains=[]).values_list(
        "id", "email_domains", "name"
    )
    domains = {pk: domains for pk, domains, _ in rows_of_customers if domains}
    names = {pk: name for pk, _, name in rows_of_customers}
    if not domains:
        return []
    ids = sorted(domains)
    # Why in Python: which domain an address is at is a suffix of the address, against a list
    # per customer; the rows are the meetings of a sync window, read once.
    rows = MeetingAttendee.objects.filter(meeting__customer_id__in=ids).values_list(
        "email", "name", "meeting_id", "meeting__customer_id", "meeting__start"
    )
    known = set(
        Person.objects.filter(customer_id__in=ids)
        .exclude(email="")
        .annotate(lower=Lower("email"))
        .values_list("customer_id", "lower")
    )
    known |= set(
        AttendeeDismissal.objects.filter(customer_id__in=ids).values_list("customer_id", "email")
    )
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for email, name, meeting_id, customer_id, start in rows.order_by("meeting__start"):
        email = email.strip().lower()
        key = (customer_id, email)
        if key in known or email.partition("@")[0] in ROLE_ADDRESSES:
            continue
        if not email_domains.is_under(email_domains.domain_of(email), domains[customer_id]):
            continue
        seen = found.setdefault(key, {"meetings": set(), "name": "", "last": start})
        seen["meetings"].add(meeting_id)
        seen["name"] = name.strip() or seen["name"]  # the latest name the calendars gave
        seen["last"] = max(seen["last"], start)
    suggestions = [
        Suggestion(
            email=email,
            name=seen["name"] or name_from_email(email),
            customer=customer_id,
            customer_name=names[customer_id],
            meetings=len(seen["meetings"]),
            last_seen=timezone.localdate(seen["last"]),
        )
        for (customer_id, email), seen in found.items()
    ]
    suggestions.sort(key=lambda s: (-s.last_seen.toordinal(), s.customer_name, s.email))
    return suggestions


@retried_once("customer")
def attendee_dismiss(*, customer: Customer, email: str, by: Any) -> AttendeeDismissal:
    """Never suggest `email` for `customer` again; dismissing twice is one dismissal.

    Raises ValidationError naming `email` for anything but an address. Who may dismiss is the
    caller's check (those who may add the customer's people).
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": NOT_AN_EMAIL}) from None
    with transaction.atomic():
        dismissal, _ = AttendeeDismissal.objects.get_or_create(
            customer=customer, email=email, defaults={"by": by}
        )
    return dismissal


@retried_once("customer")
def attendee_accept(*, customer: Customer, email: str, name: str) -> Person:
    """Add the suggested attendee as a person of `customer` (`person_save`); when someone with
    that address is already there (a double click), that person, unchanged."""
    email = email.strip().lower()
    with transaction.atomic():
        locked(customer)  # two clicks at once: the second waits, then finds the first's person
        found = (
            Person.objects.annotate(lower=Lower("email"))
            .filter(customer=customer, lower=email)
            .first()
        )
        if found is not None:
            return found
        return person_save(
            customer=customer, name=name.strip() or name_from_email(email), email=email
        )
