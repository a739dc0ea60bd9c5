"""The permission split: calendar admins edit customer data, sales managers only read it,
and nobody sees anything without logging in."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from calendarapp import roles
from customers.models import Customer
from tests import factories
from traditions.models import Tradition

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer() -> Customer:
    return factories.customer("Nordlys Retail A/S", "DK", budget_close_month=12)


@pytest.fixture
def local_tradition() -> Tradition:
    return factories.tradition(
        country="DK",
        kind="vacation",
        title="Autumn school holiday (week 42)",
        start=datetime.date(2024, 10, 14),
        end=datetime.date(2024, 10, 18),
        rule="RRULE:FREQ=YEARLY;BYWEEKNO=42;BYDAY=MO",
    )


@pytest.fixture
def staff_sales_client(client):
    """A sales manager allowed into the admin, as the demo's `sales` login is."""
    client.force_login(factories.user("sally", roles.SALES_MANAGERS, is_staff=True))
    return client


def customer_form(customer: Customer, **changes) -> dict[str, str]:
    """The admin change form of a customer without contracts or traditions, as a browser posts it."""
    data = {
        "name": customer.name,
        "country": customer.country,
        "subdivision": customer.subdivision,
        "timezone": customer.timezone,
        "owner": "",
        "budget_close_month": str(customer.budget_close_month),
        "contact_every_days": str(customer.contact_every_days),
        "strategy_weeks_before_start": str(customer.strategy_weeks_before_start),
        "strategy_weeks_before_end": str(customer.strategy_weeks_before_end),
        "notes": customer.notes,
        "active": "on",
    }
    for prefix in ("contracts", "interest_evidence", "strategies", "people", "traditions"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "url",
    ["/", "/plans/", "/countries/DK", "/admin/", "/admin/customers/customer/"],
)
def test_anonymous_visitor_is_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_anonymous_visitor_cannot_see_a_customer(client, customer):
    response = client.get(customer.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_itself_is_open(client):
    assert client.get(reverse("login")).status_code == 200


def test_roles_say_who_edits_customers(calendar_admin, sales_manager, nobody):
    assert roles.can_edit_customers(calendar_admin)
    assert not roles.can_edit_customers(sales_manager)
    assert not roles.can_edit_customers(nobody)


@pytest.mark.parametrize(
    "url_name",
    ["admin:customers_customer_add", "admin:traditions_localtradition_add"],
)
def test_sales_manager_gets_403_on_admin_add_pages(staff_sales_client, url_name):
    assert staff_sales_client.get(reverse(url_name)).status_code == 403


def test_sales_manager_sees_customer_read_only(staff_sales_client, customer):
    response = staff_sales_client.get(
        reverse("admin:customers_customer_change", args=[customer.pk])
    )
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert b"Nordlys Retail A/S" in response.content


def test_sales_manager_gets_403_when_changing_a_customer(staff_sales_client, customer):
    response = staff_sales_client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        customer_form(customer, name="Hijacked A/S", budget_close_month="6"),
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Nordlys Retail A/S"
    assert customer.budget_close_month == 12


def test_sales_manager_gets_403_when_changing_a_local_tradition(
    staff_sales_client, local_tradition
):
    response = staff_sales_client.post(
        reverse("admin:traditions_localtradition_change", args=[local_tradition.pk]),
        {
            "country": "DK",
            "kind": "vacation",
            "title": "Renamed",
            "start": "2024-10-14",
            "end": "2024-10-18",
            "lead_time_days": "0",
        },
    )
    assert response.status_code == 403
    local_tradition.refresh_from_db()
    assert local_tradition.title == "Autumn school holiday (week 42)"


def test_sales_manager_cannot_delete_a_customer(staff_sales_client, customer):
    response = staff_sales_client.post(
        reverse("admin:customers_customer_delete", args=[customer.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_sales_manager_without_staff_flag_is_kept_out_of_the_admin(sales_client, customer):
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    response = sales_client.post(url, customer_form(customer, name="Hijacked A/S"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    customer.refresh_from_db()
    assert customer.name == "Nordlys Retail A/S"


def test_calendar_admin_changes_a_customer(admin_client, customer):
    response = admin_client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        customer_form(customer, name="Nordlys Retail Group A/S", budget_close_month="6"),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "Nordlys Retail Group A/S"
    assert customer.budget_close_month == 6


def test_calendar_admin_gets_field_errors_not_a_500(admin_client, customer):
    response = admin_client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        customer_form(customer, country="XX", budget_close_month="13"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "country" in errors
    assert "budget_close_month" in errors
    customer.refresh_from_db()
    assert customer.country == "DK"


def test_calendar_admin_adds_a_customer_with_a_tradition_inline(admin_client):
    data = customer_form(
        Customer(name="Hanse Versand GmbH", country="DE", subdivision="HH"),
        **{
            "traditions-TOTAL_FORMS": "1",
            "traditions-0-kind": "busy_season",
            "traditions-0-title": "Christmas rush",
            "traditions-0-start": "2024-11-15",
            "traditions-0-end": "2024-12-31",
            "traditions-0-lead_time_days": "60",
            "traditions-0-recurrence": "RRULE:FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15",
            "traditions-0-notes": "",
        },
    )
    response = admin_client.post(reverse("admin:customers_customer_add"), data)
    assert response.status_code == 302
    customer = Customer.objects.get(name="Hanse Versand GmbH")
    assert customer.timezone == "Europe/Berlin"
    assert customer.traditions.get().title == "Christmas rush"


def test_bad_inline_tradition_saves_nothing(admin_client):
    data = customer_form(
        Customer(name="Half Saved GmbH", country="DE"),
        **{
            "traditions-TOTAL_FORMS": "1",
            "traditions-0-kind": "busy_season",
            "traditions-0-title": "Backwards",
            "traditions-0-start": "2024-11-15",
            "traditions-0-end": "2024-11-01",
            "traditions-0-lead_time_days": "0",
        },
    )
    response = admin_client.post(reverse("admin:customers_customer_add"), data)
    assert response.status_code == 200
    assert not Customer.objects.filter(name="Half Saved GmbH").exists()
    assert not Tradition.objects.filter(title="Backwards").exists()
