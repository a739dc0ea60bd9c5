"""The customer's facts on the site: the owner edits them, a calendar admin edits every field,
others read; the history on the customer page; a touch changes them; contracts get pages."""

import datetime

import pytest

from calendarapp.roles import SALES_MANAGERS
from customers.models import Contract, Customer, CustomerChange
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db

FACTS = {
    "budget_close_month": "3",
    "contact_every_days": "21",
    "strategy_weeks_before_start": "10",
    "strategy_weeks_before_end": "4",
    "timezone": "Europe/Copenhagen",
    "subdivision": "",
    "notes": "New CFO since November",
}


@pytest.fixture
def customer(sales_manager):
    return factories.customer("Aarhus A/S", "DK", owner=sales_manager)


def test_the_owner_edits_the_facts_and_the_customer_page_shows_them_and_their_history(
    sales_client, customer, clock
):
    form = sales_client.get(f"/customers/{customer.pk}/facts")
    assert form.status_code == 200
    assert {"budget_close_month", "notes"} <= set(form.context["form"].fields)
    assert not {"name", "country", "owner", "active"} & set(form.context["form"].fields)
    response = sales_client.post(f"/customers/{customer.pk}/facts", FACTS)
    assert response.status_code == 302
    assert response.url == f"/customers/{customer.pk}#facts-title"
    assert Customer.objects.get().budget_close_month == 3
    page = sales_client.get(f"/customers/{customer.pk}").content.decode()
    assert "budget closes at the end of March" in page
    assert "Budget close month:</strong> December → March" in page
    assert "by sam" in page
    assert "Edit facts" in page


def test_an_owner_cannot_rename_or_reassign_a_customer_through_the_form(sales_client, customer):
    response = sales_client.post(
        f"/customers/{customer.pk}/facts", {**FACTS, "name": "Renamed", "active": ""}
    )
    assert response.status_code == 302
    stored = Customer.objects.get()
    assert (stored.name, stored.active) == ("Aarhus A/S", True)


def test_a_bad_fact_names_the_field_and_saves_nothing(sales_client, customer):
    response = sales_client.post(
        f"/customers/{customer.pk}/facts", {**FACTS, "strategy_weeks_before_end": "12"}
    )
    assert response.status_code == 400
    assert "strategy_weeks_before_end" in response.context["form"].errors
    assert Customer.objects.get().budget_close_month == 12
    assert not CustomerChange.objects.exists()


def test_another_sales_manager_reads_the_customer_but_gets_403_on_the_edit_pages(client, customer):
    client.force_login(factories.user("kenji", SALES_MANAGERS))
    page = client.get(f"/customers/{customer.pk}").content.decode()
    assert "Edit facts" not in page and "Add a contract" not in page
    assert client.get(f"/customers/{customer.pk}/facts").status_code == 403
    assert client.post(f"/customers/{customer.pk}/facts", FACTS).status_code == 403
    assert client.get(f"/customers/{customer.pk}/contracts/new").status_code == 403
    assert Customer.objects.get().budget_close_month == 12


def test_a_calendar_admin_edits_every_field_on_the_site(admin_client, customer):
    kenji = factories.user("kenji", SALES_MANAGERS)
    body = {**FACTS, "name": "Aarhus Retail", "country": "DK", "owner": kenji.pk, "active": "on"}
    response = admin_client.post(f"/customers/{customer.pk}/facts", body)
    assert response.status_code == 302
    stored = Customer.objects.get()
    assert (stored.name, stored.owner) == ("Aarhus Retail", kenji)
    assert set(CustomerChange.objects.values_list("field", flat=True)) == {
        "name",
        "owner",
        "budget_close_month",
        "contact_every_days",
        "notes",
    }


def test_a_touch_in_the_form_changes_the_budget_month_with_the_touch_in_its_history(
    sales_client, customer, clock
):
    response = sales_client.post(
        f"/customers/{customer.pk}/touches/new",
        {
            "date": "2026-06-01",
            "channel": "phone",
            "outcome": "none",
            "c_budget_close_month": "3",
            "c_contact_every_days": "30",
            "c_notes": "",
        },
    )
    assert response.status_code == 302
    change = CustomerChange.objects.get()
    assert (change.field, change.new, change.by.username) == ("budget_close_month", "3", "sam")
    assert change.touchpoint == customer.touchpoints.get()


def test_the_touch_form_offers_the_customers_facts_as_they_are(sales_client, customer):
    form = sales_client.get(f"/customers/{customer.pk}/touches/new").context["form"]
    assert form["c_budget_close_month"].initial == 12
    assert form["c_contact_every_days"].initial == 30


def test_the_owner_adds_edits_and_deletes_a_contract_on_its_page(sales_client, customer):
    body = {
        "name": "Cloud",
        "end_date": "2027-06-30",
        "notice_period_days": "90",
        "pre_shopping_days": "180",
        "notes": "",
    }
    response = sales_client.post(f"/customers/{customer.pk}/contracts/new", body)
    assert response.status_code == 302
    contract = Contract.objects.get()
    page = sales_client.get(f"/customers/{customer.pk}").content.decode()
    assert f"/contracts/{contract.pk}" in page
    edited = sales_client.post(f"/contracts/{contract.pk}", {**body, "end_date": "2027-12-31"})
    assert edited.status_code == 302
    assert Contract.objects.get().end_date == D(2027, 12, 31)
    sales_client.post(f"/contracts/{contract.pk}", {"delete": "1"})
    assert not Contract.objects.exists()


def test_the_owner_types_email_domains_in_one_line_and_the_page_lists_them(sales_client, customer):
    response = sales_client.post(
        f"/customers/{customer.pk}/facts", {**FACTS, "email_domains": "Aarhus.dk; aarhus-as.com,"}
    )
    assert response.status_code == 302
    assert Customer.objects.get().email_domains == ["aarhus.dk", "aarhus-as.com"]
    form = sales_client.get(f"/customers/{customer.pk}/facts").content.decode()
    assert 'value="aarhus.dk; aarhus-as.com"' in form
    page = sales_client.get(f"/customers/{customer.pk}").content.decode()
    assert "<dt>Email domains</dt><dd>aarhus.dk, aarhus-as.com</dd>" in page
    assert "Email domains:</strong> (empty) → aarhus.dk; aarhus-as.com" in page


def test_a_free_mail_domain_on_the_form_is_said_at_the_field_and_nothing_is_saved(
    sales_client, customer
):
    response = sales_client.post(
        f"/customers/{customer.pk}/facts", {**FACTS, "email_domains": "aarhus.dk; gmail.com"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["email_domains"] == [
        "“gmail.com” is free mail anyone can use: give the customer's own domain."
    ]
    assert Customer.objects.get().email_domains == []
    assert not CustomerChange.objects.exists()


def test_a_customer_without_email_domains_says_what_they_are_for(sales_client, customer):
    page = sales_client.get(f"/customers/{customer.pk}").content.decode()
    assert "none yet: add them so meetings in your calendar find this customer" in page
