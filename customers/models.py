"""Customers, their contracts and what they care about."""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from calendarapp.lib import countries, renewals
from calendarapp.lib.validation import validate_calendar_date


class Interest(models.Model):
    """A topic a customer cares about ("cloud", "sustainability"): plans target these."""

    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    name = models.CharField(max_length=200)
    country = models.CharField(
        max_length=2, help_text="ISO 3166-1 alpha-2 code, for example DK or DE."
    )
    subdivision = models.CharField(
        max_length=10,
        blank=True,
        help_text="State or region where public holidays differ, for example BY for Bavaria.",
    )
    timezone = models.CharField(
        max_length=64, blank=True, help_text="IANA time zone; defaults to the country's main one."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
        verbose_name="account owner",
        db_index=False,  # customer_owner_active_idx starts with the owner and serves its lookups
    )
    budget_close_month = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="The month the customer's fiscal year and budget close (1-12).",
    )
    interests = models.ManyToManyField(Interest, blank=True, related_name="customers")
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_close_month__gte=1, budget_close_month__lte=12),
                name="customer_budget_close_month_1_12",
            ),
        ]
        indexes = [
            # The timeline and the conflict check select customers by country and region; the
            # country feed and the timeline's country filter read active customers of a country.
            models.Index(fields=["country", "subdivision"], name="customer_country_idx"),
            # The timeline's pages and the stream read active customers in name order
            # (`ORDER BY name, id` with OFFSET/LIMIT), so a page is an index range, not a sort.
            # Partial, so it holds only the rows those reads want and nothing else competes.
            models.Index(
                fields=["name", "id"],
                condition=models.Q(active=True),
                name="customer_active_name_idx",
            ),
            # The "My customers" feed and the timeline's owner filter: one owner's active ones.
            models.Index(fields=["owner", "active"], name="customer_owner_active_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customer-detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if error := countries.validate_country(self.country):
            errors["country"] = error
        elif error := countries.validate_subdivision(self.country, self.subdivision):
            errors["subdivision"] = error
        if self.timezone:
            try:
                zoneinfo.ZoneInfo(self.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                errors["timezone"] = (
                    f"“{self.timezone}” is not an IANA time zone such as Europe/Berlin."
                )
        elif "country" not in errors:
            self.timezone = countries.default_timezone(self.country)
        if errors:
            raise ValidationError(errors)


class Contract(models.Model):
    """A contract whose renewal we must not miss.

    From the end date come the renewal windows: pre-shopping opens
    `pre_shopping_days` before the end, the decision falls on the notice
    deadline `notice_period_days` before the end, and then the contract ends.
    """

    # contract_customer_end_idx starts with the customer and serves its lookups.
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contracts", db_index=False
    )
    name = models.CharField(max_length=200)
    end_date = models.DateField(validators=[validate_calendar_date])
    notice_period_days = models.PositiveIntegerField(
        default=90, help_text="Days before the end date by which the customer must give notice."
    )
    pre_shopping_days = models.PositiveIntegerField(
        default=180,
        validators=[MaxValueValidator(3650)],
        help_text="Days before the end date the customer starts looking at offers.",
    )
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["end_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pre_shopping_days__gte=models.F("notice_period_days")),
                name="contract_pre_shopping_before_notice",
                violation_error_message=(
                    "Pre-shopping must start no later than the notice deadline."
                ),
            ),
        ]
        indexes = [
            # The contracts source reads the customers' contracts ending in a window.
            models.Index(fields=["customer", "end_date"], name="contract_customer_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer})"

    def clean(self) -> None:
        if self.pre_shopping_days < self.notice_period_days:
            raise ValidationError(
                {"pre_shopping_days": "Pre-shopping must start no later than the notice deadline."}
            )

    @property
    def pre_shopping_start(self) -> datetime.date:
        return renewals.pre_shopping_start(self.end_date, self.pre_shopping_days)

    @property
    def notice_deadline(self) -> datetime.date:
        return renewals.notice_deadline(self.end_date, self.notice_period_days)
