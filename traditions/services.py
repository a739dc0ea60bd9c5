"""Writes of traditions: a customer's own (by its account owner or a calendar admin) and a
country's local ones (calendar admins), validated once for the pages and the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

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


def tradition_save(
    *,
    tradition: Tradition | None = None,
    customer: Customer | None,
    confirm_often: bool = False,
    **fields: Any,
) -> Tradition:
    """Create a tradition of `customer` (None: a local one), or update `tradition`.

    A vacation, busy season or customer event repeating more often than yearly is refused
    unless `confirm_often` (a calendar admin's confirmation; the caller decides who may).
    Raises ValidationError naming the field before anything is written.
    """
    unknown = set(fields) - {*TRADITION_FIELDS, *LOCAL_FIELDS}
    if unknown:
        raise TypeError(f"tradition_save() got unknown fields: {sorted(unknown)}")
    if tradition is None:
        tradition = Tradition(customer=customer)
    elif tradition.customer_id != (customer.pk if customer else None):
        raise ValidationError({"customer": "A tradition stays with its customer or country."})
    for name, value in fields.items():
        setattr(tradition, name, value)
    tradition.full_clean()
    if (too_often := repeats_too_often(tradition)) and not confirm_often:
        raise ValidationError({"recurrence": too_often})
    with transaction.atomic():
        tradition.save()
    return tradition


def tradition_delete(*, tradition: Tradition) -> None:
    with transaction.atomic():
        tradition.delete()
