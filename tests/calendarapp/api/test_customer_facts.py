"""A customer's facts through the API: the owner PATCHes them, a touch carries them, and every
change is dated in /api/customers/<id>/history."""

import datetime

import pytest
import time_machine

from calendarapp.roles import SALES_MANAGERS
from customers.models import Customer, CustomerChange, Touchpoint
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(sales_manager):
    return factories.customer("Aarhus A/S", "DK", owner=sales_manager)


def patch(client, customer, body):
    return client.patch(f"/api/customers/{customer.pk}", body, content_type="application/json")


@time_machine.travel(D(2026, 11, 30), tick=False)
def test_the_owner_moves_the_budget_close_and_the_history_says_who_when_and_from_what(
    sales_client, customer
):
    body = {
        "budget_close_month": 3,
        "contact_every_days": 21,
        "strategy_weeks_before_start": 12,
        "strategy_weeks_before_end": 5,
        "timezone": "Europe/Copenhagen",
        "subdivision": "",
        "notes": "New CFO since November",
    }
    response = patch(sales_client, customer, body)
    assert response.status_code == 200, response.content
    assert {name: response.json()[name] for name in body} == body
    history = sales_client.get(f"/api/customers/{customer.pk}/history").json()["results"]
    assert {change["field"] for change in history} == {
        "budget_close_month",
        "contact_every_days",
        "strategy_weeks_before_start",
        "strategy_weeks_before_end",
        "notes",
    }
    budget = next(change for change in history if change["field"] == "budget_close_month")
    assert budget == {
        "field": "budget_close_month",
        "old": "12",
        "new": "3",
        "changed_on": "2026-11-30",
        "by": "sam",
        "touchpoint": None,
    }


def test_another_sales_manager_reads_the_customer_but_may_not_patch_it(client, customer):
    other = factories.user("kenji", SALES_MANAGERS)
    client.force_login(other)
    assert client.get(f"/api/customers/{customer.pk}").status_code == 200
    response = patch(client, customer, {"budget_close_month": 3})
    assert response.status_code == 403
    assert "detail" in response.json()["errors"]
    assert Customer.objects.get().budget_close_month == 12


@pytest.mark.parametrize(
    ("field", "value"),
    [("owner", "kenji"), ("name", "Renamed"), ("country", "SE"), ("active", False)],
)
def test_an_owner_sending_a_calendar_admins_field_gets_a_403_naming_it(
    sales_client, customer, field, value
):
    factories.user("kenji", SALES_MANAGERS)
    response = patch(sales_client, customer, {"budget_close_month": 3, field: value})
    assert response.status_code == 403
    (message,) = response.json()["errors"]["detail"]
    assert field in message
    assert Customer.objects.get().budget_close_month == 12
    assert not CustomerChange.objects.exists()


def test_a_calendar_admin_changes_every_field_and_the_owner_change_is_kept_by_username(
    admin_client, customer
):
    factories.user("kenji", SALES_MANAGERS)
    response = patch(admin_client, customer, {"owner": "kenji", "name": "Aarhus Retail A/S"})
    assert response.status_code == 200, response.content
    history = {
        c["field"]: c
        for c in admin_client.get(f"/api/customers/{customer.pk}/history").json()["results"]
    }
    assert (history["owner"]["old"], history["owner"]["new"], history["owner"]["by"]) == (
        "sam",
        "kenji",
        "alice",
    )
    assert history["name"]["new"] == "Aarhus Retail A/S"


def test_a_bad_fact_is_a_400_naming_the_field_and_leaves_no_history(sales_client, customer):
    response = patch(sales_client, customer, {"budget_close_month": 13})
    assert response.status_code == 400
    assert response.json()["errors"]["budget_close_month"] == ["13 is not a month 1–12"]
    assert not CustomerChange.objects.exists()


def test_the_history_of_a_customer_that_does_not_exist_is_a_404(sales_client):
    assert sales_client.get("/api/customers/999/history").status_code == 404


def test_the_history_costs_the_same_queries_for_few_and_many_changes(
    sales_client, customer, django_assert_num_queries
):
    url = f"/api/customers/{customer.pk}/history"
    patch(sales_client, customer, {"budget_close_month": 3})
    # The session, the user, their permissions, the customer, the count of its changes and a
    # page of them with their authors.
    with django_assert_num_queries(7):
        assert len(sales_client.get(url).json()["results"]) == 1
    for month in range(4, 12):
        patch(sales_client, customer, {"budget_close_month": month, "notes": f"n{month}"})
    with django_assert_num_queries(7):
        assert len(sales_client.get(url).json()["results"]) == 17


@time_machine.travel(D(2026, 11, 30), tick=False)
def test_a_touch_changes_the_budget_month_in_the_same_save_and_the_history_names_the_touch(
    sales_client, customer
):
    response = sales_client.post(
        "/api/touchpoints",
        {
            "customer": customer.pk,
            "date": "2026-11-30",
            "channel": "phone",
            "summary": "New CFO; budget now closes in March.",
            "customer_updates": {"budget_close_month": 3, "notes": "CFO new"},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert "customer_updates" not in response.json()
    assert Customer.objects.get().budget_close_month == 3
    history = sales_client.get(f"/api/customers/{customer.pk}/history").json()["results"]
    assert {(c["field"], c["touchpoint"], c["by"]) for c in history} == {
        ("budget_close_month", response.json()["id"], "sam"),
        ("notes", response.json()["id"], "sam"),
    }


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        ({"budget_close_month": 13}, "budget_close_month: 13 is not a month 1–12"),
        ({"name": "Renamed"}, "not name"),
        ({"contact_every_days": 3}, "contact_every_days: "),
    ],
)
def test_a_bad_customer_update_in_a_touch_is_a_400_naming_it_and_saves_nothing(
    sales_client, customer, updates, message
):
    response = sales_client.post(
        "/api/touchpoints",
        {
            "customer": customer.pk,
            "date": "2026-11-30",
            "channel": "phone",
            "customer_updates": updates,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]["customer_updates"]
    assert message in error
    assert not Touchpoint.objects.exists()
    assert not CustomerChange.objects.exists()
    assert Customer.objects.get().name == "Aarhus A/S"


def test_editing_a_touch_can_change_the_facts_too(sales_client, customer):
    created = sales_client.post(
        "/api/touchpoints",
        {"customer": customer.pk, "date": "2026-11-30", "channel": "phone"},
        content_type="application/json",
    ).json()
    response = sales_client.patch(
        f"/api/touchpoints/{created['id']}",
        {"customer_updates": {"contact_every_days": 14}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Customer.objects.get().contact_every_days == 14
    assert CustomerChange.objects.get().touchpoint_id == created["id"]


def test_the_owner_sets_email_domains_as_a_list_given_back_clean_and_dated_in_the_history(
    sales_client, customer
):
    response = patch(
        sales_client, customer, {"email_domains": ["Aarhus.DK", "aarhus.dk", "@a.com"]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["email_domains"] == ["aarhus.dk", "a.com"]
    assert sales_client.get(f"/api/customers/{customer.pk}").json()["email_domains"] == [
        "aarhus.dk",
        "a.com",
    ]
    history = sales_client.get(f"/api/customers/{customer.pk}/history").json()["results"]
    assert [(c["field"], c["old"], c["new"]) for c in history] == [
        ("email_domains", "", "aarhus.dk; a.com")
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (["gmail.com"], "“gmail.com” is free mail anyone can use: give the customer's own domain."),
        (["anna@aarhus.dk"], "“anna@aarhus.dk” is an email address: give only what follows the @."),
        (["https://aarhus.dk"], "“https://aarhus.dk” is a web address: give only the domain"),
        (["ourco.com"], "“ourco.com” is our own domain: our people are not the customer's."),
    ],
)
def test_a_bad_email_domain_is_a_400_naming_the_field_and_changes_nothing(
    sales_client, customer, settings, body, expected
):
    settings.OUR_EMAIL_DOMAINS = ["ourco.com"]
    response = patch(sales_client, customer, {"email_domains": body, "notes": "x"})
    assert response.status_code == 400
    assert response.json()["errors"]["email_domains"][0].startswith(expected)
    assert Customer.objects.get().notes == ""
    assert not CustomerChange.objects.exists()


@pytest.mark.parametrize("body", ["aarhus.dk", [1], {"a": 1}, None])
def test_email_domains_that_are_not_a_list_of_text_are_a_400_naming_the_field(
    sales_client, customer, body
):
    response = patch(sales_client, customer, {"email_domains": body})
    assert response.status_code == 400
    assert "email_domains" in response.json()["errors"]


def test_another_sales_manager_may_not_set_a_customers_email_domains(client, customer):
    other = factories.user("olga", SALES_MANAGERS)
    client.force_login(other)
    response = patch(client, customer, {"email_domains": ["aarhus.dk"]})
    assert response.status_code == 403
    assert Customer.objects.get().email_domains == []
