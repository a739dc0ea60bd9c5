"""The brief before a call: what to know about one customer on one phone screen.

The customer page's "Before you call" card and `GET /api/customers/<id>/brief` both read
`customer_brief`, so they say the same; it costs a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from calendarapp.kinds import STRATEGY_SEASON, TOUCH_DUE
from calendarapp.occurrences.decision_checks import NOT_MET_DAYS, Risk, people_of, risks
from calendarapp.occurrences.sources import strategy_season
from calendarapp.occurrences.stream import Calendar, calendar_between
from calendarapp.occurrences.value import Occurrence
from calendarapp.occurrences.wording import Item, items
from customers.models import (
    DATED_OUTCOMES,
    Channel,
    Customer,
    CustomerInterest,
    DecisionRole,
    Outcome,
    Person,
    Stance,
    Topic,
    Touchpoint,
)

# Customers loaded with what the brief reads of them (their interest evidence).
BRIEF_CUSTOMERS = Customer.objects.select_related("owner").prefetch_related(
    Prefetch("interest_evidence", CustomerInterest.objects.select_related("interest", "person"))
)
# The brief's calendar: the next four weeks, today included.
CALENDAR_DAYS = 28
# Someone who left this recently is still news at the next call.
LEFT_LATELY_DAYS = 365
# Deciders first: the order the roles are declared in.
ROLE_ORDER = {role: rank for rank, role in enumerate(DecisionRole.values)}


@dataclass(frozen=True, slots=True)
class Change:
    topic: str
    text: str

    @property
    def topic_label(self) -> str:
        return str(Topic(self.topic).label) if self.topic in Topic.values else self.topic


@dataclass(frozen=True, slots=True)
class LastTouch:
    date: datetime.date
    channel: str
    summary: str
    changes: list[Change]

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label)


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A follow-up or ask-again day agreed on a touch and not met by a later one."""

    date: datetime.date
    outcome: str
    summary: str

    @property
    def asks_again(self) -> bool:
        return self.outcome == Outcome.NOT_NOW


@dataclass(frozen=True, slots=True)
class BriefPerson:
    id: int
    name: str
    job_title: str
    decision_role: str
    stance: str
    last_met: datetime.date | None
    not_met_lately: bool
    left_on: datetime.date | None

    @property
    def role_label(self) -> str:
        return str(DecisionRole(self.decision_role).label)

    @property
    def stance_label(self) -> str:
        return str(Stance(self.stance).label)


@dataclass(frozen=True, slots=True)
class BriefInterest:
    name: str
    strength: str
    last_confirmed: datetime.date
    current: bool


@dataclass(frozen=True, slots=True)
class Brief:
    customer: Customer
    today: datetime.date
    last_touch: LastTouch | None
    follow_ups: list[FollowUp]
    people: list[BriefPerson]
    risk: Risk
    interests: list[BriefInterest]
    strategy_season: Occurrence | None
    calendar: list[Occurrence]

    @property
    def calendar_items(self) -> list[Item]:
        """The next four weeks as the customer page words them (dates, act-by hints)."""
        return items(self.calendar, self.today)

    @property
    def open_question(self) -> str:
        return strategy_season.OPEN_QUESTION

    @property
    def not_met(self) -> list[BriefPerson]:
        return [p for p in self.people if p.not_met_lately and p.left_on is None]


def customer_brief(
    customer: Customer,
    today: datetime.date,
    *,
    people: list[Person] | None = None,
    calendar: Calendar | None = None,
    touchpoints: list[Touchpoint] | None = None,
) -> Brief:
    """Everything to know before calling `customer` on `today`.

    A caller already holding `people_of(customer, today)`, the customer's calendar over the next
    four weeks or all its touchpoints newest first passes them; the interests are read from
    `customer.interest_evidence`, which the caller may prefetch (with `interest`).
    """
    last_day = today + datetime.timedelta(days=CALENDAR_DAYS - 1)
    if calendar is None:
        selected = Customer.objects.filter(pk=customer.pk)
        calendar = calendar_between(today, last_day, customers=selected)
    occurrences = [
        o
        for o in calendar.for_customer(calendar.customers[0])
        if o.kind != TOUCH_DUE and o.end >= today and o.start <= last_day
    ]
    last, follow_ups = _touches(
        _touch_rows(customer)
        if touchpoints is None
        else (
            (t.date, t.channel, t.summary, t.changes, t.outcome, t.follow_up_on)
            for t in touchpoints
        )
    )
    return Brief(
        customer=customer,
        today=today,
        last_touch=last,
        follow_ups=follow_ups,
        people=_people(people_of(customer, today) if people is None else people, today),
        risk=risks(Customer.objects.filter(pk=customer.pk), today, ids=[customer.pk])[customer.pk],
        interests=_interests(customer),
        strategy_season=next(
            (o for o in occurrences if o.kind == STRATEGY_SEASON and o.start <= today), None
        ),
        calendar=occurrences,
    )


# A touch as the brief reads it: date, channel, summary, changes, outcome, follow_up_on.
TouchRow = tuple[datetime.date, str, str, list[dict[str, str]], str, datetime.date | None]


def _touch_rows(customer: Customer) -> Iterable[TouchRow]:
    """The last touch and the dated ones after it began, newest first, in one query."""
    latest = customer.touchpoints.order_by("-date", "-id").values("date")[:1]
    return (
        Touchpoint.objects.filter(customer=customer)
        .filter(
            Q(pk__in=customer.touchpoints.order_by("-date", "-id").values("pk")[:1])
            | Q(outcome__in=DATED_OUTCOMES, follow_up_on__gt=latest)
        )
        .order_by("-date", "-id")
        .values_list("date", "channel", "summary", "changes", "outcome", "follow_up_on")
    )


def _touches(rows: Iterable[TouchRow]) -> tuple[LastTouch | None, list[FollowUp]]:
    """The last touch (the first row) and the follow-ups agreed after it began."""
    last = None
    follow_ups = []
    for date, channel, summary, changes, outcome, follow_up_on in rows:
        if last is None:
            said = [Change(c["topic"], c["text"]) for c in changes]
            last = LastTouch(date, channel, summary, said)
        if follow_up_on is not None and follow_up_on > last.date and outcome in DATED_OUTCOMES:
            follow_ups.append(FollowUp(follow_up_on, outcome, summary))
    follow_ups.sort(key=lambda f: f.date)
    return last, follow_ups


def _people(people: list[Person], today: datetime.date) -> list[BriefPerson]:
    """Active people, deciders first, then those who left in the last year."""
    since = today - datetime.timedelta(days=NOT_MET_DAYS)
    left_since = today - datetime.timedelta(days=LEFT_LATELY_DAYS)
    shown = [p for p in people if p.active or (p.left_on is not None and p.left_on >= left_since)]
    shown.sort(key=lambda p: (not p.active, ROLE_ORDER.get(p.decision_role, 99), p.name))
    brief = []
    for person in shown:
        last: datetime.date | None = getattr(person, "last_touch", None)
        brief.append(
            BriefPerson(
                id=person.pk,
                name=person.name,
                job_title=person.job_title,
                decision_role=person.decision_role,
                stance=person.stance,
                last_met=last,
                not_met_lately=last is None or last < since,
                left_on=None if person.active else person.left_on,
            )
        )
    return brief


def _interests(customer: Customer) -> list[BriefInterest]:
    """Interests not ended: current evidence first, the latest confirmed first within each."""
    rows: list[CustomerInterest] = [
        row for row in customer.interest_evidence.all() if row.no_longer_on is None
    ]
    rows.sort(key=lambda row: (not row.current, -row.last_confirmed.toordinal(), row.interest.name))
    return [
        BriefInterest(row.interest.name, row.strength, row.last_confirmed, row.current)
        for row in rows
    ]
