"""What we plan, and the personal tokens that let programs act for a user."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from calendarapp import countries
from customers.models import Customer, Interest


class PlanKind(models.TextChoices):
    CAMPAIGN = "campaign", "Campaign"
    EVENT = "event", "Event"
    MEETING = "meeting", "Meeting"
    WEBINAR = "webinar", "Webinar"
    TRADE_FAIR = "trade_fair", "Trade fair"
    VISIT = "visit", "Visit"


class Plan(models.Model):
    """Something we intend to do, and whom it reaches.

    The audience is the union of the chosen customers, every active customer
    in the chosen countries, and every active customer with one of the
    chosen interests.
    """

    kind = models.CharField(max_length=20, choices=PlanKind.choices)
    title = models.CharField(max_length=200)
    start = models.DateField()
    end = models.DateField(help_text="Last day (inclusive).")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans"
    )
    customers = models.ManyToManyField(Customer, blank=True, related_name="plans")
    countries = models.JSONField(
        default=list, blank=True, help_text="ISO 3166-1 codes of whole countries in the audience."
    )
    interests = models.ManyToManyField(Interest, blank=True, related_name="plans")
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="plan_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
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
            errors["end"] = "The end date cannot be before the start date."
        if not isinstance(self.countries, list):
            errors["countries"] = "Give a list of country codes."
        else:
            for code in self.countries:
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"API token of {self.user}"

    @classmethod
    def issue(cls, user) -> str:
        """Create a token for a user and return its only plain-text copy."""
        token = secrets.token_urlsafe(32)
        cls.objects.create(user=user, token_hash=hash_token(token))
        return token
