"""Each customer's contact state for pages, the API and the digest: last touch, next, status.

The next touch is the `touch_due` occurrence the stream places (see
`sources/touches.py`), so every page shows the same day and reason.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.utils import timezone

from calendarapp.kinds import TOUCH_DUE
from calendarapp.lib import cadence
from calendarapp.occurrences.sources.touches import HORIZON_DAYS, TITLE_PREFIX
from calendarapp.occurrences.stream import Calendar, calendar_between
from calendarapp.occurrences.value import Occurrence
from customers.models import Customer, Touchpoint


@dataclass(frozen=True, slots=True)
class TouchState:
    last_touch: datetime.date | None
    next_touch: datetime.date
    status: cadence.TouchStatus
    # Why the next touch falls on its day: "every 30 days; moved from 19 Oct, …".
    reason: str

    @property
    def needs_touch(self) -> bool:
        return self.status in cadence.NEEDS_TOUCH


def touch_calendar(customers: QuerySet[Customer]) -> Calendar:
    """The next touch (`touch_due`) of each customer selected, from today: one question of the
    stream, remembered by the process and renewed per customer after an edit."""
    today = timezone.localdate()
    return calendar_between(
        today,
        today + datetime.timedelta(days=HORIZON_DAYS),
        customers=customers,
        kinds=[TOUCH_DUE],
    )


def touch_states(
    customers: QuerySet[Customer], *, among: Calendar | None = None
) -> dict[int, TouchState]:
    """The contact state of each customer selected today, in a fixed number of queries.

    `among` may be a `touch_calendar` of more customers that holds them (a list sorted by
    next touch has one): then no calendar is built for these.
    """
    calendar = touch_calendar(customers) if among is None else among
    wanted = None if among is None else set(customers.values_list("id", flat=True))
    last = dict(
        Touchpoint.objects.filter(customer__in=customers.values("id"))
        .order_by()
        .values("customer_id")
        .annotate(last=Max("date"))
        .values_list("customer_id", "last")
    )
    return {
        occurrence.customer_id: touch_state(occurrence, last.get(occurrence.customer_id))
        for occurrence in calendar.occurrences
        if occurrence.customer_id is not None
        and (wanted is None or occurrence.customer_id in wanted)
    }


def touch_statuses(customers: QuerySet[Customer]) -> dict[int, cadence.TouchStatus]:
    """The contact status alone of each customer selected today: the stream's next touches,
    without the query for the last touches that `touch_states` adds."""
    return {
        occurrence.customer_id: cadence.TouchStatus(occurrence.phase)
        for occurrence in touch_calendar(customers).occurrences
        if occurrence.customer_id is not None
    }


def touch_state(touch_due: Occurrence, last_touch: datetime.date | None) -> TouchState:
    """A customer's contact state from its `touch_due` occurrence and its last touch."""
    return TouchState(
        last_touch=last_touch,
        next_touch=touch_due.start,
        status=cadence.TouchStatus(touch_due.phase),
        reason=touch_due.title.removeprefix(TITLE_PREFIX),
    )


def needing_touch(customers: QuerySet[Customer]) -> list[int]:
    """The ids of the customers selected whose touch is due, overdue, or never made: one query."""
    today = timezone.localdate()
    rows = (
        customers.order_by()
        .annotate(last=Max("touchpoints__date"))
        .values_list("id", "contact_every_days", "last")
    )
    return [
        customer_id
        for customer_id, every, last in rows
        if cadence.touch_status(last, every, today) in cadence.NEEDS_TOUCH
    ]
