"""Writes of customer facts: people at the customer and touchpoints with them.

Pages, the API and the admin call these, so validation exists once. Each
validates everything (naming the field) before it writes, and writes in one
transaction, so a bad input saves nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from calendarapp.lib.writes import deleted, locked, retried_once, save_changes, stored_values
from customers.facts import FACT_FIELDS, customer_facts_save
from customers.interests import interests_note
from customers.models import (
    DECISION_FIELDS,
    Customer,
    DecisionRole,
    Influence,
    Person,
    PersonChange,
    Stance,
    Touchpoint,
    TouchSource,
    strangers_error,
)

PERSON_FIELDS = (
    "name",
    "job_title",
    "email",
    "phone",
    "country",
    "subdivision",
    "reports_to",
    "active",
    "started_on",
    "left_on",
    "notes",
    *DECISION_FIELDS,
)

# What `touchpoint_log` takes besides the touchpoint and its customer.
TOUCHPOINT_FIELDS = (
    "date",
    "channel",
    "people",
    "our_people",
    "summary",
    "changes",
    "outcome",
    "follow_up_on",
    "new_people",
    "people_updates",
    "interests",
    "customer_updates",
    "by",
)

# The decision fields' defaults: a new person's history starts with what someone chose.
_UNSET_DECISION = frozenset({DecisionRole.NONE, Stance.UNKNOWN, Influence.MEDIUM, ""})


@retried_once("person")
def person_save(*, person: Person | None = None, customer: Customer, **fields: Any) -> Person:
    """Create a person of `customer`, or change the fields given of `person` (the rest stays
    as stored, whoever changed it meanwhile).

    Raises ValidationError naming the field before anything is written, RecordGone if the
    person was deleted.
    """
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"person_save() got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        row = Person(customer=customer) if person is None else locked(person)
        if row.customer_id != customer.pk:
            raise ValidationError({"customer": "A person stays with their customer."})
        # As stored, not as on `person`: a model form has already set the new values on it.
        before = stored_values(row)
        for name, value in fields.items():
            setattr(row, name, value)
        row.full_clean()
        save_changes(row, before)
        PersonChange.objects.bulk_create(person_changes(row, before))
    return row


def person_changes(person: Person, before: Mapping[str, Any] | None) -> list[PersonChange]:
    """The dated history of a person's part, stance, influence and stake: what changed against
    `before` (as stored), or, for a new person (`before` None), what someone chose.

    The one rule of the history, for `person_save` and the spreadsheet import's bulk writes.
    """
    if before is None:  # a new person's defaults are no news
        changed = [n for n in DECISION_FIELDS if getattr(person, n) not in _UNSET_DECISION]
    else:
        changed = [n for n in DECISION_FIELDS if getattr(person, n) != before[n]]
    return [
        PersonChange(
            person=person,
            field=name,
            old_value="" if before is None else before[name],
            new_value=getattr(person, name),
        )
        for name in changed
    ]


@retried_once("person")
def person_delete(*, person: Person) -> None:
    """Remove a person; touchpoints keep their other people, reports lose their manager."""
    deleted(person)


# The touch's own columns; `touchpoint_log` changes those given, the rest stays as stored.
TOUCH_COLUMNS = ("date", "channel", "summary", "changes", "outcome", "follow_up_on")


@retried_once("touch")
def touchpoint_log(
    *,
    touchpoint: Touchpoint | None = None,
    customer: Customer,
    people: Iterable[Person] | None = None,
    our_people: Iterable[User] | None = None,
    new_people: Iterable[Mapping[str, Any]] = (),
    people_updates: Iterable[tuple[Person, Mapping[str, Any]]] = (),
    interests: Iterable[Mapping[str, Any]] = (),
    customer_updates: Mapping[str, Any] | None = None,
    by: User | None = None,
    **columns: Any,
) -> Touchpoint:
    """Log a touch with `customer` (or change `touchpoint`), adding `new_people`; all or nothing.

    `columns` are the touch's own (`TOUCH_COLUMNS`: date, channel, summary, changes, outcome,
    follow_up_on); on an edit only those given change, and `people`/`our_people` only if given.
    Each of `new_people` is met at this touch unless it says `"met": False` (only heard of):
    then it is recorded but not among the touch's people, so nobody counts as met who was not.

    `people_updates` pairs a person of the customer with the fields that changed (a new job
    title, left on, their part or stance), saved by `person_save` so the history records them.
    `interests` are noted or confirmed as heard on this touch (see `interests_note`).
    `customer_updates` are the customer's facts learned on it (a new budget-close month),
    saved by `customer_facts_save` with this touch and `by` in their history.

    The people met must be the customer's. Raises ValidationError naming the
    field (`new_people`, `people_updates` or `customer_updates`, with the person and their
    field) and writes nothing then; RecordGone if the touch was deleted.
    """
    if unknown := sorted(set(columns) - set(TOUCH_COLUMNS)):
        raise TypeError(f"touchpoint_log() got unknown fields: {unknown}")
    if "changes" in columns:
        columns["changes"] = list(columns["changes"] or [])
    people = None if people is None else list(people)
    people_updates = list(people_updates)
    customer_updates = dict(customer_updates or {})
    with transaction.atomic():
        row = Touchpoint(customer=customer) if touchpoint is None else locked(touchpoint)
        if row.customer_id != customer.pk:
            raise ValidationError({"customer": "A touchpoint stays with its customer."})
        before = stored_values(row)
        for name, value in columns.items():
            setattr(row, name, value)
        errors: dict[str, Any] = {}
        if strangers := strangers_error(customer, people or ()):
            errors["people"] = strangers
        if strangers := strangers_error(customer, [person for person, _ in people_updates]):
            errors["people_updates"] = strangers
        if unknown := sorted(set(customer_updates) - set(FACT_FIELDS)):
            errors["customer_updates"] = (
                f"A touch changes only {', '.join(FACT_FIELDS)}, not {', '.join(unknown)}."
            )
        try:
            row.full_clean(exclude=["people", "our_people"])
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        met = []
        try:
            for fields in new_people:
                fields = dict(fields)
                was_met = fields.pop("met", True)
                person = person_save(customer=customer, **fields)
                if was_met:
                    met.append(person)
        except ValidationError as error:
            named = [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms]
            raise ValidationError({"new_people": named}) from None
        for person, fields in people_updates:
            try:
                person_save(person=person, customer=customer, **fields)
            except ValidationError as error:
                named = [
                    f"{person.name}, {field}: {m}"
                    for field, ms in error.message_dict.items()
                    for m in ms
                ]
                raise ValidationError({"people_updates": named}) from None
        save_changes(row, before)
        if people is not None or met:
            row.people.set([*(row.people.all() if people is None else people), *met])
        if our_people is not None:
            row.our_people.set(list(our_people))
        on = row.date
        interests_note(customer=customer, notes=interests, on=on, touchpoint=row)
        if customer_updates:
            try:
                customer_facts_save(customer=customer, by=by, touchpoint=row, **customer_updates)
            except ValidationError as error:
                named = [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms]
                raise ValidationError({"customer_updates": named}) from None
    return row


@retried_once("touch")
def touchpoint_delete(*, touchpoint: Touchpoint) -> None:
    """Remove a touchpoint; the clock then runs from the touch before it."""
    deleted(touchpoint)


@dataclass(frozen=True, slots=True)
class CalendarTouch:
    """A touch as a calendar sync wants it: a new one whole, a change with None for "as stored".

    `people` are Person rows (the customer's, as `touchpoint_log` requires), `our_people` user ids.
    """

    customer: Customer
    date: datetime.date | None = None
    channel: str | None = None
    summary: str | None = None
    people: Collection[Person] | None = None
    our_people: Collection[int] | None = None


def touchpoints_log_from_calendar(
    *,
    new: Sequence[CalendarTouch],
    changed: Sequence[tuple[Touchpoint, CalendarTouch]] = (),
    removed: Collection[int] = (),
) -> list[Touchpoint]:
    """Log `new` touches from calendar meetings, change `changed` ones and delete the touches
    `removed` (ids), in bulk: a constant number of queries however many; all or nothing.

    The rules of `touchpoint_log`: each touch is validated whole (today or earlier, a known
    channel) and names only its customer's people, before anything is written; the source is
    `calendar`. A change writes only the columns and people given (None: as stored). Returns the
    new touches, in order, saved; each written touch's `updated_at` is as stored (the caller's
    mark of what it wrote: a later one is a person's edit). Raises ValidationError naming the
    field, and the touch's customer and day.
    """
    stamp = timezone.now()
    rows = []
    for touch in new:
        if touch.date is None or touch.channel is None:
            raise TypeError("A new touch from a calendar needs its date and channel.")
        rows.append(
            Touchpoint(
                customer=touch.customer,
                date=touch.date,
                channel=touch.channel,
                summary=touch.summary or "",
                source=TouchSource.CALENDAR,
            )
        )
    edits = []
    for row, touch in changed:
        for name in ("date", "channel", "summary"):
            if (value := getattr(touch, name)) is not None:
                setattr(row, name, value)
        row.updated_at = stamp  # bulk_update leaves auto_now alone
        edits.append(row)
    touches = [*new, *(touch for _, touch in changed)]
    for row, touch in zip([*rows, *edits], touches, strict=True):
        errors: dict[str, Any] = {}
        if touch.customer.pk != row.customer_id:
            errors["customer"] = "A touchpoint stays with its customer."
        if strangers := strangers_error(touch.customer, touch.people or ()):
            errors["people"] = strangers
        try:
            # The customer is given loaded and the check constraint is about outcomes a calendar
            # never sets: skipped, as both would cost a query per touch.
            row.full_clean(exclude=["customer", "people", "our_people"], validate_constraints=False)
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            where = f"{touch.customer.name} on {row.date}"
            raise ValidationError(
                {field: [f"{where}: {m}" for m in ms] for field, ms in _listed(errors).items()}
            )
    with transaction.atomic():
        if removed:
            Touchpoint.objects.filter(pk__in=removed).delete()
        Touchpoint.objects.bulk_create(rows)
        if edits:
            Touchpoint.objects.bulk_update(edits, ["date", "channel", "summary", "updated_at"])
        for field in ("people", "our_people"):
            written = [
                (row, [getattr(item, "pk", item) for item in linked])
                for row, touch in zip([*rows, *edits], touches, strict=True)
                if (linked := getattr(touch, field)) is not None
            ]
            _links_set(field, written, replace=[row.pk for row in edits])
    return rows


def _listed(errors: Mapping[str, Any]) -> dict[str, list[str]]:
    return {field: m if isinstance(m, list) else [m] for field, m in errors.items()}


def _links_set(field: str, written: list[tuple[Touchpoint, list[int]]], replace: list[int]) -> None:
    """Set the touches' people or our people to the ids given: two queries for all of them."""
    through: Any = getattr(Touchpoint, field).through
    target = "person_id" if field == "people" else "user_id"
    replaced = set(replace)
    ids = [row.pk for row, _ in written if row.pk in replaced]
    if ids:
        through.objects.filter(touchpoint_id__in=ids).delete()
    through.objects.bulk_create(
        [
            through(touchpoint_id=row.pk, **{target: pk})
            for row, pks in written
            for pk in dict.fromkeys(pks)
        ]
    )
