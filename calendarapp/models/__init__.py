"""What we plan, the personal tokens that let programs act for a user, and (re-exported from
`calendarapp.models.calendars`) users' own calendars and the meetings read from them."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone

from calendarapp.lib import countries
from calendarapp.lib.validation import (
    END_BEFORE_START,
    MAX_SPAN_DAYS,
    SPAN_TOO_LONG,
    end_not_before_start,
    validate_calendar_date,
)
from customers.models import Customer, Interest


class PlanKind(models.TextChoices):
    CAMPAIGN = "campaign", "Campaign"
    EVENT = "event", "Event"
    MEETING = "meeting", "Meeting"
    WEBINAR = "webinar", "Webinar"
    TRADE_FAIR = "trade_fair", "Trade fair"
    VISIT = "visit", "Visit"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


class Plan(models.Model):
    """Something we intend to do, and whom it reaches.

    The audience is the union of the chosen customers, every active customer
    in the chosen countries, and every active customer with one of the
    chosen interests.
    """

    kind = models.CharField(max_length=20, choices=PlanKind.choices)
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10,
        choices=PlanStatus.choices,
        default=PlanStatus.DRAFT,
        help_text="A cancelled plan leaves the conflict check and the feeds.",
    )
    start = models.DateField(validators=[validate_calendar_date])
    end = models.DateField(help_text="Last day (inclusive).", validators=[validate_calendar_date])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans"
    )
    customers = models.ManyToManyField(Customer, blank=True, related_name="plans")
    countries = models.JSONField(
        default=list, blank=True, help_text="ISO 3166-1 codes of whole countries in the audience."
    )
    interests = models.ManyToManyField(Interest, blank=True, related_name="plans")
    offers = models.ManyToManyField(
        Interest,
        blank=True,
        related_name="offered_by",
        help_text="What the plan offers; audience customers with no current evidence of caring"
        " about any of it get a warning (ask before you push).",
    )
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "title"]
        constraints = [
            end_not_before_start("plan_end_after_start"),
        ]
        indexes = [
            # Plans are read by date window for the timeline and the same-week check.
            models.Index(fields=["start", "end"], name="plan_dates_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan-edit", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = END_BEFORE_START
        elif self.start and self.end and (self.end - self.start).days > MAX_SPAN_DAYS:
            errors["end"] = SPAN_TOO_LONG
        if not isinstance(self.countries, list):
            errors["countries"] = "Give a list of country codes."
        else:
            for code in self.countries:
                # A nested list or a number is unhashable or no code at all; say so, not crash.
                if not isinstance(code, str):
                    errors["countries"] = "Give a list of country codes."
                    break
                if error := countries.validate_country(code):
                    errors["countries"] = error
                    break
        if errors:
            raise ValidationError(errors)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, so a leaked database leaks no tokens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(
        max_length=100, blank=True, help_text="What the token is for, to tell tokens apart."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Refused from this moment on; empty never expires."
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When its owner or an admin revoked it."
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"API token of {self.user}"


class FeedKind(models.TextChoices):
    """The feeds a subscription can open (the slugs of `calendarapp.feeds.feeds.FEEDS`)."""

    MY_CUSTOMERS = "my-customers", "My customers"
    ALL_CUSTOMERS = "all-customers", "All customers"
    CUSTOMER = "customer", "One customer"
    COUNTRY = "country", "One country"
    PLANS_MINE = "plans-mine", "My plans"
    PLANS_ALL = "plans-all", "All plans"


class FeedToken(models.Model):
    """A feed subscription: one feed, its own secret (stored hashed), revoked alone.

    Rows made before subscriptions have no feed: their one secret opens every
    feed of its user, as it did then, until it is revoked.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(
        max_length=100, blank=True, help_text="How its user recognises it, e.g. Outlook at work."
    )
    feed = models.CharField(
        max_length=20,
        choices=FeedKind.choices,
        blank=True,
        help_text="The feed its address opens; empty for an address made before subscriptions, "
        "which opens every feed of its user.",
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feed_tokens",
        help_text="The customer of a one-customer feed.",
    )
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 code of a one-country feed."
    )
    kinds = models.CharField(
        max_length=500,
        blank=True,
        help_text="Comma-separated kinds the feed shows; empty for all it shows by default.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(
        null=True, blank=True, help_text="A calendar's last request, to the minute."
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was revoked; its address answers 410."
    )

    class Meta:
        verbose_name = "feed subscription"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(feed=FeedKind.CUSTOMER, customer__isnull=False, country="")
                    | (
                        models.Q(feed=FeedKind.COUNTRY, customer__isnull=True)
                        & ~models.Q(country="")
                    )
                    | (
                        ~models.Q(feed__in=[FeedKind.CUSTOMER, FeedKind.COUNTRY])
                        & models.Q(customer__isnull=True, country="")
                    )
                ),
                name="feed_token_target_matches_feed",
                violation_error_message="A one-customer feed names a customer, a one-country "
                "feed a country, and no other feed names either.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.get_feed_display() or 'Every feed'} of {self.user}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.feed == FeedKind.CUSTOMER and self.customer_id is None:
            errors["customer"] = "A one-customer feed needs its customer."
        if self.feed == FeedKind.COUNTRY:
            if not self.country:
                errors["country"] = "A one-country feed needs its country."
            elif error := countries.validate_country(self.country):
                errors["country"] = error
        elif self.country:
            errors["country"] = "Only a one-country feed names a country."
        if self.feed != FeedKind.CUSTOMER and self.customer_id is not None:
            errors["customer"] = "Only a one-customer feed names a customer."
        if errors:
            raise ValidationError(errors)


class ImportKind(models.TextChoices):
    CUSTOMER_EVENT = "customer_event", "Customer event"
    VACATION = "vacation", "Vacation"


class IcsSource(models.Model):
    """An .ics calendar (uploaded, or a URL we refresh) whose events join a customer or a region."""

    name = models.CharField(max_length=200)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="ics_sources"
    )
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 code, when not for a customer."
    )
    subdivision = models.CharField(max_length=10, blank=True)
    url = models.URLField(max_length=2000, blank=True, help_text="Empty for an uploaded file.")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "iCal source"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(customer__isnull=False) & models.Q(country=""))
                | (models.Q(customer__isnull=True) & ~models.Q(country="")),
                name="icssource_customer_xor_country",
                violation_error_message="Choose either a customer or a country.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.customer_id and (self.country or self.subdivision):
            errors["country"] = "Choose a customer, or a country, but not both."
        elif not self.customer_id and not self.country:
            errors["customer"] = "Choose a customer, or a country."
        elif self.country:
            if error := countries.validate_country(self.country):
                errors["country"] = error
            elif error := countries.validate_subdivision(self.country, self.subdivision):
                errors["subdivision"] = error
        if errors:
            raise ValidationError(errors)


class ImportedEvent(models.Model):
    """One event from an .ics source, kept by its UID so a refresh updates it in place."""

    source = models.ForeignKey(IcsSource, on_delete=models.CASCADE, related_name="events")
    uid = models.CharField(max_length=500)
    start = models.DateField()
    end = models.DateField(help_text="Last day (inclusive).")
    title = models.CharField(max_length=500)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["source", "uid"], name="importedevent_source_uid"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="importedevent_end_after_start"
            ),
        ]
        indexes = [
            # calendar_between reads imported events by date window.
            models.Index(fields=["start", "end"], name="importedevent_dates_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ReminderPreference(models.Model):
    """Whether an account owner wants the daily reminder email; no row means yes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    reminders_enabled = models.BooleanField(
        default=True, help_text="Send the daily “This week” email."
    )

    class Meta:
        verbose_name = "reminder preference"

    def __str__(self) -> str:
        state = "on" if self.reminders_enabled else "off"
        return f"Reminders {state} for {self.user}"


class SentReminder(models.Model):
    """The record of one owner's reminder for one day; its unique row makes sending idempotent."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    day = models.DateField(help_text="The day the reminder is for, in the team's time zone.")
    item_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sent reminder"
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "day"], name="sentreminder_owner_day"),
        ]

    def __str__(self) -> str:
        return f"Reminder for {self.owner} on {self.day}"


class PlanFindingSnapshot(models.Model):
    """The conflicts a plan had when its owner was reminded, to tell new conflicts from old."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="finding_snapshots")
    day = models.DateField(help_text="The reminder day this snapshot was taken for.")
    fingerprints = models.JSONField(
        default=list, help_text="One short hash per blocker or warning finding."
    )

    class Meta:
        verbose_name = "plan finding snapshot"
        ordering = ["plan", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "day"], name="planfindingsnapshot_plan_day"),
        ]

    def __str__(self) -> str:
        return f"Findings of {self.plan} on {self.day}"


class DigestItemStatus(models.TextChoices):
    DONE = "done", "Done"
    SNOOZED = "snoozed", "Snoozed"


class DigestItemState(models.Model):
    """A user's "done" or "snoozed" mark on one This week item; marked items leave page and email.

    `item_key` names the item the way the digest does (an occurrence's stable id, or a plan
    and a finding's fingerprint), so the same reminder tomorrow finds its mark.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_item_states"
    )
    item_key = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=DigestItemStatus.choices)
    snoozed_until = models.DateField(
        null=True, blank=True, help_text="A snoozed item comes back on this day."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "This week item state"
        ordering = ["user", "item_key"]
        constraints = [
            # Also serves "this user's marks", read once per digest.
            models.UniqueConstraint(fields=["user", "item_key"], name="digestitemstate_user_key"),
            models.CheckConstraint(
                condition=models.Q(status="done") | models.Q(snoozed_until__isnull=False),
                name="digestitemstate_snooze_has_day",
                violation_error_message="A snoozed item needs the day it comes back.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_key} {self.status} for {self.user}"


class OnceKey(models.Model):
    """A request that must take effect only once: an API `Idempotency-Key`, a page form's
    one-time token, a spreadsheet preview's confirmation.

    Its unique row is inserted in the transaction of the write it guards, so a second request
    with the same key waits for the first to commit and then answers what the first answered.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(
        max_length=300, help_text='Where it came from and the key: "api:…", "form:…", "import:…".'
    )
    fingerprint = models.CharField(
        max_length=64, blank=True, help_text="A hash of the request, to refuse a reused key."
    )
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    answer = models.JSONField(
        default=dict, encoder=DjangoJSONEncoder, help_text="The first answer, to give again."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "one-time key"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="oncekey_user_key"),
        ]
        indexes = [
            # The purge of keys older than ONCE_HOURS.
            models.Index(fields=["created_at"], name="oncekey_created"),
        ]

    def __str__(self) -> str:
        return f"{self.key} of {self.user}"


# Users' own calendars and the meetings read from them (calendarapp/models/calendars.py).
from calendarapp.models.calendars import AttendeeDismissal as AttendeeDismissal  # noqa: E402
from calendarapp.models.calendars import BookedMeeting as BookedMeeting  # noqa: E402
from calendarapp.models.calendars import CalendarConnection as CalendarConnection  # noqa: E402
from calendarapp.models.calendars import CalendarMeeting as CalendarMeeting  # noqa: E402
from calendarapp.models.calendars import ConnectionStatus as ConnectionStatus  # noqa: E402
from calendarapp.models.calendars import MeetingAttendee as MeetingAttendee  # noqa: E402
