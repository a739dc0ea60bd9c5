"""The contact cadence's arithmetic: how often to be in touch, and whether a touch is due.

Shared by the customer model (its default and limits), the touches source and the pages.
The clock runs from the last touchpoint, never from a reminder: these functions take only
the last touch's day, so nothing else can reset them.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.conf import settings

MIN_DAYS = 7
MAX_DAYS = 365
# A touch is overdue when this many intervals have passed since the last one.
OVERDUE_AFTER = 1.5


def default_contact_every_days() -> int:
    """The team's default interval, from the setting CONTACT_EVERY_DAYS."""
    days: int = settings.CONTACT_EVERY_DAYS
    return days


class TouchStatus(StrEnum):
    NEVER = "never"
    OK = "ok"
    DUE = "due"
    OVERDUE = "overdue"


# Statuses that ask the account owner to get in touch now.
NEEDS_TOUCH = frozenset({TouchStatus.NEVER, TouchStatus.DUE, TouchStatus.OVERDUE})


def touch_status(
    last_touch: datetime.date | None, every_days: int, today: datetime.date
) -> TouchStatus:
    """`never` without a touch; `due` once the interval has passed; `overdue` after 1.5 of them."""
    if last_touch is None:
        return TouchStatus.NEVER
    since = (today - last_touch).days
    if since >= every_days * OVERDUE_AFTER:
        return TouchStatus.OVERDUE
    if since >= every_days:
        return TouchStatus.DUE
    return TouchStatus.OK
