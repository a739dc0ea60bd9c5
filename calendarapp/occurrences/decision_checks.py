"""How each customer decides, read for pages, the API and This week.

`step_findings`: decision steps that fall after their contract's notice
deadline, or in the customer's vacation or busy season. `risks`: the
"are we just a data point?" check, with its signals and the questions to ask
next. `decision_map`: the customer's people by reporting line with their part,
stance, last touch and dated changes. Each costs a fixed number of queries,
however many customers or people.
"""

from __future__ import annotations

import datetime
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Max, QuerySet

from calendarapp.kinds import DECISION_STEP
from calendarapp.lib import dates, renewals
from calendarapp.occurrences.sources.decision_steps import DONE
from calendarapp.occurrences.stream import Calendar, calendar_between
from calendarapp.occurrences.value import Occurrence
from calendarapp.occurrences.version import ChangeMark, change_mark, changes_since
from customers.models import (
    Channel,
    Competitor,
    Contract,
    Customer,
    DecisionFactor,
    DecisionRole,
    DecisionStep,
    Person,
    PersonChange,
    Touchpoint,
    present_people,
)
from traditions.models import TraditionKind

# Findings look this far ahead of today.
FINDINGS_DAYS = 365
# Someone not met for this long is marked on the map; a decider not met this long is a signal.
NOT_MET_DAYS = 90
# An evaluation that starts this close before a notice deadline came in late.
LATE_EVALUATION_DAYS = 60
# A competitor (not the incumbent) noted this recently is one they consider now.
CONSIDERED_DAYS = 180
# The last this many touches, all by email, are a signal.
EMAIL_ONLY_TOUCHES = 3
# Steps whose title says evaluation ("Evaluation", "Evaluate offers") are the evaluation.
EVALUATION = re.compile(r"\bevaluat", re.IGNORECASE)
AWAY_KINDS = (TraditionKind.VACATION, TraditionKind.BUSY_SEASON)
DECIDERS = (DecisionRole.DECIDES, DecisionRole.ECONOMIC_BUYER)


@dataclass(frozen=True, slots=True)
class StepFinding:
    """A decision step on a bad day: "Board approval on 12 Mar 2027, but notice … 1 Mar 2027"."""

    customer_id: int
    step_id: int
    day: datetime.date
    text: str


def step_findings(
    customers: QuerySet[Customer],
    today: datetime.date,
    calendar: Calendar | None = None,
    decision_steps: list[DecisionStep] | None = None,
) -> dict[int, list[StepFinding]]:
    """Each customer's steps not yet done that fall after their contract's notice deadline or
    in a vacation or busy season, from today on, by customer and date.

    A caller that already holds the customers' calendar from today on (with decision steps,
    vacations and busy seasons) passes it, and this costs one query; none when it also passes
    all their `decision_steps` (with `contract`).
    """
    last_day = today + datetime.timedelta(days=FINDINGS_DAYS)
    if calendar is None:
        calendar = calendar_between(
            today,
            today + datetime.timedelta(days=FINDINGS_DAYS),
            customers=customers,
            kinds=[DECISION_STEP, *AWAY_KINDS],
            include_plans=False,
        )
    rows = (
        DecisionStep.objects.filter(
            customer__in=customers.values("id"), contract__isnull=False, done=False
        ).values_list("id", "contract__name", "contract__end_date", "contract__notice_period_days")
        if decision_steps is None
        else [
            (s.pk, s.contract.name, s.contract.end_date, s.contract.notice_period_days)
            for s in decision_steps
            if s.contract is not None and not s.done
        ]
    )
    deadlines = {
        pk: (name, renewals.notice_deadline(end_date, notice_days))
        for pk, name, end_date, notice_days in rows
    }
    found: dict[int, list[StepFinding]] = {}
    for customer in calendar.customers:
        occurrences = [
            o for o in calendar.for_customer(customer) if o.end >= today and o.start <= last_day
        ]
        steps = [o for o in occurrences if o.kind == DECISION_STEP and o.phase != DONE]
        away = [o for o in occurrences if o.kind in AWAY_KINDS]
        findings = [*_late(steps, deadlines), *_away(steps, away)]
        if findings:
            found[customer.id] = sorted(findings, key=lambda f: (f.day, f.text))
    return found


def _late(
    steps: list[Occurrence], deadlines: dict[int, tuple[str, datetime.date]]
) -> Iterable[StepFinding]:
    """The first coming meeting of each step that is after its contract's notice deadline."""
    seen: set[int] = set()
    for step in steps:  # sorted by start: the first of a repeating step comes first
        if step.source_id is None or step.source_id in seen or step.source_id not in deadlines:
            continue
        seen.add(step.source_id)
        contract, deadline = deadlines[step.source_id]
        if step.start > deadline:
            yield StepFinding(
                step.customer_id or 0,
                step.source_id,
                step.start,
                f"{_title(step)} on {dates.format_day(step.start)}, but notice on the "
                f"{contract} contract is due {dates.format_day(deadline)}.",
            )


def _away(steps: list[Occurrence], away: list[Occurrence]) -> Iterable[StepFinding]:
    for step in steps:
        for season in away:
            if season.overlaps(step.start, step.end) and step.source_id is not None:
                yield StepFinding(
                    step.customer_id or 0,
                    step.source_id,
                    step.start,
                    f"{_title(step)} on {dates.format_day(step.start)} falls in "
                    f"{season.title} ({dates.format_span(season.start, season.end)}).",
                )


def _title(step: Occurrence) -> str:
    return step.title.split(" (", 1)[0]


@dataclass(frozen=True, slots=True)
class Signal:
    code: str
    text: str


@dataclass(frozen=True, slots=True)
class Risk:
    """The "are we just a data point?" check of one customer."""

    level: str
    signals: list[Signal] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)

    @property
    def high(self) -> bool:
        return self.level == HIGH


LOW, MEDIUM, HIGH = "low", "medium", "high"
# The question each signal leads to, from the seven every seller should be able to answer.
QUESTIONS = {
    "incumbent": "Whom else do they consider, and what would make them change?",
    "competitor_considered": "What do they like in the other offer, and what would make us "
    "their choice?",
    "no_decider_met": "Who decides, who holds the budget, and when can we meet them?",
    "no_champion": "What is each person's role, and who wants us to win?",
    "late_evaluation": "How do they decide, and how often do they meet?",
    "email_only": "Who else is involved, and when can we meet them in person?",
}
ASK_FACTORS = "What factors count in their decision?"
ASK_STAKE = "What personal pain do we help with?"


def level_of(signals: list[Signal]) -> str:
    """No signal is low, one or two medium, three or more high."""
    if not signals:
        return LOW
    return HIGH if len(signals) >= 3 else MEDIUM


@dataclass(frozen=True)
class _KnownRisks:
    """The risks this process checked on `day`, and how far the change log was read first."""

    day: datetime.date
    mark: ChangeMark
    risks: dict[int, Risk]


_KNOWN: _KnownRisks | None = None
_KNOWN_LOCK = threading.Lock()
# Past this many changed or new customers, checking them by id costs more than all again.
RECHECK_BY_ID = 500


def risks(
    customers: QuerySet[Customer], today: datetime.date, *, ids: list[int] | None = None
) -> dict[int, Risk]:
    """The check for every customer selected, in a fixed number of queries.

    The process remembers each customer's risk for the day and asks the change log (one
    query) whose rows changed since (their people, touches and whom they met, competitors,
    factors, steps, contracts): with none, the answer is the remembered one, two queries
    where the check takes seven (one when the caller passes the selected `ids`, in order);
    otherwise only those customers are checked again.
    """
    global _KNOWN
    if ids is None:
        ids = list(customers.values_list("id", flat=True))
    with _KNOWN_LOCK:
        known = _KNOWN
    found: dict[int, Risk] = {}
    if known is None or known.day != today:
        mark = change_mark()  # first: a change made while checking is seen at the next look
    else:
        changes, mark = changes_since(known.mark)
        if not changes:
            found = known.risks  # never changed in place: a renewal makes a new dict
        elif not changes.everything:
            found = {pk: r for pk, r in known.risks.items() if pk not in changes.customers}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        by_id = found and len(missing) <= RECHECK_BY_ID
        found = found | _checked(
            Customer.objects.filter(pk__in=missing) if by_id else customers,
            today,
            missing if by_id else ids,
        )
    with _KNOWN_LOCK:
        _KNOWN = _KnownRisks(today, mark, found)
    return {pk: found[pk] for pk in ids if pk in found}


def _checked(
    customers: QuerySet[Customer], today: datetime.date, ordered: list[int]
) -> dict[int, Risk]:
    """The check itself for `customers`, whose ids are `ordered`: six queries."""
    ids = customers.values("id")
    since = today - datetime.timedelta(days=NOT_MET_DAYS)
    incumbents: dict[int, list[str]] = defaultdict(list)
    considered: dict[int, list[str]] = defaultdict(list)
    recent = today - datetime.timedelta(days=CONSIDERED_DAYS)
    for customer_id, name, incumbent, noted_on in Competitor.objects.filter(
        customer__in=ids
    ).values_list("customer_id", "name", "incumbent", "noted_on"):
        if incumbent:
            incumbents[customer_id].append(name)
        elif recent <= noted_on <= today:
            considered[customer_id].append(name)
    # Someone who left counts no more: not as met, deciding or champion.
    people = Person.objects.filter(present_people(today), customer__in=ids).values_list(
        "customer_id", "decision_role", "stance", "personal_stake"
    )
    deciders: set[int] = set()
    champions: set[int] = set()
    stakes: set[int] = set()
    for customer_id, role, stance, stake in people:
        if role in DECIDERS:
            deciders.add(customer_id)
        if DecisionRole.CHAMPION in (role, stance):
            champions.add(customer_id)
        if stake:
            stakes.add(customer_id)
    met_deciders = set(
        Touchpoint.people.through.objects.filter(
            present_people(today, via="person__"),
            touchpoint__customer__in=ids,
            touchpoint__date__gte=since,
            touchpoint__date__lte=today,
            person__decision_role__in=DECIDERS,
        ).values_list("touchpoint__customer_id", flat=True)
    )
    late = _late_evaluations(ids, today)
    emails = _email_only(ids)
    with_factors = set(
        DecisionFactor.objects.filter(customer__in=ids).values_list("customer_id", flat=True)
    )

    found = {}
    for customer_id in ordered:
        signals = []
        if incumbents.get(customer_id):
            names = ", ".join(sorted(incumbents[customer_id]))
            text = f"{names} sells to them now: we may be there to keep the incumbent honest."
            signals.append(Signal("incumbent", text))
        if considered.get(customer_id):
            names = ", ".join(sorted(considered[customer_id]))
            text = f"They consider {names}: we are one offer among others."
            signals.append(Signal("competitor_considered", text))
        if customer_id not in met_deciders:
            text = (
                f"Nobody who decides or holds the budget met in the last {NOT_MET_DAYS} days."
                if customer_id in deciders
                else "Nobody recorded as deciding or holding the budget."
            )
            signals.append(Signal("no_decider_met", text))
        if customer_id not in champions:
            signals.append(Signal("no_champion", "No champion: nobody there wants us to win."))
        if customer_id in late:
            signals.append(Signal("late_evaluation", late[customer_id]))
        if customer_id in emails:
            signals.append(
                Signal("email_only", f"The last {EMAIL_ONLY_TOUCHES} touches were only by email.")
            )
        questions = [QUESTIONS[signal.code] for signal in signals]
        if customer_id not in with_factors:
            questions.append(ASK_FACTORS)
        if customer_id not in stakes:
            questions.append(ASK_STAKE)
        found[customer_id] = Risk(level_of(signals), signals, questions)
    return found


def _late_evaluations(ids: QuerySet[Any], today: datetime.date) -> dict[int, str]:
    """Customers with an evaluation step starting within 60 days before a notice deadline.

    The step's own contract counts, or any contract of the customer not yet ended when the
    step belongs to none.
    """
    steps = [
        s
        for s in DecisionStep.objects.filter(customer__in=ids).only(
            "customer_id", "contract_id", "title", "date", "recurrence", "repeats_from"
        )
        if EVALUATION.search(s.title)
    ]
    if not steps:
        return {}
    contracts: dict[int, list[tuple[int, str, datetime.date]]] = defaultdict(list)
    for pk, customer_id, name, end_date, notice_days in Contract.objects.filter(
        customer__in={s.customer_id for s in steps}, end_date__gte=today
    ).values_list("id", "customer_id", "name", "end_date", "notice_period_days"):
        contracts[customer_id].append((pk, name, renewals.notice_deadline(end_date, notice_days)))
    late: dict[int, str] = {}
    for step in steps:
        for pk, name, deadline in contracts.get(step.customer_id, ()):
            if step.contract_id not in (None, pk):
                continue
            if deadline - datetime.timedelta(days=LATE_EVALUATION_DAYS) <= step.first_day:
                when = (
                    f"after the notice deadline on {name}"
                    if step.first_day > deadline
                    else f"less than {LATE_EVALUATION_DAYS} days before notice on {name} is due"
                )
                late.setdefault(
                    step.customer_id,
                    f"{step.title} starts {dates.format_day(step.first_day)}, {when} "
                    f"({dates.format_day(deadline)}): we came in late.",
                )
    return late


def _email_only(ids: QuerySet[Any]) -> set[int]:
    """Customers whose last three touches were all by email (one query, newest first)."""
    channels: dict[int, list[str]] = defaultdict(list)
    rows = Touchpoint.objects.filter(customer__in=ids).order_by("customer_id", "-date", "-id")
    for customer_id, channel in rows.values_list("customer_id", "channel"):
        if len(channels[customer_id]) < EMAIL_ONLY_TOUCHES:
            channels[customer_id].append(channel)
    return {
        customer_id
        for customer_id, last in channels.items()
        if len(last) == EMAIL_ONLY_TOUCHES and all(c == Channel.EMAIL for c in last)
    }


@dataclass(slots=True)
class MapPerson:
    """One person on the decision map, with those who report to them."""

    person: Person
    last_touch: datetime.date | None
    not_met: bool
    changes: list[PersonChange]
    reports: list[MapPerson] = field(default_factory=list)


def people_of(customer: Customer, today: datetime.date) -> list[Person]:
    """The customer's people by name, each with its manager, `last_touch` and whether they
    (`here`) and their manager (`manager_here`) are still there on `today`, in one query."""
    # Each person's last touch comes with them (MAX over their touchpoints, GROUP BY person).
    return list(
        customer.people.select_related("reports_to")
        .annotate(
            last_touch=Max("touchpoints__date"),
            here=ExpressionWrapper(present_people(today), output_field=BooleanField()),
            manager_here=ExpressionWrapper(
                present_people(today, via="reports_to__"), output_field=BooleanField()
            ),
        )
        .order_by("name", "id")
    )


def decision_map(
    customer: Customer, today: datetime.date, people: list[Person] | None = None
) -> list[MapPerson]:
    """The customer's people still there as trees by reporting line, in two queries (one when
    the caller passes `people_of(customer, today)`)."""
    everyone = people_of(customer, today) if people is None else people
    # `here` is annotated by people_of: computed by the database from today.
    people = [p for p in everyone if getattr(p, "here", False)]
    # Real changes of part, stance or influence, newest first; not a new person's first values.
    changes: dict[int, list[PersonChange]] = defaultdict(list)
    for change in (
        PersonChange.objects.filter(person__customer=customer)
        .exclude(old_value="")
        .exclude(field="personal_stake")
        .order_by("-changed_at", "-id")
    ):
        changes[change.person_id].append(change)
    since = today - datetime.timedelta(days=NOT_MET_DAYS)
    nodes = {}
    for person in people:
        last: datetime.date | None = getattr(person, "last_touch", None)
        not_met = last is None or last < since
        nodes[person.pk] = MapPerson(person, last, not_met, changes.get(person.pk, []))
    roots = []
    for node in nodes.values():
        manager = nodes.get(node.person.reports_to_id or 0)
        # A cycle (A reports to B reports to A) would hide both; such a pair shows at the top.
        if manager is not None and not _reports_to(manager, node.person.pk, nodes):
            manager.reports.append(node)
        else:
            roots.append(node)
    return roots


def _reports_to(node: MapPerson, pk: int, nodes: dict[int, MapPerson]) -> bool:
    """Whether `node` reports, directly or not, to the person `pk`."""
    seen = set()
    while node.person.reports_to_id and node.person.pk not in seen:
        seen.add(node.person.pk)
        if node.person.reports_to_id == pk:
            return True
        manager = nodes.get(node.person.reports_to_id)
        if manager is None:
            return False
        node = manager
    return False
