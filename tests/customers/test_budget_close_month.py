"""The budget-close month is refused the same way through every door: "13 is not a month 1–12"."""

from __future__ import annotations

import pytest

from calendarapp.imports.spreadsheet import customers_import
from customers.models import Customer

MESSAGE = "13 is not a month 1–12"


def test_the_import_names_the_line_the_field_and_the_month(db):
    result = customers_import(
        data=b"name,country,budget_close_month\nDansk Retail,DK,6\nOdd Month,DK,13\n",
        filename="customers.csv",
    )

    assert [str(error) for error in result.errors] == [f"line 3, budget_close_month: {MESSAGE}"]
    assert not Customer.objects.exists()


def test_the_api_answers_the_month_error_on_its_field(admin_client):
    response = admin_client.post(
        "/api/customers",
        {"name": "Odd Month", "country": "DK", "budget_close_month": 13},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["budget_close_month"] == [MESSAGE]


@pytest.mark.parametrize("month", [1, 12])
def test_the_first_and_last_month_are_months(admin_client, month):
    response = admin_client.post(
        "/api/customers",
        {"name": "Edge", "country": "DK", "budget_close_month": month},
        content_type="application/json",
    )

    assert response.status_code == 201


def test_the_admin_form_shows_the_same_sentence(admin_client):
    response = admin_client.post(
        "/admin/customers/customer/add/",
        {"name": "Odd Month", "country": "DK", "budget_close_month": "13"},
    )

    assert MESSAGE in response.content.decode()
