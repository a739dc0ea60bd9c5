"""The outside suite's clock: the import window is fixed around 15 June 2026."""

from __future__ import annotations

import datetime

import pytest
import time_machine

NOW = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC)
# subscription_window of that day: FEED_PAST_DAYS (365) back, FEED_FUTURE_DAYS (730) ahead.
WINDOW = (datetime.date(2025, 6, 15), datetime.date(2028, 6, 14))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
