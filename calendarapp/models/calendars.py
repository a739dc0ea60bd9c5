"""Users' own calendars, and the meetings with customers read from them.

A sync (calendarapp/connections/meetings.py) turns each past meeting with a customer into one
touch (`CalendarMeeting`, whichever colleagues' calendars hold it) and each future one into a
`BookedMeeting`, which the cadence counts as the next touch.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.urls import reverse

from calendarapp.lib.secrets import EncryptedTextField
from customers.models import Channel, Customer, Touchpoint

# Longer calendar UIDs are stored as this prefix and a hash of the whole UID.
UID_MAX = 255


def stored_uid(uid: str) -> str:
    """The calendar UID as stored: itself, or when longer than the column its start and a hash."""
    if len(uid) <= UID_MAX:
        return uid
    digest = hashlib.sha256(uid.encode()).hexdigest()
    return f"{uid[: UID_MAX - len(digest) - 1]}#{digest}"


class ConnectionStatus(models.TextChoices):
    NEVER = "never", "Never synced"
    OK = "ok", "OK"
    ERROR = "error", "Error"


class CalendarConnection(models.Model):
    """A user's own calendar (a secret iCal address, or CalDAV with a username and password)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_connections"
    )
    name = models.CharField(max_length=100)
    url = EncryptedTextField(help_text="The calendar's secret address, stored encrypted.")
    username = models.CharField(max_length=200, blank=True, help_text="For CalDAV only.")
    password = EncryptedTextField(blank=True, help_text="For CalDAV only, stored encrypted.")
    metadata_only = models.BooleanField(
        default=False, help_text="Log the date, the people and the channel, not the title."
    )
    status = models.CharField(
        max_length=10, choices=ConnectionStatus.choices, default=ConnectionStatus.NEVER
    )
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, help_text="Why the last sync failed, secrets masked.")
    touches_logged = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "calendar connection"
        ordering = ["owner", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} of {self.owner}"

    def get_absolute_url(self) -> str:
        return f"{reverse('calendar-connections')}#connection-{self.pk}"


class CalendarMeeting(models.Model):
    """One meeting of one customer as the team's calendars hold it: one touch, whichever
    colleagues' calendars hold it (the key is the calendar's UID and occurrence)."""

    uid = models.CharField(max_length=UID_MAX, help_text="The event's UID (hashed when longer).")
    occurrence = models.CharField(
        max_length=64, help_text="The occurrence's RECURRENCE-ID, or its start, in UTC."
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="calendar_meetings"
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calendar_meetings",
    )
    start = models.DateTimeField()
    summary = models.TextField(blank=True, help_text="The event's title (empty if metadata only).")
    synced_at = models.DateTimeField(
        help_text="When a sync last wrote the touch; a touch updated later was edited by a person."
    )
    gone = models.BooleanField(
        default=False,
        help_text="No calendar holds it any more; kept because someone edited its touch.",
    )
    connections = models.ManyToManyField(CalendarConnection, blank=True, related_name="meetings")

    class Meta:
        verbose_name = "calendar meeting"
        ordering = ["-start", "id"]
        constraints = [
            # Also serves the sync's lookup of the events it reads (uid IN …).
            models.UniqueConstraint(
                fields=["uid", "occurrence", "customer"], name="calendarmeeting_key"
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting with {self.customer} on {self.start:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return self.customer.get_absolute_url()


class MeetingAttendee(models.Model):
    """An external attendee of a logged meeting (not our people, not a room or resource)."""

    meeting = models.ForeignKey(CalendarMeeting, on_delete=models.CASCADE, related_name="attendees")
    email = models.EmailField(help_text="Lower case.")
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "meeting attendee"
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="meetingattendee_once"),
        ]
        indexes = [
            # Attendee suggestions: the attendees at a customer's domains who are no person yet.
            models.Index(fields=["email"], name="meetingattendee_email_idx"),
        ]

    def __str__(self) -> str:
        return self.email


class BookedMeeting(models.Model):
    """A future meeting with a customer in someone's calendar: the next touch, once it happens."""

    uid = models.CharField(max_length=UID_MAX, help_text="The event's UID (hashed when longer).")
    occurrence = models.CharField(
        max_length=64, help_text="The occurrence's RECURRENCE-ID, or its start, in UTC."
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="booked_meetings")
    start = models.DateTimeField()
    end = models.DateTimeField()
    summary = models.TextField(blank=True, help_text="The event's title (empty if metadata only).")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    connections = models.ManyToManyField(
        CalendarConnection, blank=True, related_name="booked_meetings"
    )

    class Meta:
        verbose_name = "booked meeting"
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["uid", "occurrence", "customer"], name="bookedmeeting_key"
            ),
        ]
        indexes = [
            # The touches source's next booked meeting per customer, and Today's meetings.
            models.Index(fields=["customer", "start"], name="bookedmeeting_customer_start"),
        ]

    def __str__(self) -> str:
        return f"Meeting with {self.customer} on {self.start:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return self.customer.get_absolute_url()


class AttendeeDismissal(models.Model):
    """An attendee suggestion someone dismissed ("not one of theirs"): not offered again
    for that customer, to anyone (the customer's people are the team's)."""

    email = models.EmailField(help_text="Lower case.")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="attendee_dismissals",
        db_index=False,  # attendeedismissal_once starts with the customer and serves its lookups
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who dismissed it; empty for a removed user.",
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "dismissed attendee suggestion"
        ordering = ["-dismissed_at", "id"]
        constraints = [
            # One a customer and address: a double click dismisses once. The suggestions read
            # the customers' dismissals by customer through it.
            models.UniqueConstraint(fields=["customer", "email"], name="attendeedismissal_once"),
        ]

    def __str__(self) -> str:
        return f"{self.email} is not of {self.customer}"

    def get_absolute_url(self) -> str:
        return self.customer.get_absolute_url()
