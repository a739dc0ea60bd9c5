"""Fixtures shared by the calendar app's tests: a running clock, a customer with everything, and
a sales manager's customer with its CFO."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from customers.models import Customer, Interest, Person
from customers.services import person_save
from tests import factories
from tests.calendarapp.feeds import support as fs


@pytest.fixture
def clock():
    """Time runs from the feed tests' NOW, so stamps grow between edits; tests may shift it."""
    with time_machine.travel(fs.NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def customer(sales_manager) -> Customer:
    """Aarhus A/S, the sales manager's."""
    return factories.customer("Aarhus A/S", "DK", owner=sales_manager)


@pytest.fixture
def cfo(customer) -> Person:
    return person_save(customer=customer, name="Mette", job_title="CFO")


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


@pytest.fixture
def dansk_retail(db):
    """A Danish customer with a busy season, a contract, an interest and the autumn holiday."""
    customer = factories.customer("Dansk Retail", "DK", budget_close_month=9)
    customer.interests.add(Interest.objects.create(name="cloud"))
    factories.danish_autumn_school_holiday()
    factories.tradition(
        title="Peak season",
        kind="busy_season",
        customer=customer,
        start=datetime.date(2025, 11, 15),
        end=datetime.date(2026, 1, 10),
        rule="RRULE:FREQ=YEARLY",
        lead_time_days=30,
    )
    factories.contract(
        customer,
        datetime.date(2027, 3, 31),
        name="Support",
        notice_period_days=90,
        pre_shopping_days=240,
    )
    return customer
