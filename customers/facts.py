"""Writes of a customer's facts, each change kept with its date, author and touch.

Every writer (the customer pages, the API, the admin, a touch) calls `customer_facts_save`;
the spreadsheet import writes in bulk and keeps the history with `customer_changes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from calendarapp.lib import email_domains
from calendarapp.lib.writes import deleted, locked, retried_once, save_changes, stored_values
from customers.models import CUSTOMER_FIELDS, Customer, CustomerChange, Touchpoint

# What the account owner keeps (roles.CHANGE_FACTS); the rest only calendar admins change.
FACT_FIELDS = (
    "budget_close_month",
    "contact_every_days",
    "strategy_weeks_before_start",
    "strategy_weeks_before_end",
    "email_domains",
    "timezone",
    "subdivision",
    "notes",
)
ADMIN_FIELDS = tuple(name for name in CUSTOMER_FIELDS if name not in FACT_FIELDS)


def facts_text(customer: Customer) -> dict[str, str]:
    """The customer's facts as the history writes them: text, the owner by username."""
    texts = {name: str(getattr(customer, name)) for name in CUSTOMER_FIELDS if name != "owner"}
    texts["owner"] = customer.owner.username if customer.owner is not None else ""
    texts["email_domains"] = email_domains.join_domains(customer.email_domains)
    return texts


def customer_changes(
    customer: Customer,
    before: Mapping[str, str] | None,
    *,
    by: User | None,
    touchpoint: Touchpoint | None = None,
) -> list[CustomerChange]:
    """What changed against `before` (`facts_text` as stored); a new customer (None) has none.

    The one rule of the history, for `customer_facts_save` and the spreadsheet import.
    """
    if before is None:
        return []
    after = facts_text(customer)
    return [
        CustomerChange(
            customer=customer,
            field=name,
            old=before[name],
            new=after[name],
            by=by,
            touchpoint=touchpoint,
        )
        for name in CUSTOMER_FIELDS
        if after[name] != before[name]
    ]


@retried_once("customer")
def customer_facts_save(
    *,
    customer: Customer,
    by: User | None,
    touchpoint: Touchpoint | None = None,
    **facts: Any,
) -> Customer:
    """Create `customer` (not yet stored) as it is, or change the fields given of the stored
    one, keeping their history; the fields not given stay as stored, whoever changed them.

    Raises ValidationError naming the field before anything is written, RecordGone if the
    customer was deleted. Who may change which field is the caller's check
    (roles.can_change_facts, `ADMIN_FIELDS`).
    """
    unknown = set(facts) - set(CUSTOMER_FIELDS)
    if unknown:
        raise TypeError(f"customer_facts_save() got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        # As stored, not as on `customer`: a model form has already set the new values on it.
        row = customer if customer.pk is None else locked(customer, "owner")
        before = None if customer.pk is None else facts_text(row)
        columns = stored_values(row)
        for name, value in facts.items():
            setattr(row, name, value)
        row.full_clean()
        save_changes(row, columns)
        CustomerChange.objects.bulk_create(
            customer_changes(row, before, by=by, touchpoint=touchpoint)
        )
    return row


@retried_once("customer")
def customer_delete(*, customer: Customer) -> None:
    """Remove a customer with every record about it (calendar admins; the caller checks)."""
    deleted(customer)
