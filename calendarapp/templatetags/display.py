"""How a person and a day read on every page: `{{ user|person }}`, `{{ day|day }}`."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

import recurrence
from django import template
from django.utils import timezone, translation

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


@register.filter
def repeats(value: recurrence.Recurrence | None) -> str:
    """A recurrence's first rule in words: "annually, on the Tuesday"."""
    if not value or not value.rrules:
        return ""
    rule = value.rrules[0]
    # The serialized rule says `until` in UTC; the words say its own day, so it is in the key.
    key = (translation.get_language(), recurrence.serialize(rule), repr(rule.until))
    words = _RULE_TEXTS.get(key)
    if words is None:
        words = str(rule.to_text())
        if len(_RULE_TEXTS) >= RULE_TEXTS_KEPT:
            _RULE_TEXTS.clear()
        _RULE_TEXTS[key] = words
    return words


# Why: the recurrence package words a rule in some 45 translated pieces (about 0.3 ms a rule),
# and a customer page lists a dozen; the few rules a team uses are worded once a process.
RULE_TEXTS_KEPT = 1024
_RULE_TEXTS: dict[tuple[str | None, str, str], str] = {}
