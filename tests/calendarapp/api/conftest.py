"""Fixtures of the API's tests: a sales manager's customer and its CFO."""

import pytest

from customers.services import person_save
from tests import factories


@pytest.fixture
def customer(sales_manager):
    return factories.customer("Aarhus A/S", "DK", owner=sales_manager)


@pytest.fixture
def cfo(customer):
    return person_save(customer=customer, name="Mette", job_title="CFO")
