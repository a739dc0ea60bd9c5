"""Traditions: the dates a customer, or a whole country, lives by.

A tradition belongs to exactly one customer (their busy season, their
kick-off) or to a country and optional subdivision (a local tradition that no
holiday library knows, such as Danish autumn school holidays in week 42).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from recurrence.fields import RecurrenceField

from calendarapp.lib import countries, dates
from calendarapp.lib.validation import (
    END_BEFORE_START,
    MAX_LEAD_TIME_DAYS,
    end_not_before_start,
    validate_calendar_date,
)
from customers.models import Customer


class TraditionKind(models.TextChoices):
    BUDGET_CLOSE = "budget_close", "Budget close"
    CONTRACT_RENEWAL = "contract_renewal", "Contract renewal"
    BUSY_SEASON = "busy_season", "Busy season"
    CUSTOMER_EVENT = "customer_event", "Customer event"
    VACATION = "vacation", "Vacation"
    OTHER = "other", "Other"


# Seasons of a customer's year: one repeating more often than yearly (a weekly "vacation")
# fills the calendar, so it needs a calendar admin's confirmation (`repeats_too_often`).
SEASON_KINDS = frozenset(
    {TraditionKind.VACATION, TraditionKind.BUSY_SEASON, TraditionKind.CUSTOMER_EVENT}
)
TOO_OFTEN = (
    "A {kind} repeats at most once a year (choose “every year”); this rule repeats it"
    " {count} times within a year."
)
# Yearly rules come back after 357 days at the soonest ("4th Thursday of November").
_YEAR_AT_LEAST = datetime.timedelta(days=350)


class Tradition(models.Model):
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="traditions",
        help_text="Leave empty for a local tradition of a whole country.",
        db_index=False,  # tradition_customer_kind_idx starts with the customer and serves it
    )
    country = models.CharField(
        max_length=2, blank=True, help_text="For a local tradition: ISO 3166-1 code, e.g. DK."
    )
    subdivision = models.CharField(
        max_length=10,
        blank=True,
        help_text="For a local tradition of one region only, e.g. BY; empty for the whole country.",
    )
    kind = models.CharField(max_length=20, choices=TraditionKind.choices)
    title = models.CharField(max_length=200)
    start = models.DateField(
        help_text="First day of the first occurrence.", validators=[validate_calendar_date]
    )
    end = models.DateField(
        help_text="Last day of the first occurrence (inclusive).",
        validators=[validate_calendar_date],
    )
    recurrence = RecurrenceField(
        null=True,
        blank=True,
        help_text="How it repeats, e.g. yearly, or yearly in ISO week 42. Empty for once.",
    )
    lead_time_days = models.PositiveIntegerField(
        default=0,
        help_text="How many days ahead sales should act on it.",
        validators=[MaxValueValidator(MAX_LEAD_TIME_DAYS)],
    )
    blocks_events = models.BooleanField(
        default=False,
        help_text=(
            "For a busy season: in-person plans that overlap it are a blocker, not a warning."
        ),
    )
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(customer__isnull=False, country="", subdivision="")
                    | (models.Q(customer__isnull=True) & ~models.Q(country=""))
                ),
                name="tradition_customer_xor_country",
                violation_error_message=(
                    "A tradition belongs to a customer or to a country, not both."
                ),
            ),
            end_not_before_start("tradition_end_after_start"),
        ]
        indexes = [
            # Local traditions are read per country for every timeline and check.
            models.Index(fields=["country", "subdivision"], name="tradition_country_idx"),
            # A customer's own traditions by kind: the stream's "has its own budget close"
            # EXISTS per customer, and the traditions source's customer branch.
            models.Index(fields=["customer", "kind"], name="tradition_customer_kind_idx"),
            # The conflict check looks around a plan as far as the longest lead time: a MAX
            # that an index answers from its last entry instead of a scan of every tradition.
            models.Index(fields=["lead_time_days"], name="tradition_lead_time_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.customer_id:
            return reverse("customer-detail", args=[self.customer_id])
        return reverse("country-detail", args=[self.country])

    @property
    def is_local(self) -> bool:
        return self.customer_id is None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        # A customer being added together with its traditions (admin inline) has no id yet.
        has_customer = self.customer_id is not None or self.customer is not None
        if has_customer and (self.country or self.subdivision):
            errors["country"] = (
                "A customer's tradition takes its country from the customer; leave country empty."
            )
        elif not has_customer and not self.country:
            errors["customer"] = "Choose a customer, or a country for a local tradition."
        elif self.country:
            if error := countries.validate_country(self.country):
                errors["country"] = error
            elif error := countries.validate_subdivision(self.country, self.subdivision):
                errors["subdivision"] = error
        if self.blocks_events and self.kind != TraditionKind.BUSY_SEASON:
            errors["blocks_events"] = "Only a busy season can block events."
        if self.start and self.end:
            if self.end < self.start:
                errors["end"] = END_BEFORE_START
            elif self.recurrence and dates.longer_than_a_year(self.start, self.end):
                errors["end"] = "A recurring tradition cannot last longer than a year."
            elif self.recurrence:
                rule_text = rule_text_of(self.recurrence)
                if error := dates.validate_rule(rule_text, self.start, self.end):
                    errors["recurrence"] = error
        if errors:
            raise ValidationError(errors)


def repeats_too_often(tradition: Tradition) -> str:
    """What is wrong with a season (vacation, busy season, customer event) whose rule repeats
    it more often than yearly, or "" if nothing: the owner is refused, an admin confirms."""
    if tradition.kind not in SEASON_KINDS or not tradition.recurrence or not tradition.start:
        return ""
    end = tradition.end or tradition.start
    spans = dates.expand(
        rule_text_of(tradition.recurrence),
        tradition.start,
        end,
        tradition.start,
        tradition.start + _YEAR_AT_LEAST,
    )
    if len(spans) <= 1:
        return ""
    kind = TraditionKind(tradition.kind).label.lower()
    return TOO_OFTEN.format(kind=kind, count=len(spans))


def rule_text_of(value) -> str:
    """The RFC 5545 text of a stored recurrence, with extra and excluded dates as local days.

    django-recurrence stores those dates as UTC instants (29 Jan in Copenhagen
    becomes 28 Jan 23:00Z); our rules are all-day and local.
    """
    return dates.with_local_instants(
        dates.serialize_recurrence(value), timezone.get_default_timezone()
    )


class LocalTradition(Tradition):
    """The admin's view of traditions that belong to a country rather than a customer."""

    class Meta:
        proxy = True
        verbose_name = "local tradition"
