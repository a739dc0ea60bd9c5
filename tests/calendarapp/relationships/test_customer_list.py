"""Finding customers: /customers/, its downloads, the navigation's search and GET /api/customers."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
import time_machine

from customers.decisions import competitor_save
from customers.services import person_save, touchpoint_log
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0), tick=False):
        yield


@pytest.fixture
def book(sales_manager, calendar_admin):
    """Three customers: one high-risk in Denmark with Anna, one found by an email, one in Sweden
    in its strategy season (budget closes in January) and touched last week."""
    havfrue = factories.customer(
        "Havfrue Shipping ApS", "DK", owner=sales_manager, budget_close_month=6
    )
    competitor_save(customer=havfrue, name="Nordic Cloud", incumbent=True)
    for _ in range(3):
        touchpoint_log(customer=havfrue, date=D(2026, 6, 1), channel="email")
    person_save(customer=havfrue, name="Anna Holm", job_title="CFO", email="anna@havfrue.dk")
    aarhus = factories.customer(
        "Aarhus Logistik A/S", "DK", owner=calendar_admin, budget_close_month=6
    )
    person_save(customer=aarhus, name="Bo Nielsen", email="bo@holmgaard.example")
    nordlys = factories.customer("Nordlys AB", "SE", owner=sales_manager, budget_close_month=1)
    champion = person_save(
        customer=nordlys, name="Carl Berg", decision_role="decides", stance="champion"
    )
    touchpoint_log(customer=nordlys, date=D(2026, 11, 24), channel="visit", people=[champion])
    return {"havfrue": havfrue, "aarhus": aarhus, "nordlys": nordlys}


def names(response) -> list[str]:
    return [row.customer.name for row in response.context["rows"]]


def test_the_list_shows_every_customer_with_touch_risk_season_and_budget_close(sales_client, book):
    response = sales_client.get("/customers/")
    assert response.status_code == 200
    assert names(response) == ["Aarhus Logistik A/S", "Havfrue Shipping ApS", "Nordlys AB"]
    html = response.content.decode()
    assert "⚠ High" in html and "open until" in html and "January" in html
    assert 'aria-current="page">Customers' in html


def test_search_finds_customers_by_name_and_by_a_persons_name_or_email(sales_client, book):
    assert names(sales_client.get("/customers/", {"q": "nordlys"})) == ["Nordlys AB"]
    # "holm" is in Anna Holm's name and in Bo's email: both customers, the people shown.
    response = sales_client.get("/customers/", {"q": "HOLM"})
    assert names(response) == ["Aarhus Logistik A/S", "Havfrue Shipping ApS"]
    html = response.content.decode()
    assert "Anna Holm, CFO · anna@havfrue.dk" in html and "bo@holmgaard.example" in html
    assert "No customer matches “zzz”" in sales_client.get("/customers/?q=zzz").content.decode()


def test_the_navigation_search_box_sends_its_words_to_the_list(sales_client, book):
    html = sales_client.get("/customers/", {"q": "Anna"}).content.decode()
    assert 'role="search"' in html and 'action="/customers/"' in html
    assert 'name="q" placeholder="Find a customer or person" value="Anna"' in html


def test_filters_by_owner_country_touch_risk_and_strategy_season(sales_client, book):
    assert names(sales_client.get("/customers/", {"owner": "me"})) == [
        "Havfrue Shipping ApS",
        "Nordlys AB",
    ]
    assert names(sales_client.get("/customers/", {"owner": "alice"})) == ["Aarhus Logistik A/S"]
    assert names(sales_client.get("/customers/", {"country": "SE"})) == ["Nordlys AB"]
    assert names(sales_client.get("/customers/", {"touch": "ok"})) == ["Nordlys AB"]
    assert names(sales_client.get("/customers/", {"touch": "overdue"})) == ["Havfrue Shipping ApS"]
    assert names(sales_client.get("/customers/", {"risk": "high"})) == ["Havfrue Shipping ApS"]
    assert names(sales_client.get("/customers/", {"season": "on"})) == ["Nordlys AB"]


def test_names_sort_in_danish_order_on_every_database(sales_client, sales_manager):
    """SQLite and PostgreSQL order æ, ø and å differently (and case): the list orders in Python."""
    for name in ["Åbo Is", "bornholm", "Ærø Øl", "Zealand", "Østerbro", "Aalborg"]:
        factories.customer(name, "DK", owner=sales_manager)
    expected = ["Aalborg", "bornholm", "Zealand", "Ærø Øl", "Østerbro", "Åbo Is"]
    assert names(sales_client.get("/customers/")) == expected
    listed = sales_client.get("/api/customers", {"ordering": "-name"}).json()["results"]
    assert [c["name"] for c in listed] == expected[::-1]


def test_sorting_by_risk_next_touch_and_budget_close(sales_client, book):
    assert names(sales_client.get("/customers/", {"ordering": "-risk"}))[0] == (
        "Havfrue Shipping ApS"
    )
    by_touch = names(sales_client.get("/customers/", {"ordering": "next_touch"}))
    assert by_touch[-1] == "Nordlys AB"  # touched last week: the latest next touch
    assert names(sales_client.get("/customers/", {"ordering": "budget_close_month"}))[0] == (
        "Nordlys AB"
    )
    assert names(sales_client.get("/customers/", {"ordering": "-name"}))[0] == "Nordlys AB"


@pytest.mark.parametrize(
    ("parameter", "value"),
    [("ordering", "budget"), ("owner", "nobody"), ("risk", "huge"), ("touch", "x"), ("page", "0")],
)
def test_a_bad_parameter_is_a_400_page_naming_it(sales_client, book, parameter, value):
    response = sales_client.get("/customers/", {parameter: value})
    assert response.status_code == 400
    assert f"Parameter “{parameter}”" in response.content.decode()


def test_the_list_downloads_as_csv_and_xlsx_with_the_same_columns(sales_client, book):
    response = sales_client.get("/customers/", {"q": "holm", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="customers.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["customer", "country", "owner"]
    assert [row[0] for row in rows[1:]] == ["Aarhus Logistik A/S", "Havfrue Shipping ApS"]
    assert rows[2][6] == "high"
    response = sales_client.get("/customers/", {"q": "holm", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["rows"]
    assert [[c.value for c in row][:2] for row in sheet.iter_rows()][1:] == [
        ["Aarhus Logistik A/S", "DK"],
        ["Havfrue Shipping ApS", "DK"],
    ]
    assert [c.value for c in sheet[1]] == rows[0]


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_for_more_customers(
    sales_client, sales_manager, count, django_assert_num_queries
):
    for i in range(count):
        customer = factories.customer(f"Customer {i:02}", "DK", owner=sales_manager)
        person_save(customer=customer, name=f"Person {i}", email=f"p{i}@example.com")
        touchpoint_log(customer=customer, date=D(2026, 11, 1), channel="email")
    with django_assert_num_queries(27):  # the risk check's first look at the change log too
        response = sales_client.get("/customers/", {"q": "example", "ordering": "-risk"})
    assert response.context["total"] == count


def test_the_api_searches_people_and_customers_and_sorts(sales_client, book):
    found = sales_client.get("/api/customers", {"search": "holm", "ordering": "-name"}).json()
    found = found["results"]
    assert [c["name"] for c in found] == ["Havfrue Shipping ApS", "Aarhus Logistik A/S"]
    assert found[0]["owner"] == "sam"  # the API keeps usernames
    by_risk = sales_client.get("/api/customers", {"ordering": "-risk"}).json()["results"]
    assert [(c["name"], c["risk_level"]) for c in by_risk][0] == ("Havfrue Shipping ApS", "high")
    assert {c["risk_level"] for c in by_risk} <= {"low", "medium", "high"}
    one = sales_client.get(f"/api/customers/{book['havfrue'].pk}").json()
    assert one["risk_level"] == "high"
    risk = sales_client.get(f"/api/customers/{book['nordlys'].pk}/risk").json()
    assert [c["risk_level"] for c in by_risk if c["name"] == "Nordlys AB"] == [risk["level"]]


@pytest.mark.parametrize("ordering", ["next_touch", "-next_touch", "budget_close_month", "risk"])
def test_the_api_sorts_by_each_ordering_and_its_reverse(sales_client, book, ordering):
    listed = sales_client.get("/api/customers", {"ordering": ordering}).json()["results"]
    forward = [c["id"] for c in listed]
    assert len(forward) == 3


@pytest.mark.parametrize("ordering", ["budget", "-", "name,risk", "id"])
def test_the_api_refuses_an_ordering_it_does_not_know_naming_ordering(sales_client, book, ordering):
    response = sales_client.get("/api/customers", {"ordering": ordering})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ordering"]
    assert "next_touch" in response.json()["errors"]["ordering"][0]


@pytest.mark.parametrize("count", [3, 30])
def test_the_api_list_costs_the_same_queries_for_more_customers(
    sales_client, sales_manager, count, django_assert_num_queries
):
    for i in range(count):
        customer = factories.customer(f"Customer {i:02}", "DK", owner=sales_manager)
        factories.interest(customer, "cloud", noted_on=D(2026, 11, 1))
    # Every customer's risk level to sort (a first look at the change log, then the check), then
    # the page's rows, whose risk levels the process now remembers.
    with django_assert_num_queries(29):
        response = sales_client.get("/api/customers", {"ordering": "-risk"})
    assert len(response.json()["results"]) == count


def test_the_site_answers_favicon_ico(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")
