"""Validation shared by every model with a span of days, so each says it the same way."""

from django.db import models

END_BEFORE_START = "The end date cannot be before the start date."


def end_not_before_start(name: str) -> models.CheckConstraint:
    """The database's guard that a span's last day is not before its first."""
    return models.CheckConstraint(
        condition=models.Q(end__gte=models.F("start")),
        name=name,
        violation_error_message=END_BEFORE_START,
    )
