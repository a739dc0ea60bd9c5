"""The one value every source becomes: an occurrence in a date window.

Traditions, contracts, budget closes, public holidays, plans and imported
events all turn into `Occurrence`s. The timeline, the conflict check, the
feeds and the reminders read nothing else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum


class Source(StrEnum):
    TRADITION = "tradition"
    CONTRACT = "contract"
    BUDGET = "budget"
    PUBLIC_HOLIDAY = "public_holiday"
    PLAN = "plan"
    IMPORTED = "imported_event"


class ContractPhase(StrEnum):
    PRE_SHOPPING = "pre_shopping"
    DECISION = "decision"
    END = "end"


# Not frozen: a frozen dataclass's __init__ costs four times as much, and the
# stream builds tens of thousands per request. Treat occurrences as values.
@dataclass(slots=True, unsafe_hash=True)
class Occurrence:
    """One thing on the calendar, from `start` to `end` inclusive.

    It belongs to a customer (`customer_id`), to a region (`country` and
    `subdivision`, empty for the whole country), or, for a plan, to the
    customers it reaches (`audience`). `id` is stable across requests:
    the source, its primary key and the first day.
    """

    id: str
    start: datetime.date
    end: datetime.date
    kind: str
    title: str
    source: Source
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

    def overlaps(self, start: datetime.date, end: datetime.date) -> bool:
        return self.start <= end and self.end >= start

    def concerns(self, customer) -> bool:
        """Tell whether this occurrence is on the given customer's calendar."""
        if self.source == Source.PLAN:
            return customer.id in self.audience
        if self.customer_id is not None:
            return self.customer_id == customer.id
        return self.country == customer.country and self.subdivision in ("", customer.subdivision)


def parse_timestamp(text: str) -> datetime.datetime:
    """Parse a timestamp selected as text: naive UTC on SQLite, "+00" on PostgreSQL."""
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
