""" "Last used" stamps that cost one conditional write per period at most, and most uses none."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet


def stamp_at_most_every(
    rows: QuerySet[Any],
    field: str,
    *,
    last: datetime.datetime | None,
    now: datetime.datetime,
    every: datetime.timedelta,
) -> None:
    """Set `field` to `now` on `rows` unless it was set less than `every` ago.

    `last` is the value already loaded, so a recent stamp costs no query; the update is
    conditional, so concurrent requests write once.
    """
    if last is not None and now - last < every:
        return
    stale = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now - every})
    rows.filter(stale).update(**{field: now})
