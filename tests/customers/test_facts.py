"""customer_facts_save: only the fields given change, each change dated with who and which touch,
a bad value writes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from calendarapp.roles import SALES_MANAGERS, can_change_facts, can_edit_customers
from customers.facts import customer_facts_save
from customers.models import Customer, CustomerChange
from customers.services import touchpoint_log
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db


def test_only_the_fields_given_change_and_each_change_is_one_history_row(sales_manager):
    customer = factories.customer("Aarhus A/S", "DK", owner=sales_manager, notes="old")
    customer_facts_save(customer=customer, by=sales_manager, budget_close_month=3)
    stored = Customer.objects.get()
    assert (stored.budget_close_month, stored.notes) == (3, "old")
    change = CustomerChange.objects.get()
    assert (change.field, change.old, change.new, change.by, change.touchpoint) == (
        "budget_close_month",
        "12",
        "3",
        sales_manager,
        None,
    )
    assert change.text == "December → March"


def test_saving_the_same_value_again_writes_no_history(sales_manager):
    customer = factories.customer("Aarhus A/S", "DK", budget_close_month=3)
    customer_facts_save(customer=customer, by=sales_manager, budget_close_month=3)
    assert not CustomerChange.objects.exists()


def test_a_new_customer_has_no_history_until_something_changes(sales_manager):
    customer_facts_save(customer=Customer(), by=sales_manager, name="Ny A/S", country="DK")
    assert Customer.objects.get().timezone == "Europe/Copenhagen"
    assert not CustomerChange.objects.exists()


def test_a_bad_value_names_the_field_and_writes_nothing(sales_manager):
    customer = factories.customer("Aarhus A/S", "DK")
    with pytest.raises(ValidationError) as caught:
        customer_facts_save(
            customer=customer, by=sales_manager, notes="new", strategy_weeks_before_end=20
        )
    assert "strategy_weeks_before_end" in caught.value.message_dict
    assert Customer.objects.get().notes == ""
    assert not CustomerChange.objects.exists()


def test_an_unknown_field_is_a_programming_error(sales_manager):
    customer = factories.customer("Aarhus A/S", "DK")
    with pytest.raises(TypeError):
        customer_facts_save(customer=customer, by=sales_manager, colour="red")


def test_a_touch_saves_the_facts_it_learned_with_itself_in_their_history(sales_manager):
    customer = factories.customer("Aarhus A/S", "DK", owner=sales_manager)
    touch = touchpoint_log(
        customer=customer,
        date=D(2026, 11, 30),
        channel="phone",
        customer_updates={"budget_close_month": 3},
        by=sales_manager,
    )
    change = CustomerChange.objects.get()
    assert (change.touchpoint, change.by, change.new) == (touch, sales_manager, "3")


def test_a_touch_with_a_bad_fact_saves_neither_the_touch_nor_the_fact(sales_manager):
    customer = factories.customer("Aarhus A/S", "DK")
    with pytest.raises(ValidationError) as caught:
        touchpoint_log(
            customer=customer,
            date=D(2026, 11, 30),
            channel="phone",
            customer_updates={"notes": "x", "budget_close_month": 13},
        )
    assert caught.value.message_dict == {
        "customer_updates": ["budget_close_month: 13 is not a month 1–12"]
    }
    assert not customer.touchpoints.exists()
    assert Customer.objects.get().notes == ""


def test_the_owners_permission_is_by_ownership_not_the_admins_change_customer(
    sales_manager, calendar_admin
):
    mine = factories.customer("Aarhus A/S", "DK", owner=sales_manager)
    other = factories.customer("Bornholm A/S", "DK", owner=factories.user("kenji", SALES_MANAGERS))
    assert can_change_facts(sales_manager, mine)
    assert not can_change_facts(sales_manager, other)
    assert not can_edit_customers(sales_manager)
    assert can_change_facts(calendar_admin, other)


def test_email_domains_are_kept_clean_and_their_history_reads_as_text(sales_manager):
    customer = factories.customer("Aarhus A/S", "DK", email_domains=["aarhus.dk"])
    customer_facts_save(
        customer=customer, by=sales_manager, email_domains=["Aarhus.dk", "AARHUS-AS.com"]
    )
    assert Customer.objects.get().email_domains == ["aarhus.dk", "aarhus-as.com"]
    change = CustomerChange.objects.get()
    assert (change.field, change.label, change.text) == (
        "email_domains",
        "email domains",
        "aarhus.dk → aarhus.dk; aarhus-as.com",
    )


def test_a_free_mail_domain_names_the_field_and_writes_nothing(sales_manager):
    customer = factories.customer("Aarhus A/S", "DK", email_domains=["aarhus.dk"])
    with pytest.raises(ValidationError) as caught:
        customer_facts_save(
            customer=customer, by=sales_manager, notes="new", email_domains=["gmail.com"]
        )
    assert caught.value.message_dict == {
        "email_domains": [
            "“gmail.com” is free mail anyone can use: give the customer's own domain."
        ]
    }
    assert (Customer.objects.get().email_domains, Customer.objects.get().notes) == (
        ["aarhus.dk"],
        "",
    )
    assert not CustomerChange.objects.exists()


def test_two_customers_may_share_a_domain(sales_manager):
    factories.customer("Acme Nordic", "DK", email_domains=["acme.com"])
    customer_facts_save(
        customer=Customer(), by=sales_manager, name="Acme GmbH", country="DE",
        email_domains=["acme.com"],
    )  # fmt: skip
    assert [c.email_domains for c in Customer.objects.order_by("name")] == [["acme.com"]] * 2
