"""Writes of what a customer cares about and plans: interest evidence and strategies.

Pages, the API, the admin and `touchpoint_log` call these, so validation exists
once. Each validates everything (naming the field) before it writes, and writes
in one transaction, so a bad input saves nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from calendarapp.lib.writes import deleted, locked, retried_once, save_changes, stored_values
from customers.models import (
    Customer,
    CustomerInterest,
    Interest,
    Person,
    Strategy,
    Strength,
    Touchpoint,
)

EVIDENCE_FIELDS = (
    "strength",
    "noted_on",
    "confirmed_on",
    "touchpoint",
    "person",
    "no_longer_on",
)
STRATEGY_FIELDS = ("title", "noted_on", "touchpoint", "stage", "how_we_help")
INTEREST_NAME_MAX = Interest._meta.get_field("name").max_length or 60


def interest_name_error(name: object) -> str:
    """What is wrong with an interest's name, or "" if nothing."""
    if not isinstance(name, str) or not name.strip():
        return "Name the interest, for example “cloud”."
    if len(name.strip()) > INTEREST_NAME_MAX:
        return f"Keep an interest's name to {INTEREST_NAME_MAX} characters."
    return ""


def _interest_named(name: str) -> Interest:
    """The interest of that name; a new name creates it (call inside the write's transaction)."""
    interest, _ = Interest.objects.get_or_create(name=name.strip())
    return interest


@retried_once("interest")
def customer_interest_save(
    *,
    evidence: CustomerInterest | None = None,
    customer: Customer,
    interest: Interest | str | None = None,
    **fields: Any,
) -> CustomerInterest:
    """Note an interest of `customer` (or change the fields given of `evidence`); `interest`
    may be a new name, and None keeps the evidence's.

    Raises ValidationError naming the field before anything is written, RecordGone if the
    evidence was deleted.
    """
    unknown = set(fields) - set(EVIDENCE_FIELDS)
    if unknown:
        raise TypeError(f"customer_interest_save() got unknown fields: {sorted(unknown)}")
    if isinstance(interest, str) and (error := interest_name_error(interest)):
        raise ValidationError({"interest": error})
    if evidence is None and interest is None:
        raise ValidationError({"interest": interest_name_error(None)})
    with transaction.atomic():
        row = CustomerInterest(customer=customer) if evidence is None else locked(evidence)
        if row.customer_id != customer.pk:
            raise ValidationError({"customer": "An interest stays with its customer."})
        before = stored_values(row)
        if isinstance(interest, str):
            known = Interest.objects.filter(name=interest.strip()).first()
        else:
            known = interest if interest is not None else row.interest
        for name, value in fields.items():
            setattr(row, name, value)
        errors: dict[str, list[str]] = {}
        if known is not None:
            row.interest = known
            duplicate = CustomerInterest.objects.filter(customer=customer, interest=known)
            if duplicate.exclude(pk=row.pk).exists():
                errors["interest"] = [
                    f"{customer.name}'s interest in {known} is noted; confirm it."
                ]
        try:
            row.full_clean(exclude=["interest"], validate_constraints=False)
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        if known is None:
            row.interest = _interest_named(str(interest))
        save_changes(row, before)
    return row


def customer_interest_confirm(*, evidence: CustomerInterest, on: datetime.date) -> CustomerInterest:
    """They told us again on `on`: the evidence is current again, even if it had ended."""
    return customer_interest_save(
        evidence=evidence,
        customer=evidence.customer,
        confirmed_on=max(on, evidence.confirmed_on or evidence.noted_on),
        no_longer_on=None,
    )


@retried_once("interest")
def customer_interest_delete(*, evidence: CustomerInterest) -> None:
    """Forget evidence noted by mistake (an interest that ended is `no_longer_on`, not deleted)."""
    deleted(evidence)


def interests_note(
    *,
    customer: Customer,
    notes: Iterable[Mapping[str, Any]],
    on: datetime.date,
    touchpoint: Touchpoint | None = None,
) -> list[CustomerInterest]:
    """Note new interests or confirm known ones, as heard on a touch on `on`.

    Each note is `{"interest": name, "strength": …, "person": Person or None}`.
    Call inside the caller's transaction; raises ValidationError naming the note.
    """
    saved = []
    known = {
        row.interest.name: row
        for row in CustomerInterest.objects.filter(customer=customer).select_related("interest")
    }
    for number, note in enumerate(notes, 1):
        name = note.get("interest")
        if error := interest_name_error(name):
            raise ValidationError({"interests": f"Interest {number}: {error}"})
        assert isinstance(name, str)
        strength = note.get("strength") or Strength.CURIOUS
        person: Person | None = note.get("person")
        row = known.get(name.strip())
        fields: dict[str, Any] = {"strength": strength, "touchpoint": touchpoint}
        if person is not None:
            fields["person"] = person
        if row is None:
            fields["noted_on"] = on
        else:  # confirming: an interest heard again is current again, even one that had ended
            fields["confirmed_on"] = max(on, row.confirmed_on or row.noted_on)
            fields["no_longer_on"] = None
        try:
            saved.append(
                customer_interest_save(
                    evidence=row, customer=customer, interest=name.strip(), **fields
                )
            )
        except ValidationError as problem:
            named = "; ".join(f"{f}: {m}" for f, ms in problem.message_dict.items() for m in ms)
            raise ValidationError({"interests": f"Interest {number}: {named}"}) from None
    return saved


@retried_once("strategy")
def strategy_save(
    *, strategy: Strategy | None = None, customer: Customer, **fields: Any
) -> Strategy:
    """Note a strategy of `customer` (or change the fields given of `strategy`): title, noted
    on, stage, how we help.

    The stage at which it was first noted is kept, so one first seen as a shopping
    list says "we came in late".
    """
    unknown = set(fields) - set(STRATEGY_FIELDS)
    if unknown:
        raise TypeError(f"strategy_save() got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        row = Strategy(customer=customer) if strategy is None else locked(strategy)
        if row.customer_id != customer.pk:
            raise ValidationError({"customer": "A strategy stays with its customer."})
        before = stored_values(row)
        for name, value in fields.items():
            setattr(row, name, value)
        row.full_clean()  # its clean() keeps the stage first noted
        save_changes(row, before)
    return row


@retried_once("strategy")
def strategy_delete(*, strategy: Strategy) -> None:
    deleted(strategy)
