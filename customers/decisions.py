"""Writes of how a customer decides: factors, decision steps, competitors and contracts.

Pages, the API and the admin call these, so validation exists once. Each
validates everything (naming the field) before it writes, and writes in one
transaction, so a bad input saves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction

from customers.models import (
    Competitor,
    Contract,
    Customer,
    DecisionFactor,
    DecisionStep,
    Person,
    strangers_error,
)

FACTOR_FIELDS = ("name", "weight", "note")
STEP_FIELDS = ("contract", "title", "date", "recurrence", "done")
COMPETITOR_FIELDS = (
    "name",
    "incumbent",
    "offering",
    "value_proposition",
    "strengths",
    "weaknesses",
    "noted_on",
)
CONTRACT_FIELDS = ("name", "end_date", "notice_period_days", "pre_shopping_days", "notes")

M = TypeVar("M", DecisionFactor, DecisionStep, Competitor, Contract)


def _filled(
    model: type[M],
    instance: M | None,
    customer: Customer,
    allowed: tuple[str, ...],
    fields: dict[str, Any],
) -> M:
    """`instance` (or a new one of `customer`) with `fields` set; not yet validated or saved."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{model.__name__} got unknown fields: {sorted(unknown)}")
    if instance is None:
        instance = model(customer=customer)
    elif instance.customer_id != customer.pk:
        raise ValidationError({"customer": "This stays with its customer."})
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


def _saved(
    model: type[M],
    instance: M | None,
    customer: Customer,
    allowed: tuple[str, ...],
    fields: dict[str, Any],
) -> M:
    """Set `fields` on `instance` (or a new one of `customer`), validate, and save it."""
    instance = _filled(model, instance, customer, allowed, fields)
    instance.full_clean()
    with transaction.atomic():
        instance.save()
    return instance


def decision_factor_save(
    *, factor: DecisionFactor | None = None, customer: Customer, **fields: Any
) -> DecisionFactor:
    """Create a factor of `customer` (or update `factor`): name, weight 1-5, note."""
    return _saved(DecisionFactor, factor, customer, FACTOR_FIELDS, fields)


def decision_step_save(
    *,
    step: DecisionStep | None = None,
    customer: Customer,
    people: Iterable[Person] | None = None,
    **fields: Any,
) -> DecisionStep:
    """Create a decision step of `customer` (or update `step`) with the people involved.

    A date or a recurrence; the contract and the people must be the customer's.
    """
    step = _filled(DecisionStep, step, customer, STEP_FIELDS, fields)
    errors: dict[str, Any] = {}
    people = None if people is None else list(people)
    if strangers := strangers_error(customer, people or ()):
        errors["people"] = strangers
    try:
        step.full_clean(exclude=["people"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        step.save()
        if people is not None:
            step.people.set(people)
    return step


def competitor_save(
    *, competitor: Competitor | None = None, customer: Customer, **fields: Any
) -> Competitor:
    """Create a competitor at `customer` (or update `competitor`)."""
    return _saved(Competitor, competitor, customer, COMPETITOR_FIELDS, fields)


def contract_save(
    *, contract: Contract | None = None, customer: Customer, **fields: Any
) -> Contract:
    """Create a contract of `customer` (or update `contract`): its end and renewal windows."""
    return _saved(Contract, contract, customer, CONTRACT_FIELDS, fields)


def decision_record_delete(
    *, record: DecisionFactor | DecisionStep | Competitor | Contract
) -> None:
    """Remove a factor, step, competitor or contract (a contract's steps stay, without it)."""
    with transaction.atomic():
        record.delete()
