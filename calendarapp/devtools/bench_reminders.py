"""`make bench` figure for the morning reminders, registered in `calendarapp.bench`.

`reminders_all_owners_ms` builds every owner's digest for one day (the bench
data has 20 owners sharing 2,000 customers and 300 plans): the work of the
whole daily fan-out, without sending the emails.
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
