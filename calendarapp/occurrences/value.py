"""The one value every source becomes: an occurrence in a date window.

Traditions, contracts, budget closes, public holidays, plans and imported
events all turn into `Occurrence`s. The timeline, the conflict check, the
feeds and the reminders read nothing else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from calendarapp.kinds import OUR_KINDS

# The region key of the customers with no subdivision; no subdivision code looks like it.
UNSUBDIVIDED = "(none)"


# Not frozen: a frozen dataclass's __init__ costs four times as much, and the
# stream builds tens of thousands per request. Treat occurrences as values.
@dataclass(slots=True, unsafe_hash=True)
class Occurrence:
    """One thing on the calendar, from `start` to `end` inclusive.

    It belongs to a customer (`customer_id`), to a region (`country` and
    `subdivision`, empty for the whole country or, `unsubdivided`, for the
    customers in it with no subdivision), or, for a plan, to the
    customers it reaches (`audience`). `id` is stable across requests:
    the source's prefix, its primary key and the first day. `source` is the
    name of the source that made it (see `calendarapp.occurrences.sources`).
    """

    id: str
    start: datetime.date
    end: datetime.date
    kind: str
    title: str
    source: str
    customer_id: int | None = None
    country: str = ""
    subdivision: str = ""
    lead_time_days: int = 0
    source_id: int | None = None
    phase: str = ""
    audience: frozenset[int] = field(default=frozenset())
    # The source's last change. The stream keeps a database timestamp as its text
    # until someone asks (only feeds do), which saves parsing one per tradition.
    modified: datetime.datetime | str | None = None
    # A busy season marked "blocks events": in-person plans may not overlap it.
    blocks_events: bool = False
    # A national item only for customers with no subdivision: a public holiday that
    # some subdivisions do not keep (each keeping subdivision has its own).
    unsubdivided: bool = False

    @property
    def region(self) -> tuple[str, str]:
        """The (country, subdivision) whose customers a regional item concerns."""
        return (self.country, UNSUBDIVIDED if self.unsubdivided else self.subdivision)

    @property
    def updated_at(self) -> datetime.datetime | None:
        if isinstance(self.modified, str):
            return parse_timestamp(self.modified)
        return self.modified

    @property
    def act_by(self) -> datetime.date:
        """The day sales should act by: the lead time before the start."""
        return self.start - datetime.timedelta(days=self.lead_time_days)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def ours(self) -> bool:
        """One of our plans, which reaches its `audience`, not a customer or a region."""
        return self.kind in OUR_KINDS

    def overlaps(self, start: datetime.date, end: datetime.date) -> bool:
        return self.start <= end and self.end >= start


def parse_timestamp(text: str) -> datetime.datetime:
    """Parse a timestamp selected as text: naive UTC on SQLite, "+00" on PostgreSQL."""
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
