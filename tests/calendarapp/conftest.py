"""Fixtures shared by the calendar app's tests: a running clock and a customer with everything."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from customers.models import Customer
from tests import factories
from tests.calendarapp.feeds import support as fs


@pytest.fixture
def clock():
    """Time runs from the feed tests' NOW, so stamps grow between edits; tests may shift it."""
    with time_machine.travel(fs.NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def retailer(db) -> Customer:
    """A customer whose admin page has both inlines and a recurrence widget to show."""
    customer = factories.customer("Nordlys Retail A/S", "DK")
    factories.contract(customer, datetime.date(2027, 3, 31), name="Cloud licence")
    factories.tradition(
        customer=customer,
        title="Christmas rush",
        start=datetime.date(2024, 11, 15),
        end=datetime.date(2024, 12, 31),
        rule="RRULE:FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15",
    )
    return customer
