"""Writes of traditions: a customer's own (by its account owner or a calendar admin) and a
country's local ones (calendar admins), validated once for the pages and the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from calendarapp.lib.writes import deleted, locked, retried_once, save_changes, stored_values
from customers.models import Customer
from traditions.models import Tradition, repeats_too_often

# What a customer's tradition is written with; a local one also has its country and region.
TRADITION_FIELDS = (
    "kind",
    "title",
    "start",
    "end",
    "recurrence",
    "lead_time_days",
    "blocks_events",
    "notes",
)
LOCAL_FIELDS = ("country", "subdivision")


@retried_once("tradition")
def tradition_save(
    *,
    tradition: Tradition | None = None,
    customer: Customer | None,
    confirm_often: bool = False,
    **fields: Any,
) -> Tradition:
    """Create a tradition of `customer` (None: a local one), or change the fields given of
    `tradition` (the rest stays as stored).

    A vacation, busy season or customer event repeating more often than yearly is refused
    unless `confirm_often` (a calendar admin's confirmation; the caller decides who may).
    Raises ValidationError naming the field before anything is written, RecordGone if the
    tradition was deleted.
    """
    unknown = set(fields) - {*TRADITION_FIELDS, *LOCAL_FIELDS}
    if unknown:
        raise TypeError(f"tradition_save() got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        row = Tradition(customer=customer) if tradition is None else locked(tradition)
        if row.customer_id != (customer.pk if customer else None):
            raise ValidationError({"customer": "A tradition stays with its customer or country."})
        before = stored_values(row)
        for name, value in fields.items():
            setattr(row, name, value)
        row.full_clean()
        if (too_often := repeats_too_often(row)) and not confirm_often:
            raise ValidationError({"recurrence": too_often})
        save_changes(row, before)
    return row


@retried_once("tradition")
def tradition_delete(*, tradition: Tradition) -> None:
    deleted(tradition)
