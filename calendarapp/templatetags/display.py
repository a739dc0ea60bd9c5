"""How a person and a day read on every page: `{{ user|person }}`, `{{ day|day }}`."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django import template
from django.utils import timezone

from calendarapp.lib.dates import short_day
from calendarapp.lib.names import display_name

register = template.Library()


@register.filter
def person(user: Any) -> str:
    """A user's full name, or the username where none is recorded."""
    return display_name(user)


@register.filter
def day(value: datetime.date | None, weekday: str = "") -> str:
    """ "12 Oct", with the year when it is not this year: "12 Oct 2027"; `|day:"weekday"` puts
    the weekday first: "Mon 12 Oct"."""
    if value is None:
        return ""
    said = short_day(value, timezone.localdate())
    return f"{value:%a} {said}" if weekday else said


@register.filter
def day_on(value: datetime.date | None, today: datetime.date) -> str:
    """ "Mon 12 Oct" as said on `today`, a list's own day rather than the clock's (an email
    sent after midnight): with the year when it is not that day's year."""
    if value is None:
        return ""
    return f"{value:%a} {short_day(value, today)}"


@register.filter
def month_name(month: int) -> str:
    """A month's number as its name: 9 is "September"."""
    return calendar.month_name[month]
