"""Customer and contract validation: each bad input is refused with a message naming its field."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from customers.models import Contract, Customer
from tests import factories

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def test_unknown_country_is_refused_on_the_country_field():
    errors = errors_of(Customer(name="Atlantis Ltd", country="XX"))
    assert "“XX” is not a country code" in errors["country"][0]


def test_lowercase_country_code_is_refused():
    assert "country" in errors_of(Customer(name="Lower Case A/S", country="dk"))


def test_unknown_subdivision_is_refused_and_lists_the_known_ones():
    errors = errors_of(Customer(name="Bayern AG", country="DE", subdivision="XX"))
    message = errors["subdivision"][0]
    assert "“XX” is not a subdivision of DE" in message
    assert "BY" in message and "NW" in message


def test_known_subdivision_is_accepted():
    customer = factories.customer("Rheinstahl AG", "DE", subdivision="NW")
    assert customer.subdivision == "NW"


@pytest.mark.parametrize("month", [0, 13])
def test_budget_close_month_outside_1_to_12_is_refused(month):
    errors = errors_of(Customer(name="Odd Month A/S", country="DK", budget_close_month=month))
    assert errors["budget_close_month"] == [f"{month} is not a month 1–12"]


def test_bad_time_zone_is_refused_on_the_timezone_field():
    errors = errors_of(Customer(name="Nowhere A/S", country="DK", timezone="Europe/Atlantis"))
    assert "Europe/Atlantis" in errors["timezone"][0]


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("DK", "Europe/Copenhagen"),
        ("DE", "Europe/Berlin"),
        ("JP", "Asia/Tokyo"),
        ("CN", "Asia/Shanghai"),
    ],
)
def test_time_zone_defaults_from_the_country(country, zone):
    assert factories.customer("Somewhere Ltd", country).timezone == zone


def test_chosen_time_zone_is_kept():
    customer = factories.customer(
        "West Coast Inc.", "US", subdivision="CA", timezone="America/Los_Angeles"
    )
    assert customer.timezone == "America/Los_Angeles"


def test_contract_pre_shopping_after_notice_deadline_is_refused():
    customer = factories.customer()
    contract = Contract(
        customer=customer,
        name="Licence",
        end_date=datetime.date(2027, 6, 30),
        notice_period_days=90,
        pre_shopping_days=30,
    )
    assert "pre_shopping_days" in errors_of(contract)


def test_contract_renewal_windows_count_back_from_the_end():
    contract = factories.contract(
        factories.customer(),
        datetime.date(2027, 6, 30),
        notice_period_days=90,
        pre_shopping_days=180,
    )
    assert contract.notice_deadline == datetime.date(2027, 4, 1)
    assert contract.pre_shopping_start == datetime.date(2027, 1, 1)


def test_database_refuses_budget_close_month_13_without_full_clean():
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(name="Bypass A/S", country="DK", budget_close_month=13)


def test_database_refuses_pre_shopping_after_notice_without_full_clean():
    customer = factories.customer()
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            customer=customer,
            name="Licence",
            end_date=datetime.date(2027, 6, 30),
            notice_period_days=90,
            pre_shopping_days=30,
        )
