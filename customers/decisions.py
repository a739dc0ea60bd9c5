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

from calendarapp.lib.writes import deleted, locked, retried_once, save_changes, stored_values
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
) -> tuple[M, dict[str, Any] | None]:
    """The locked stored row of `instance` (or a new one of `customer`) with `fields` set, and
    its columns before; not yet validated or saved. Call inside the write's transaction."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{model.__name__} got unknown fields: {sorted(unknown)}")
    row = model(customer=customer) if instance is None else locked(instance)
    if row.customer_id != customer.pk:
        raise ValidationError({"customer": "This stays with its customer."})
    before = stored_values(row)
    for name, value in fields.items():
        setattr(row, name, value)
    return row, before


def _saved(
    model: type[M],
    instance: M | None,
    customer: Customer,
    allowed: tuple[str, ...],
    fields: dict[str, Any],
) -> M:
    """Set `fields` on the stored `instance` (or a new one of `customer`), validate, and save
    the columns that changed."""
    with transaction.atomic():
        row, before = _filled(model, instance, customer, allowed, fields)
        row.full_clean()
        save_changes(row, before)
    return row


@retried_once("decision factor")
def decision_factor_save(
    *, factor: DecisionFactor | None = None, customer: Customer, **fields: Any
) -> DecisionFactor:
    """Create a factor of `customer` (or update `factor`): name, weight 1-5, note."""
    return _saved(DecisionFactor, factor, customer, FACTOR_FIELDS, fields)


@retried_once("decision step")
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
    people = None if people is None else list(people)
    with transaction.atomic():
        row, before = _filled(DecisionStep, step, customer, STEP_FIELDS, fields)
        errors: dict[str, Any] = {}
        if strangers := strangers_error(customer, people or ()):
            errors["people"] = strangers
        try:
            row.full_clean(exclude=["people"])
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        save_changes(row, before)
        if people is not None:
            row.people.set(people)
    return row


@retried_once("competitor")
def competitor_save(
    *, competitor: Competitor | None = None, customer: Customer, **fields: Any
) -> Competitor:
    """Create a competitor at `customer` (or update `competitor`)."""
    return _saved(Competitor, competitor, customer, COMPETITOR_FIELDS, fields)


@retried_once("contract")
def contract_save(
    *, contract: Contract | None = None, customer: Customer, **fields: Any
) -> Contract:
    """Create a contract of `customer` (or update `contract`): its end and renewal windows."""
    return _saved(Contract, contract, customer, CONTRACT_FIELDS, fields)


@retried_once("record")
def decision_record_delete(
    *, record: DecisionFactor | DecisionStep | Competitor | Contract
) -> None:
    """Remove a factor, step, competitor or contract (a contract's steps stay, without it)."""
    deleted(record)
