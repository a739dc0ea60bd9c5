"""Validation shared by every model with a span of days, so each says it the same way."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models

END_BEFORE_START = "The end date cannot be before the start date."


def end_not_before_start(name: str) -> models.CheckConstraint:
    """The database's guard that a span's last day is not before its first."""
    return models.CheckConstraint(
        condition=models.Q(end__gte=models.F("start")),
        name=name,
        violation_error_message=END_BEFORE_START,
    )


# Dates outside these years are typos; refusing them keeps date arithmetic from overflowing.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2199, 12, 31)
FAR_DATE = "Give a date between the years 1900 and 2199."
# The longest window or plan the calendar works with, and what to say past it.
MAX_SPAN_DAYS = 3 * 366
SPAN_TOO_LONG = "This can span at most three years; choose an end closer to the start."
# The longest lead time: a year ahead is as early as anyone acts.
MAX_LEAD_TIME_DAYS = 366


# The largest primary key a row can have (64-bit); a larger id names nothing, and SQLite
# would overflow comparing it.
MAX_ID = 2**63 - 1

# Text as every API text field takes it (the schema's patterns): no NUL character (DRF and
# PostgreSQL refuse it), and where blank is refused, more than spaces (DRF trims first).
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\x00\s][^\x00]*$"

# Dates are written one way everywhere (API, URL parameters): 2026-1-1 is a typo, not a date.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
NOT_ISO_DATE = "Give the date as YYYY-MM-DD, for example 2026-10-12."


def validate_calendar_date(value: datetime.date) -> None:
    if not EARLIEST <= value <= LATEST:
        raise ValidationError(FAR_DATE)


def validate_month(value: int) -> None:
    """A month number, 1 to 12; said the same way by forms, the admin, the API and imports."""
    if not 1 <= value <= 12:
        raise ValidationError(
            "%(value)s is not a month 1–12", code="month", params={"value": value}
        )
