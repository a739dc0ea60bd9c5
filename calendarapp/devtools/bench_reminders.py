"""`make bench` figures for Today and the morning reminders, registered in `calendarapp.bench`.

The bench data has 20 owners sharing 2,000 customers and 300 plans.
`reminders_all_owners_ms` builds every owner's list for one day, one owner at a time
as the daily fan-out's tasks do, without sending the emails; `today_all_owners_ms`
builds them all at once, from one calendar and one conflict check (`build_digests`).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from calendarapp.devtools.bench import YEAR, BenchData, figure, timed
from calendarapp.occurrences.stream import RECENT_CALENDARS
from calendarapp.reminders import digest

DAY = datetime.date(YEAR, 3, 1)


@figure("reminders_all_owners_ms")
def reminders_all_owners(data: BenchData) -> float:
    # The bench's owners have no email address, so pick them by their customers.
    owners = list(get_user_model().objects.filter(customers__isnull=False).distinct())
    return timed(
        lambda: [digest.build_digest(owner, DAY) for owner in owners],
        runs=3,
        before=RECENT_CALENDARS.clear,
    )


@figure("today_all_owners_ms")
def today_all_owners(data: BenchData) -> float:
    owners = list(get_user_model().objects.filter(customers__isnull=False).distinct())
    return timed(
        lambda: digest.build_digests(owners, DAY),
        runs=3,
        before=RECENT_CALENDARS.clear,
    )
