"""Today: what an account owner should do now, in the order to do it, from the one stream.

The Today page, the morning email and `GET /api/today` show the same `Digest`, one
list ranked in five groups (`Item.rank`), each item with its reason in words, its
deadline (`day`), the customer and one action:

1. due today or overdue: touches (overdue first, longest overdue first), follow-ups
   and ask-again dates, decision steps (and steps on a bad day, to move now), act-by
   days (budget lead-ins, notice deadlines, pre-shopping openings) that are today or
   passed and still open;
2. the owner's meetings and visits today and tomorrow, one per customer they name;
3. high-risk customers ("are we just a data point?"), with the signals;
4. this week's deadlines (act-by days in the next 7 days) by date, customer events
   and busy seasons starting within 14 days, and strategy seasons open now, closest
   end first;
5. the owner's plans of the next 90 days with blockers or warnings, one item per plan.

A plan's item is keyed by the plan and a fingerprint of its current conflicts, so
a new conflict brings back an item marked done. Each plan's findings are also
fingerprinted when a reminder is sent (`PlanFindingSnapshot`); an item is new
when it entered the list after the last reminder sent (a plan: a conflict the
owner was not yet told of).

Every other key is the occurrence's id (or the step, or the customer's risk); a user
marks an item done, or snoozes it, and the page and the email leave it out
(`DigestItemState`, written by `digest_item_mark`).
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from calendarapp.kinds import (
    ALL_KINDS,
    STRATEGY_SEASON,
    TODAY_GROUPS,
    TODAY_KINDS,
    TOUCH_DUE,
    ItemKind,
)
from calendarapp.lib.cadence import TouchStatus
from calendarapp.lib.dates import short_day
from calendarapp.lib.names import name_key
from calendarapp.lib.urls import absolute_url, path_for_ids, site_url
from calendarapp.models import (
    BookedMeeting,
    CalendarConnection,
    ConnectionStatus,
    DigestItemState,
    DigestItemStatus,
    Plan,
    PlanFindingSnapshot,
    PlanKind,
    PlanStatus,
    ReminderPreference,
    SentReminder,
)
from calendarapp.occurrences.conflicts import SEVERITIES, Severity
from calendarapp.occurrences.customers import CustomerRef
from calendarapp.occurrences.decision_checks import risks, step_findings
from calendarapp.occurrences.sources import budget, contracts, strategy_season, touches
from calendarapp.occurrences.sources.contracts import ContractPhase
from calendarapp.occurrences.stream import Calendar, calendar_between
from calendarapp.occurrences.suggestions import Suggestion, attendee_suggestions
from calendarapp.occurrences.value import Occurrence
from calendarapp.occurrences.wording import lead_time_hint
from calendarapp.planning.check import CheckResult, Finding, check_plans, plans_scope
from customers.models import Contract, Customer, DecisionStep, Touchpoint, TouchSource
from traditions.models import TraditionKind

logger = logging.getLogger(__name__)

DAY = datetime.timedelta(days=1)
ACT_WINDOW = datetime.timedelta(days=7)
SNOOZE = datetime.timedelta(days=7)
SOON = datetime.timedelta(days=14)
# Plans further out than this wait: their conflicts are not for today.
PLAN_HORIZON = datetime.timedelta(days=90)
# Lead times longer than this are not reminded of; a year covers every real one.
LOOK_AHEAD = datetime.timedelta(days=366)
CONFLICTS = frozenset({Severity.BLOCKER, Severity.WARNING})
IN_PERSON_PLANS = frozenset({PlanKind.MEETING, PlanKind.VISIT})
# A region's tradition may concern many of an owner's customers; name a few.
NAMES_SHOWN = 3
# A plan's item names its largest causes; the rest are counted.
CAUSES_SHOWN = 2


# Within "due now": touches (overdue ones by how long, before), follow-ups, steps, act-by days.
DUE_ORDER = {
    ItemKind.CALENDAR_ERROR: 0,
    ItemKind.TOUCH_DUE: 1,
    ItemKind.FOLLOW_UP: 2,
    ItemKind.DECISION_STEP: 3,
    ItemKind.ACT_BY: 4,
    # Asked while the meeting is fresh: with the touches due, by day (the meeting's is past).
    ItemKind.WHAT_CHANGED: 1,
}
# A meeting logged from a calendar asks "what has changed?" this long after it.
WHAT_CHANGED_DAYS = datetime.timedelta(days=14)


@dataclass(frozen=True)
class Item:
    """One line of the list: what, why, by when, about whom, where to act, and its key."""

    day: datetime.date
    text: str
    url: str
    key: str
    kind: ItemKind
    rank: int
    reason: str = ""
    customer: int | None = None
    plan: int | None = None
    # Where the one action leads (the touch form, the brief, the plan); `url` when empty.
    action_url: str = ""
    # The day the item joined the list; None when unknown (never marked new).
    since: datetime.date | None = None
    # Sorts within the rank before the day (`DUE_ORDER`; minus the days an overdue touch is late).
    order: int = 0
    new: bool = False
    # For a hidden item: "done", or "snoozed until 8 Dec".
    state: str = ""
    # An attendee suggestion's address and name: the page adds the person in one click.
    email: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        # The table of kinds decides the group: an item ranked elsewhere is a programming error.
        if self.rank != TODAY_KINDS[self.kind].group:
            raise ValueError(f"{self.kind} items are in group {TODAY_KINDS[self.kind].group}")

    @property
    def action(self) -> str:
        return TODAY_KINDS[self.kind].action

    @property
    def action_href(self) -> str:
        return self.action_url or self.url

    @property
    def group_label(self) -> str:
        return TODAY_GROUPS[self.rank]


@dataclass
class Digest:
    """One owner's list for one day."""

    owner_id: int
    today: datetime.date
    items: list[Item] = field(default_factory=list)
    # Items the owner marked done or snoozed: left out of the list and the email.
    hidden: list[Item] = field(default_factory=list)
    # Each checked plan's current conflict fingerprints, stored when the reminder is sent.
    fingerprints: dict[int, list[str]] = field(default_factory=dict)
    # Each plan's latest snapshot day before today: older snapshots are no longer needed.
    baseline_days: dict[int, datetime.date] = field(default_factory=dict)

    @property
    def item_count(self) -> int:
        return len(self.items)

    def of_kind(self, *kinds: str) -> list[Item]:
        return [item for item in self.items if item.kind in kinds]


class _Links:
    """The pages the items link to, each reversed once per build: a list has hundreds of
    items about a few dozen customers, and reversing is most of an item's cost."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, object], str] = {}
        self._by_id = {
            name: path_for_ids(name) for name in ("customer-detail", "touchpoint-create")
        }

    def __call__(self, name: str, arg: object) -> str:
        if name in self._by_id:
            return self._by_id[name](cast(int, arg))
        key = (name, arg)
        if key not in self._found:
            self._found[key] = reverse(name, args=[arg])
        return self._found[key]


def build_digest(owner: Any, today: datetime.date) -> Digest:
    """Collect what the owner should do today about their customers and plans, ranked."""
    return build_digests([owner], today)[owner.pk]


def build_digests(owners: Iterable[Any], today: datetime.date) -> dict[int, Digest]:
    """Every owner's list from one calendar of all their customers and one check of all plans.

    The morning fan-out and the bench ask for many owners at once: the stream and the
    conflict check cost the same for one owner as for all, so they are paid once.
    """
    digests = {owner.pk: Digest(owner_id=owner.pk, today=today) for owner in owners}
    customers = Customer.objects.filter(owner__in=list(digests), active=True)
    plans = _plans(digests, today)
    start, end, reached = today, today + LOOK_AHEAD, customers
    if plans:
        # The plan check reads the same calendar: widened to its days and the plans' audience.
        first, last, audience = plans_scope(plans)
        start, end, reached = min(start, first), max(end, last), customers | audience
    # Every kind named: the next touches are made only when asked for.
    calendar = calendar_between(
        start, end, customers=reached, kinds=ALL_KINDS, include_plans=bool(plans)
    )
    for owner_id, item in _calendar_items(calendar, customers, frozenset(digests), today):
        digests[owner_id].items.append(item)
    owner_of = {c.id: c.owner_id for c in calendar.customers if c.owner_id in digests}
    names = {customer.id: customer.name for customer in calendar.customers}
    for item in _risks(customers, names, today, _Links()):
        if item.customer in owner_of:
            digests[owner_of[item.customer]].items.append(item)
    _add_plans(digests, today, plans, calendar)
    owned = {customer: owner for customer, owner in owner_of.items() if owner is not None}
    _add_calendars(digests, today, customers, owned)
    _mark_new(digests, today)
    for one in digests.values():
        # Items of a day by their text, which begins with the customer's name: in Danish order.
        one.items.sort(key=lambda item: (item.rank, item.order, item.day, name_key(item.text)))
    _hide_marked(digests, today)
    return digests


def _calendar_items(
    calendar: Calendar, customers: QuerySet[Customer], owners: frozenset[int], today: datetime.date
) -> list[tuple[int, Item]]:
    """The items the calendar's occurrences and the decision steps make on the owners' lists,
    with each item's owner.

    Remembered on the calendar for the owners and the day: the contract names, last touches
    and steps they also read are rows the change log watches, so an edit renews them with it.
    """
    memo_key = ("today items", owners, today)
    remembered = calendar.derived.get(memo_key)
    if remembered is not None:
        return cast(list[tuple[int, Item]], remembered)
    concerned: dict[tuple[int, str], tuple[Occurrence, list[CustomerRef]]] = {}
    for customer in calendar.customers:
        if customer.owner_id not in owners:
            continue  # a customer only the plans reach
        for occurrence in calendar.for_customer(customer):
            if not _may_list(occurrence, today):
                continue
            key = (customer.owner_id or 0, occurrence.id)
            concerned.setdefault(key, (occurrence, []))[1].append(customer)
    contract_names = _contract_names(
        occurrence.source_id
        for occurrence, _ in concerned.values()
        if occurrence.source == contracts.NAME
    )
    overdue_since = _touch_due_days(customers)
    links = _Links()
    found = []
    for (owner_id, _), (occurrence, refs) in concerned.items():
        item = _classify(occurrence, refs, contract_names, today, overdue_since, links)
        if item is not None:
            found.append((owner_id, item))
    owner_of = {c.id: c.owner_id for c in calendar.customers if c.owner_id in owners}
    names = {customer.id: customer.name for customer in calendar.customers}
    for item in _steps(customers, calendar, names, today, links):
        if item.customer in owner_of:
            found.append((owner_of[item.customer], item))
    calendar.remember(memo_key, found, carried=False)
    return found


def _touch_due_days(customers: QuerySet[Customer]) -> dict[int, datetime.date]:
    """The day each touched customer's touch fell due: its last touch plus its interval."""
    rows = (
        customers.order_by()
        .annotate(last=Max("touchpoints__date"))
        .filter(last__isnull=False)
        .values_list("id", "last", "contact_every_days")
    )
    return {pk: last + datetime.timedelta(days=every) for pk, last, every in rows}


def _steps(
    customers: QuerySet[Customer],
    calendar: Calendar,
    names: dict[int, str],
    today: datetime.date,
    links: _Links,
) -> Iterable[Item]:
    """Steps due or passed and not done, and steps on a bad day."""
    # One-off steps only: a repeating step's date is its first meeting, not a due day.
    due_steps = DecisionStep.objects.filter(
        customer__in=customers, done=False, date__lte=today, recurrence__isnull=True
    ).values_list("id", "customer_id", "title", "date")
    for pk, customer_id, title, day in cast(
        Iterable[tuple[int, int, str, datetime.date]], due_steps
    ):
        url = links("customer-detail", customer_id) + "#decision-title"
        reason = "today" if day == today else f"was due {short_day(day, today)}, not marked done"
        yield Item(
            day,
            f"{names[customer_id]}: {title}",
            url,
            f"step-{pk}",
            ItemKind.DECISION_STEP,
            1,
            reason,
            customer_id,
            since=day,
            order=DUE_ORDER[ItemKind.DECISION_STEP],
        )
    for customer_id, findings in step_findings(customers, today, calendar).items():
        url = links("customer-detail", customer_id) + "#decision-title"
        for finding in findings:
            yield Item(
                finding.day,
                f"{names[customer_id]}: {finding.text}",
                url,
                f"step-finding-{finding.step_id}-{finding.day.isoformat()}",
                ItemKind.DECISION_STEP,
                1,  # worth acting on now, however far ahead the step is: move it
                "a decision step on a bad day",
                customer_id,
                order=DUE_ORDER[ItemKind.DECISION_STEP],
            )


def _risks(
    customers: QuerySet[Customer], names: dict[int, str], today: datetime.date, links: _Links
) -> Iterable[Item]:
    """High "are we just a data point?" risks, by the check the process remembers itself."""
    for customer_id, risk in risks(customers, today).items():
        if risk.high:
            yield Item(
                today,
                f"{names[customer_id]}: high risk we are just a data point",
                links("customer-detail", customer_id) + "#risk-title",
                f"risk-{customer_id}",
                ItemKind.RISK_HIGH,
                3,
                "; ".join(signal.text.rstrip(".") for signal in risk.signals),
                customer_id,
                action_url=links("touchpoint-create", customer_id),
            )


def _add_calendars(
    digests: dict[int, Digest],
    today: datetime.date,
    customers: QuerySet[Customer],
    owner_of: dict[int, int],
) -> None:
    """What the users' own calendars bring: meetings logged with nothing noted yet, calendars
    that could not be read, meetings booked today and tomorrow, and people met at a customer's
    domain who are no person yet. A fixed number of queries for any number of owners."""
    for item in _what_changed(customers, today):
        digests[owner_of[item.customer or 0]].items.append(item)
    errors = CalendarConnection.objects.filter(
        owner__in=list(digests), status=ConnectionStatus.ERROR
    )
    for connection in errors.only("id", "owner_id", "name", "last_error"):
        digests[connection.owner_id].items.append(
            Item(
                today,
                f"Your calendar “{connection.name}” could not be read",
                connection.get_absolute_url(),
                f"calendar-error-{connection.pk}",
                ItemKind.CALENDAR_ERROR,
                TODAY_KINDS[ItemKind.CALENDAR_ERROR].group,
                # Stored masked: the address shows as its scheme, host and last 4 characters.
                (connection.last_error or "no reason given")
                + ": no meetings are logged from it until it is fixed",
                since=today,
                order=DUE_ORDER[ItemKind.CALENDAR_ERROR],
            )
        )
    for item in _booked(customers, today):
        digest = digests[owner_of[item.customer or 0]]
        planned = {(i.customer, i.day) for i in digest.of_kind(ItemKind.MEETING)}
        if (item.customer, item.day) not in planned:  # planned here and booked there: once
            digest.items.append(item)
    for suggestion in attendee_suggestions(customers):
        digests[owner_of[suggestion.customer]].items.append(_suggestion(suggestion, today))


def _what_changed(customers: QuerySet[Customer], today: datetime.date) -> Iterable[Item]:
    """Recent touches logged from a calendar with no change noted on them yet."""
    touches = (
        Touchpoint.objects.filter(
            customer__in=customers,
            source=TouchSource.CALENDAR,
            date__gte=today - WHAT_CHANGED_DAYS,
            date__lte=today,
            changes=[],
        )
        .exclude(customer_changes__isnull=False)
        .values_list("id", "date", "customer_id", "customer__name")
    )
    for pk, day, customer_id, name in touches:
        yield Item(
            day,
            f"Meeting with {name} on {short_day(day, today)}: what has changed?",
            reverse("customer-detail", args=[customer_id]),
            f"what-changed-{pk}",
            ItemKind.WHAT_CHANGED,
            TODAY_KINDS[ItemKind.WHAT_CHANGED].group,
            "logged from your calendar: note what you learned while it is fresh",
            customer_id,
            action_url=reverse("touchpoint-edit", args=[pk]) + "#ask-title",
            since=day,
            order=DUE_ORDER[ItemKind.WHAT_CHANGED],
        )


def _booked(customers: QuerySet[Customer], today: datetime.date) -> Iterable[Item]:
    """Meetings with the customers booked in a calendar for today and tomorrow."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(today, datetime.time(), zone)
    meetings = BookedMeeting.objects.filter(
        customer__in=customers, start__gte=first, start__lt=first + 2 * DAY
    ).values_list("id", "customer_id", "customer__name", "start", "summary")
    for pk, customer_id, name, start, summary in meetings:
        local = timezone.localtime(start)
        day = local.date()
        when = "today" if day == today else "tomorrow"
        title = f": {summary}" if summary else ""
        yield Item(
            day,
            f"Meeting with {name} at {local:%H:%M}{title}",
            reverse("customer-detail", args=[customer_id]),
            f"booked-{pk}",
            ItemKind.MEETING,
            TODAY_KINDS[ItemKind.MEETING].group,
            f"{when}, booked in a calendar: read the brief before you go",
            customer_id,
            since=day - DAY,
        )


def _suggestion(suggestion: Suggestion, today: datetime.date) -> Item:
    meetings = suggestion.meetings
    return Item(
        suggestion.last_seen,
        f"{suggestion.customer_name}: add {suggestion.name} ({suggestion.email}) to their people?",
        reverse("customer-detail", args=[suggestion.customer]) + "#people-title",
        f"attendee-{suggestion.customer}-{_hash(suggestion.email)}",
        ItemKind.ATTENDEE_SUGGESTION,
        TODAY_KINDS[ItemKind.ATTENDEE_SUGGESTION].group,
        f"met in {meetings} meeting{'s' if meetings != 1 else ''} with them, last"
        f" {short_day(suggestion.last_seen, today)}; not one of their people yet",
        suggestion.customer,
        # The email's button opens Today, where adding or dismissing is one click.
        action_url=reverse("today"),
        since=suggestion.last_seen,
        email=suggestion.email,
        name=suggestion.name,
    )


def _mark_new(digests: dict[int, Digest], today: datetime.date) -> None:
    """Mark the items that joined the list after the owner's last reminder (none before one)."""
    last_sent = dict(
        SentReminder.objects.filter(owner__in=list(digests), day__lt=today)
        .values("owner")
        .annotate(last=Max("day"))
        .values_list("owner", "last")
    )
    for owner_id, one in digests.items():
        sent = last_sent.get(owner_id)
        if sent is not None:
            one.items[:] = [
                replace(item, new=True)
                if item.new or (item.since is not None and item.since > sent)
                else item
                for item in one.items
            ]


def _marks_of(users: Iterable[int], today: datetime.date) -> dict[tuple[int, str], str]:
    """Each user's marked items: "done", or "snoozed until 8 Dec" while the snooze lasts."""
    marks: dict[tuple[int, str], str] = {}
    for user_id, key, status, until in DigestItemState.objects.filter(
        user__in=list(users)
    ).values_list("user_id", "item_key", "status", "snoozed_until"):
        if status == DigestItemStatus.DONE:
            marks[user_id, key] = "done"
        elif until is not None and until > today:
            marks[user_id, key] = f"snoozed until {short_day(until, today)}"
    return marks


def _hide_marked(digests: dict[int, Digest], today: datetime.date) -> None:
    """Move the items each owner marked done, or snoozed until after today, to `hidden`."""
    marks = _marks_of(digests, today)
    if not marks:
        return
    for owner_id, one in digests.items():
        one.hidden = [
            replace(item, state=marks[owner_id, item.key])
            for item in one.items
            if (owner_id, item.key) in marks
        ]
        one.items[:] = [item for item in one.items if (owner_id, item.key) not in marks]


def digest_item_mark(
    *,
    user: Any,
    item_key: str,
    status: str | None,
    today: datetime.date,
    until: datetime.date | None = None,
) -> DigestItemState | None:
    """Mark one item of the user's list done, or snooze it (a week unless `until`); None undoes."""
    _validate_item_key(item_key)  # before any query: PostgreSQL refuses a NUL byte outright
    if status == DigestItemStatus.SNOOZED:
        until = until or today + SNOOZE
        if not today < until <= today + LOOK_AHEAD:
            raise ValidationError({"until": "Snooze until a day after today, within a year."})
    with transaction.atomic():
        # Snoozes that have run out mean nothing any more: drop them while here.
        DigestItemState.objects.filter(
            user=user, status=DigestItemStatus.SNOOZED, snoozed_until__lte=today
        ).exclude(item_key=item_key).delete()
        if status is None:
            DigestItemState.objects.filter(user=user, item_key=item_key).delete()
            return None
        # update_or_create: two clicks at once write one row, not an IntegrityError.
        state, _ = DigestItemState.objects.update_or_create(
            user=user,
            item_key=item_key,
            defaults={
                "status": status,
                "snoozed_until": until if status == DigestItemStatus.SNOOZED else None,
            },
        )
        return state


def _validate_item_key(item_key: str) -> None:
    """Keys are the list's own ids: short, printable text without spaces or slashes."""
    limit = DigestItemState._meta.get_field("item_key").max_length or 0
    if (
        not item_key
        or len(item_key) > limit
        or any(character <= " " or character in "/?#" for character in item_key)
    ):
        raise ValidationError({"item_key": "This names no item of the list."})


def _contract_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    return dict(Contract.objects.filter(pk__in=wanted).values_list("id", "name"))


def _may_list(occurrence: Occurrence, today: datetime.date) -> bool:
    """Whether `_classify` could list the occurrence: a cheap test that skips most of a year
    (and what the calendar holds only for the plan check: our plans, days before today)."""
    if occurrence.ours or occurrence.end < today:
        return False
    return (
        occurrence.kind == TOUCH_DUE
        or occurrence.start < today + SOON
        or bool(occurrence.lead_time_days and occurrence.act_by < today + ACT_WINDOW)
    )


def _classify(
    occurrence: Occurrence,
    refs: list[CustomerRef],
    contract_names: dict[int, str],
    today: datetime.date,
    due_days: dict[int, datetime.date],
    links: _Links,
) -> Item | None:
    """The item an occurrence makes on the list, if any."""
    names = _names(refs)
    url = _url(occurrence, refs, links)
    customer = refs[0].id if len(refs) == 1 else None
    key = occurrence.id
    starts_soon = today <= occurrence.start < today + SOON
    if occurrence.kind == TOUCH_DUE:
        return _touch(occurrence, names, url, refs[0].id, today, due_days, links)
    if occurrence.kind == TraditionKind.CUSTOMER_EVENT and starts_soon:
        when = _span(occurrence.start, occurrence.end, today)
        return Item(
            occurrence.start,
            f"{names}: {occurrence.title}, {when}",
            url,
            key,
            ItemKind.CUSTOMER_EVENT,
            4,
            f"their own event, in {_days(occurrence.start, today)}",
            customer,
            since=occurrence.start - SOON + DAY,
        )
    if occurrence.kind == STRATEGY_SEASON and occurrence.start <= today:
        return Item(
            occurrence.end,
            f"{names}: shaping next year's strategy until {short_day(occurrence.end, today)}",
            url,
            key,
            ItemKind.STRATEGY_SEASON_OPEN,
            4,
            f"ask what they want to change, “{strategy_season.OPEN_QUESTION}”"
            f" ({_days_left(occurrence.end, today)})",
            customer,
            since=occurrence.start,
        )
    if occurrence.kind == TraditionKind.BUSY_SEASON and starts_soon:
        return Item(
            occurrence.start,
            f"{names}: {occurrence.title} starts {short_day(occurrence.start, today)}, "
            f"until {short_day(occurrence.end, today)}",
            url,
            key,
            ItemKind.CUSTOMER_EVENT,
            4,
            "their busy season: hold back campaigns",
            customer,
            since=occurrence.start - SOON + DAY,
        )
    # Open to act on from the act-by day to the close (a budget, a window, a notice deadline).
    last = _open_until(occurrence) or occurrence.act_by
    if occurrence.lead_time_days and occurrence.act_by <= today <= last:
        return Item(
            last,
            _act_text(occurrence, names, contract_names, today),
            url,
            key,
            ItemKind.ACT_BY,
            1,
            f"{lead_time_hint(occurrence, today)} ({_days_left(last, today)})",
            customer,
            since=occurrence.act_by,
            order=DUE_ORDER[ItemKind.ACT_BY],
        )
    if occurrence.lead_time_days and today < occurrence.act_by < today + ACT_WINDOW:
        return Item(
            occurrence.act_by,
            _act_text(occurrence, names, contract_names, today),
            url,
            key,
            ItemKind.DEADLINE,
            4,
            lead_time_hint(occurrence, today),
            customer,
            since=occurrence.act_by - ACT_WINDOW + DAY,
        )
    return None


def _touch(
    occurrence: Occurrence,
    names: str,
    url: str,
    customer: int,
    today: datetime.date,
    due_days: dict[int, datetime.date],
    links: _Links,
) -> Item | None:
    """A touch due or overdue, or a follow-up (ask-again) day reached; None while not yet."""
    reason = occurrence.title.removeprefix(touches.TITLE_PREFIX)
    form = links("touchpoint-create", customer)
    follow_up = reason.startswith(touches.FOLLOW_UP_REASON)
    if follow_up and occurrence.start <= today:
        return Item(
            occurrence.start,
            f"Follow up with {names}",
            url,
            occurrence.id,
            ItemKind.FOLLOW_UP,
            1,
            reason,
            customer,
            action_url=form,
            since=occurrence.start,
            order=DUE_ORDER[ItemKind.FOLLOW_UP],
        )
    if occurrence.phase not in (TouchStatus.DUE, TouchStatus.OVERDUE):
        return None
    overdue = occurrence.phase == TouchStatus.OVERDUE
    due = due_days.get(customer, today)
    return Item(
        occurrence.start,
        f"Get in touch with {names}",
        url,
        occurrence.id,
        ItemKind.TOUCH_OVERDUE if overdue else ItemKind.TOUCH_DUE,
        1,
        reason,
        customer,
        action_url=form,
        since=due,
        # Overdue first, the longest overdue first.
        order=-(today - due).days if overdue else DUE_ORDER[ItemKind.TOUCH_DUE],
    )


def _open_until(occurrence: Occurrence) -> datetime.date | None:
    """The last day an act-by day stays open to act on; None for anything else.

    A budget's lead-in runs from its act-by day to the close; a pre-shopping window to the day
    before the notice deadline (the occurrence's end); a notice deadline to itself.
    """
    if occurrence.source == budget.NAME:
        return occurrence.start
    if occurrence.source == contracts.NAME and occurrence.phase == ContractPhase.PRE_SHOPPING:
        return occurrence.end
    if occurrence.source == contracts.NAME and occurrence.phase == ContractPhase.DECISION:
        return occurrence.start
    return None


def _days_left(closes: datetime.date, today: datetime.date) -> str:
    left = (closes - today).days + 1
    return f"{left} day{'s' if left != 1 else ''} left"


def _days(day: datetime.date, today: datetime.date) -> str:
    ahead = (day - today).days
    return "today" if ahead == 0 else f"{ahead} day{'s' if ahead != 1 else ''}"


def _act_text(
    occurrence: Occurrence, names: str, contract_names: dict[int, str], today: datetime.date
) -> str:
    """What the deadline is: "Acme's budget closes 30 Sep: get into next year's budget"."""
    start = short_day(occurrence.start, today)
    if occurrence.source == budget.NAME:
        return f"{possessive(names)} budget closes {start}: get into next year's budget"
    if occurrence.source == contracts.NAME:
        contract = contract_names.get(occurrence.source_id or 0, occurrence.title)
        if occurrence.phase == ContractPhase.PRE_SHOPPING:
            verb = "is open since" if occurrence.start <= today else "opens"
            return (
                f"{possessive(names)} pre-shopping for {contract} {verb} {start}: make your offer"
            )
        if occurrence.phase == ContractPhase.DECISION:
            return (
                f"{possessive(names)} notice deadline for {contract} is {start}: agree the renewal"
            )
    return f"{names}: {occurrence.title}, {_span(occurrence.start, occurrence.end, today)}"


def possessive(name: str) -> str:
    """Acme's, but Acme Logistics'."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _span(start: datetime.date, end: datetime.date, today: datetime.date) -> str:
    if start == end:
        return short_day(start, today)
    return f"{short_day(start, today)} – {short_day(end, today)}"


def _names(refs: list[CustomerRef]) -> str:
    names = sorted((ref.name for ref in refs), key=name_key)
    if len(names) > NAMES_SHOWN:
        return f"{', '.join(names[:NAMES_SHOWN])} and {len(names) - NAMES_SHOWN} more"
    if len(names) > 1:
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return names[0]


def _url(occurrence: Occurrence, refs: list[CustomerRef], links: _Links) -> str:
    if len(refs) == 1 or not occurrence.country:
        return links("customer-detail", refs[0].id)
    return links("country-detail", occurrence.country)


def fingerprint(finding: Finding) -> str:
    """Name a finding by what it is about, so the same conflict tomorrow has the same name."""
    text = "|".join(
        str(part)
        for part in (
            finding.customer_id,
            finding.rule,
            finding.kind,
            finding.title,
            finding.start,
            finding.end,
        )
    )
    return _hash(text)


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _plans(digests: dict[int, Digest], today: datetime.date) -> list[Plan]:
    """The owners' plans of the next 90 days, not cancelled, nearest first, audience loaded."""
    return list(
        Plan.objects.filter(
            owner__in=list(digests), end__gte=today, start__lte=today + PLAN_HORIZON
        )
        .exclude(status=PlanStatus.CANCELLED)
        .order_by("start", "pk")
        .prefetch_related("customers", "interests", "offers")
    )


def _add_plans(
    digests: dict[int, Digest], today: datetime.date, plans: list[Plan], calendar: Calendar
) -> None:
    """Each owner's meetings and visits today and tomorrow, and plans with conflicts, one item each.

    One conflict check serves every owner's plans, on the calendar of their lists.
    """
    if not plans:
        return
    results = check_plans(plans, calendar=calendar)
    baselines = _baselines(plans, today)
    tomorrow = today + DAY
    for plan in plans:
        digest = digests[plan.owner_id]
        if plan.kind in IN_PERSON_PLANS and plan.start <= tomorrow:
            digest.items.extend(_meetings(plan, today))
        findings = [f for f in results[plan.pk].findings if f.severity in CONFLICTS]
        current = sorted({fingerprint(finding) for finding in findings})
        digest.fingerprints[plan.pk] = current
        seen_day, seen = baselines.get(plan.pk, (None, set()))
        if seen_day is not None:
            digest.baseline_days[plan.pk] = seen_day
        if findings:
            digest.items.append(
                Item(
                    plan.start,
                    f"{plan.title}, {short_day(plan.start, today)}",
                    plan.get_absolute_url(),
                    f"plan-{plan.pk}-{_hash('|'.join(current))}",
                    ItemKind.PLAN_CONFLICTS,
                    5,
                    _conflict_summary(results[plan.pk], findings),
                    plan=plan.pk,
                    new=seen_day is not None and not set(current) <= seen,
                )
            )


def _meetings(plan: Plan, today: datetime.date) -> Iterable[Item]:
    """A meeting or visit today or tomorrow: one item per customer it names, to read up first."""
    day = max(plan.start, today)
    when = "today" if day == today else "tomorrow"
    for customer in plan.customers.all():
        yield Item(
            day,
            f"{plan.get_kind_display()} with {customer.name}: {plan.title}",
            reverse("customer-detail", args=[customer.pk]),
            f"meeting-{plan.pk}-{customer.pk}",
            ItemKind.MEETING,
            2,
            f"{when}: read the brief before you go",
            customer.pk,
            plan.pk,
            since=day - DAY,
        )


def _conflict_summary(result: CheckResult, findings: list[Finding]) -> str:
    """ "9 customers away, Christmas Eve (de facto)": the largest causes and how many they reach."""
    wanted = {id(finding) for finding in findings}
    groups = [
        group
        for group in result.groups
        if group.severity in CONFLICTS and any(id(f) in wanted for f in group.findings)
    ]
    groups.sort(key=lambda group: (-len(group.findings), SEVERITIES.index(group.severity)))
    parts = []
    for group in groups[:CAUSES_SHOWN]:
        count = len(set(group.customers))
        who = f"{count} customer{'s' if count != 1 else ''}"
        state = "away" if group.severity == Severity.BLOCKER else "busy"
        parts.append(f"{who} {state}, {group.title}")
    rest = len(groups) - CAUSES_SHOWN
    if rest > 0:
        parts.append(f"and {rest} more conflict{'s' if rest != 1 else ''}")
    return "; ".join(parts)


def _baselines(
    plans: list[Plan], today: datetime.date
) -> dict[int, tuple[datetime.date, set[str]]]:
    """Return each plan's latest snapshot before today: what its owner was last told."""
    found: dict[int, tuple[datetime.date, set[str]]] = {}
    snapshots = PlanFindingSnapshot.objects.filter(plan__in=plans, day__lt=today).order_by("day")
    for plan_id, day, fingerprints in snapshots.values_list("plan_id", "day", "fingerprints"):
        found[plan_id] = (day, set(fingerprints))
    return found


def record_snapshots(digest: Digest) -> None:
    """Store today's conflict fingerprints and drop the snapshots no day can still need."""
    if not digest.fingerprints:
        return
    PlanFindingSnapshot.objects.bulk_create(
        [
            PlanFindingSnapshot(plan_id=plan_id, day=digest.today, fingerprints=fingerprints)
            for plan_id, fingerprints in digest.fingerprints.items()
        ],
        update_conflicts=True,
        unique_fields=["plan", "day"],
        update_fields=["fingerprints"],
    )
    stale = Q()
    for plan_id, day in digest.baseline_days.items():
        stale |= Q(plan_id=plan_id, day__lt=day)
    if stale:
        PlanFindingSnapshot.objects.filter(stale).delete()


def email_address(user) -> str:
    """The address reminders go to, read through the user model's own email field."""
    return getattr(user, user.get_email_field_name(), "") or ""


def reminders_enabled(user) -> bool:
    """Tell whether the user gets the daily email; without a saved preference they do."""
    return not ReminderPreference.objects.filter(user=user, reminders_enabled=False).exists()


def set_reminders_enabled(user, enabled: bool) -> None:
    ReminderPreference.objects.update_or_create(user=user, defaults={"reminders_enabled": enabled})


def owners_to_remind(today: datetime.date) -> list[int]:
    """Ids of active users with an email address, reminders on, and customers or plans ahead."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    users = users.exclude(reminder_preference__reminders_enabled=False)
    users = users.filter(Q(customers__active=True) | Q(plans__end__gte=today))
    return list(users.order_by("id").values_list("id", flat=True).distinct())


class Outcome(enum.StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already sent"
    NOTHING_TO_SAY = "nothing to say"
    OPTED_OUT = "opted out"
    NO_RECIPIENT = "no recipient"


def reminder_message(owner, digest: Digest) -> EmailMultiAlternatives:
    """Render the digest as one email with a plain-text and an HTML part."""
    context = {
        "owner": owner,
        "digest": digest,
        "site_url": site_url(),
        "page_url": absolute_url(reverse("today")),
    }
    count = digest.item_count
    subject = f"Today: {count} thing{'s' if count != 1 else ''} to do for your customers"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/reminder.txt", context),
        to=[email_address(owner)],
    )
    message.attach_alternative(render_to_string("emails/reminder.html", context), "text/html")
    return message


def deliver_reminder(owner_id: int, day: datetime.date) -> Outcome:
    """Send an owner's reminder for a day, at most once however often it is called.

    The SentReminder row is inserted first, in the same transaction that sends
    the email: a second run hits the unique (owner, day) constraint and sends
    nothing, and a failed send rolls the row back so that a retry sends it.
    """
    owner = get_user_model().objects.filter(pk=owner_id, is_active=True).first()
    if owner is None or not email_address(owner):
        return Outcome.NO_RECIPIENT
    if not reminders_enabled(owner):
        return Outcome.OPTED_OUT
    digest = build_digest(owner, day)
    if not digest.item_count:
        return Outcome.NOTHING_TO_SAY
    try:
        with transaction.atomic():
            SentReminder.objects.create(owner=owner, day=day, item_count=digest.item_count)
            record_snapshots(digest)
            reminder_message(owner, digest).send()
    except IntegrityError:
        # Another run got here first: it holds the row and sends the email.
        return Outcome.ALREADY_SENT
    logger.info("Sent %s reminders to user %s for %s", digest.item_count, owner_id, day)
    return Outcome.SENT
