"""A contract's renewal dates, counted back from its end: shared by the model and the stream."""

from __future__ import annotations

import datetime


def notice_deadline(end_date: datetime.date, notice_period_days: int) -> datetime.date:
    """The last day the customer can give notice."""
    return end_date - datetime.timedelta(days=notice_period_days)


def pre_shopping_start(end_date: datetime.date, pre_shopping_days: int) -> datetime.date:
    """The day the customer starts looking at offers."""
    return end_date - datetime.timedelta(days=pre_shopping_days)
