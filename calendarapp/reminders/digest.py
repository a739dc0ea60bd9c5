"""What an account owner should know this week, read from the one occurrence stream.

The daily email and the "This week" page show the same `Digest`:

- act now: items whose act-by day (the start minus the lead time) falls in the
  next 7 days, such as "Acme's budget closes 30 Sep: get into next year's budget
  by 1 Aug", a renewal's pre-shopping window or its notice deadline;
- open now: a pre-shopping window or a budget lead-in whose act-by day has
  passed but which is still open, so it does not vanish the day after its act-by,
  and a strategy season for all the weeks it is open, with its open question;
- strategy seasons starting in the next 14 days;
- customer events in the next 14 days;
- busy seasons starting in the next 14 days (hold back campaigns);
- new conflicts (blockers and warnings) on the owner's plans since the last reminder;
- customers whose touch is due or overdue, with the next good day and why.

New conflicts are told from old by a fingerprint per finding: when a reminder
is sent, each plan's fingerprints are stored for that day, and a later day
compares against the latest snapshot before it. So the page shows the same
conflicts as that morning's email, however often it is opened.

Each item has a stable `key` (the occurrence's id, or the plan and the finding's
fingerprint); a user marks an item done, or snoozes it for a week, and the page
and the email leave it out (`DigestItemState`, written by `digest_item_mark`).
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse

from calendarapp.kinds import ALL_KINDS, STRATEGY_SEASON, TOUCH_DUE
from calendarapp.lib.cadence import TouchStatus
from calendarapp.lib.urls import absolute_url, site_url
from calendarapp.models import (
    DigestItemState,
    DigestItemStatus,
    Plan,
    PlanFindingSnapshot,
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
from calendarapp.occurrences.value import Occurrence
from calendarapp.planning.check import Finding, check_plans
from customers.models import Contract, Customer
from traditions.models import TraditionKind

logger = logging.getLogger(__name__)

ACT_WINDOW = datetime.timedelta(days=7)
SNOOZE = datetime.timedelta(days=7)
SOON = datetime.timedelta(days=14)
# Lead times longer than this are not reminded of; a year covers every real one.
LOOK_AHEAD = datetime.timedelta(days=366)
CONFLICTS = frozenset({Severity.BLOCKER, Severity.WARNING})
# A region's tradition may concern many of an owner's customers; name a few.
NAMES_SHOWN = 3


@dataclass(frozen=True)
class Item:
    """One line of the digest: a sentence, the day it is about, where to look, and its key."""

    day: datetime.date
    text: str
    url: str
    severity: str = ""
    key: str = ""
    # For a hidden item: "done", or "snoozed until 8 Dec".
    state: str = ""


@dataclass
class Digest:
    """One owner's reminder for one day."""

    owner_id: int
    today: datetime.date
    act_now: list[Item] = field(default_factory=list)
    open_now: list[Item] = field(default_factory=list)
    events: list[Item] = field(default_factory=list)
    seasons: list[Item] = field(default_factory=list)
    # Strategy seasons open or starting soon: the time for open questions.
    strategies: list[Item] = field(default_factory=list)
    conflicts: list[Item] = field(default_factory=list)
    touches: list[Item] = field(default_factory=list)
    # Decision steps on bad days, and customers where we may be just a data point.
    decisions: list[Item] = field(default_factory=list)
    # Items the owner marked done or snoozed: left out of the sections and the email.
    hidden: list[Item] = field(default_factory=list)
    # Each checked plan's current conflict fingerprints, stored when the reminder is sent.
    fingerprints: dict[int, list[str]] = field(default_factory=dict)
    # Each plan's latest snapshot day before today: older snapshots are no longer needed.
    baseline_days: dict[int, datetime.date] = field(default_factory=dict)

    @property
    def item_count(self) -> int:
        return sum(len(items) for items in self.lists)

    @property
    def lists(self) -> tuple[list[Item], ...]:
        """Every section's items, hidden ones aside."""
        return (
            self.act_now,
            self.open_now,
            self.conflicts,
            self.touches,
            self.decisions,
            self.events,
            self.seasons,
            self.strategies,
        )

    @property
    def sections(self) -> list[tuple[str, str, list[Item]]]:
        """(heading, explanation, items) of the non-empty sections, in reading order."""
        sections = [
            ("Act now", "Deadlines to act on in the next 7 days.", self.act_now),
            (
                "Open now",
                "Still open: pre-shopping windows and budget lead-ins past their act-by day,"
                " and strategy seasons.",
                self.open_now,
            ),
            ("New conflicts on your plans", "Since your last reminder.", self.conflicts),
            ("Get in touch", "Customers whose touch is due or overdue.", self.touches),
            (
                "How they decide",
                "Decision steps on a bad day, and customers where we may be just a data point.",
                self.decisions,
            ),
            ("Customer events", "Your customers' own events in the next 14 days.", self.events),
            ("Busy seasons starting", "Hold back campaigns to these customers.", self.seasons),
            (
                "Strategy seasons starting",
                "Shaping next year's strategy: ask open questions."
                f" “{strategy_season.OPEN_QUESTION}”",
                self.strategies,
            ),
        ]
        return [section for section in sections if section[2]]


def short_day(day: datetime.date, today: datetime.date) -> str:
    """Write a day as people do in a note: "1 Aug", with the year only when it is not this year."""
    return f"{day.day} {day:%b}" if day.year == today.year else f"{day.day} {day:%b %Y}"


def build_digest(owner, today: datetime.date) -> Digest:
    """Collect everything the owner should know today about their customers and plans."""
    digest = Digest(owner_id=owner.pk, today=today)
    customers = Customer.objects.filter(owner=owner, active=True)
    # Every kind named: the next touches are made only when asked for.
    calendar = calendar_between(
        today, today + LOOK_AHEAD, customers=customers, kinds=ALL_KINDS, include_plans=False
    )
    concerned: dict[str, tuple[Occurrence, list[CustomerRef]]] = {}
    for customer in calendar.customers:
        for occurrence in calendar.for_customer(customer):
            concerned.setdefault(occurrence.id, (occurrence, []))[1].append(customer)
    contract_names = _contract_names(
        occurrence.source_id
        for occurrence, _ in concerned.values()
        if occurrence.source == contracts.NAME
    )
    for occurrence, refs in concerned.values():
        _classify(digest, occurrence, refs, contract_names)
    _add_new_conflicts(digest, owner)
    _add_decisions(digest, customers, calendar)
    for items in (
        digest.act_now,
        digest.open_now,
        digest.events,
        digest.seasons,
        digest.strategies,
        digest.touches,
        digest.decisions,
    ):
        items.sort(key=lambda item: (item.day, item.text))
    # Blockers before warnings: the people not being there is the worse news.
    digest.conflicts.sort(key=lambda item: (SEVERITIES.index(item.severity), item.day, item.text))
    _hide_marked(digest, owner)
    return digest


def _add_decisions(digest: Digest, customers: QuerySet[Customer], calendar: Calendar) -> None:
    """Steps on a bad day (after a notice deadline, in a vacation) and high data-point risks."""
    names = {customer.id: customer.name for customer in calendar.customers}
    for customer_id, findings in step_findings(customers, digest.today, calendar).items():
        url = reverse("customer-detail", args=[customer_id]) + "#decision-title"
        for finding in findings:
            text = f"{names[customer_id]}: {finding.text}"
            key = f"step-finding-{finding.step_id}-{finding.day.isoformat()}"
            digest.decisions.append(Item(finding.day, text, url, key=key))
    for customer_id, risk in risks(customers, digest.today).items():
        if risk.high:
            url = reverse("customer-detail", args=[customer_id]) + "#risk-title"
            reasons = "; ".join(signal.text.rstrip(".") for signal in risk.signals)
            text = f"{names[customer_id]}: high risk we are just a data point ({reasons})"
            digest.decisions.append(Item(digest.today, text, url, key=f"risk-{customer_id}"))


def _hide_marked(digest: Digest, owner) -> None:
    """Move the items the owner marked done, or snoozed until after today, to `hidden`."""
    marks: dict[str, str] = {}
    for key, status, until in DigestItemState.objects.filter(user=owner).values_list(
        "item_key", "status", "snoozed_until"
    ):
        if status == DigestItemStatus.DONE:
            marks[key] = "done"
        elif until is not None and until > digest.today:
            marks[key] = f"snoozed until {short_day(until, digest.today)}"
    if not marks:
        return
    for items in digest.lists:
        digest.hidden.extend(
            replace(item, state=marks[item.key]) for item in items if item.key in marks
        )
        items[:] = [item for item in items if item.key not in marks]


def digest_item_mark(
    *, user, item_key: str, status: str | None, today: datetime.date
) -> DigestItemState | None:
    """Mark one item of the user's digest done, or snooze it for a week; None brings it back."""
    _validate_item_key(item_key)  # before any query: PostgreSQL refuses a NUL byte outright
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
                "snoozed_until": today + SNOOZE if status == DigestItemStatus.SNOOZED else None,
            },
        )
        return state


def _validate_item_key(item_key: str) -> None:
    """Keys are the digest's own ids: short, printable text (PostgreSQL refuses a NUL byte)."""
    limit = DigestItemState._meta.get_field("item_key").max_length or 0
    if len(item_key) > limit or any(character < " " for character in item_key):
        raise ValidationError({"item_key": "This names no item of the list."})


def _contract_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    return dict(Contract.objects.filter(pk__in=wanted).values_list("id", "name"))


def _classify(
    digest: Digest,
    occurrence: Occurrence,
    refs: list[CustomerRef],
    contract_names: dict[int, str],
) -> None:
    today = digest.today
    names = _names(refs)
    url = _url(occurrence, refs)
    key = occurrence.id
    starts_soon = today <= occurrence.start < today + SOON
    if occurrence.kind == TOUCH_DUE:
        if occurrence.phase in (TouchStatus.DUE, TouchStatus.OVERDUE):
            reason = occurrence.title.removeprefix(touches.TITLE_PREFIX)
            when = short_day(occurrence.start, today)
            text = f"{names}: get in touch {when} ({reason})"
            digest.touches.append(Item(occurrence.start, text, url, key=key))
    elif occurrence.kind == TraditionKind.CUSTOMER_EVENT and starts_soon:
        when = _span(occurrence.start, occurrence.end, today)
        text = f"{names}: {occurrence.title}, {when}"
        digest.events.append(Item(occurrence.start, text, url, key=key))
    elif occurrence.kind == STRATEGY_SEASON and occurrence.start <= today:
        # Open all season, like a pre-shopping window; the key stays, so done hides the season.
        text = (
            f"{names}: shaping next year's strategy until {short_day(occurrence.end, today)}:"
            f" ask what they want to change, “{strategy_season.OPEN_QUESTION}”"
            f" ({_days_left(occurrence.end, today)})"
        )
        digest.open_now.append(Item(occurrence.end, text, url, key=key))
    elif occurrence.kind == STRATEGY_SEASON and starts_soon:
        start, end = short_day(occurrence.start, today), short_day(occurrence.end, today)
        text = (
            f"{names}: shaping next year's strategy {start} to {end}: ask what they want to change"
        )
        digest.strategies.append(Item(occurrence.start, text, url, key=key))
    elif occurrence.kind == TraditionKind.BUSY_SEASON and starts_soon:
        text = (
            f"{names}: {occurrence.title} starts {short_day(occurrence.start, today)}, "
            f"until {short_day(occurrence.end, today)}: hold back campaigns"
        )
        digest.seasons.append(Item(occurrence.start, text, url, key=key))
    elif occurrence.lead_time_days and today <= occurrence.act_by < today + ACT_WINDOW:
        text = _act_now_text(occurrence, names, contract_names, today)
        digest.act_now.append(Item(occurrence.act_by, text, url, key=key))
    elif (closes := _open_until(occurrence)) and occurrence.act_by < today <= closes:
        text = _open_now_text(occurrence, names, contract_names, today, closes)
        digest.open_now.append(Item(closes, text, url, key=key))


def _open_until(occurrence: Occurrence) -> datetime.date | None:
    """The last day a pre-shopping window or a budget lead-in is open; None for anything else.

    A budget's lead-in runs from its act-by day to the close; a pre-shopping window to the day
    before the notice deadline (the occurrence's end).
    """
    if occurrence.source == budget.NAME:
        return occurrence.start
    if occurrence.source == contracts.NAME and occurrence.phase == ContractPhase.PRE_SHOPPING:
        return occurrence.end
    return None


def _open_now_text(
    occurrence: Occurrence,
    names: str,
    contract_names: dict[int, str],
    today: datetime.date,
    closes: datetime.date,
) -> str:
    days_left = _days_left(closes, today)
    if occurrence.source == budget.NAME:
        return (
            f"{possessive(names)} budget closes {short_day(closes, today)}: "
            f"get into next year's budget now ({days_left})"
        )
    contract = contract_names.get(occurrence.source_id or 0, occurrence.title)
    opens = (
        "is open" if occurrence.start <= today else f"opens {short_day(occurrence.start, today)}"
    )
    return (
        f"{possessive(names)} pre-shopping for {contract} {opens} until "
        f"{short_day(closes, today)}: make your offer ({days_left})"
    )


def _days_left(closes: datetime.date, today: datetime.date) -> str:
    left = (closes - today).days + 1
    return f"{left} day{'s' if left != 1 else ''} left"


def _act_now_text(
    occurrence: Occurrence, names: str, contract_names: dict[int, str], today: datetime.date
) -> str:
    start = short_day(occurrence.start, today)
    act_by = short_day(occurrence.act_by, today)
    if occurrence.source == budget.NAME:
        return f"{possessive(names)} budget closes {start}: get into next year's budget by {act_by}"
    if occurrence.source == contracts.NAME:
        contract = contract_names.get(occurrence.source_id or 0, occurrence.title)
        if occurrence.phase == ContractPhase.PRE_SHOPPING:
            return (
                f"{possessive(names)} pre-shopping for {contract} opens {start}: "
                f"have your offer ready by {act_by}"
            )
        if occurrence.phase == ContractPhase.DECISION:
            return (
                f"{possessive(names)} notice deadline for {contract} is {start}: "
                f"agree the renewal by {act_by}"
            )
    when = _span(occurrence.start, occurrence.end, today)
    return f"{names}: {occurrence.title}, {when}: act by {act_by}"


def possessive(name: str) -> str:
    """Acme's, but Acme Logistics'."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _span(start: datetime.date, end: datetime.date, today: datetime.date) -> str:
    if start == end:
        return short_day(start, today)
    return f"{short_day(start, today)} – {short_day(end, today)}"


def _names(refs: list[CustomerRef]) -> str:
    names = sorted(ref.name for ref in refs)
    if len(names) > NAMES_SHOWN:
        return f"{', '.join(names[:NAMES_SHOWN])} and {len(names) - NAMES_SHOWN} more"
    if len(names) > 1:
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return names[0]


def _url(occurrence: Occurrence, refs: list[CustomerRef]) -> str:
    if len(refs) == 1 or not occurrence.country:
        return reverse("customer-detail", args=[refs[0].id])
    return reverse("country-detail", args=[occurrence.country])


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
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _add_new_conflicts(digest: Digest, owner) -> None:
    plans = list(
        Plan.objects.filter(owner=owner, end__gte=digest.today)
        .exclude(status=PlanStatus.CANCELLED)
        .prefetch_related("customers", "interests", "offers")
    )
    if not plans:
        return
    results = check_plans(plans)
    baselines = _baselines(plans, digest.today)
    for plan in plans:
        findings = [f for f in results[plan.pk].findings if f.severity in CONFLICTS]
        current = {fingerprint(finding): finding for finding in findings}
        digest.fingerprints[plan.pk] = sorted(current)
        seen_day, seen = baselines.get(plan.pk, (None, set()))
        if seen_day is not None:
            digest.baseline_days[plan.pk] = seen_day
        for key, finding in current.items():
            if key not in seen:
                text = f"{plan.title}: {finding.message}"
                url = plan.get_absolute_url()
                item = Item(
                    finding.start, text, url, str(finding.severity), f"plan-{plan.pk}-{key}"
                )
                digest.conflicts.append(item)


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
        "page_url": absolute_url(reverse("this-week")),
    }
    count = digest.item_count
    subject = f"This week: {count} reminder{'s' if count != 1 else ''} for your customers"
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
