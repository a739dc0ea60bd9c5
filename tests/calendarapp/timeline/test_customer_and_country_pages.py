"""The country page, the account pages and the error pages."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.template.loader import render_to_string

from tests import factories

D = datetime.date


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 8, 1, 10, 0), tick=False):
        yield


def test_pages_need_a_login(client, dansk_retail):
    for url in ["/", f"/customers/{dansk_retail.pk}", "/countries/DK", "/plans/", "/plans/new"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_country_page_switches_subdivision(sales_client, db):
    factories.customer("Munich GmbH", "DE", subdivision="BY")
    factories.customer("Hamburg GmbH", "DE", subdivision="HH")
    nationwide = sales_client.get("/countries/DE", {"year": "2026"}).content.decode()
    assert "Germany 2026" in nationwide
    assert "German Unity Day" in nationwide
    assert "Corpus Christi" not in nationwide
    assert "Munich GmbH" in nationwide and "Hamburg GmbH" in nationwide
    bavaria = sales_client.get("/countries/DE", {"year": "2026", "subdivision": "BY"})
    html = bavaria.content.decode()
    assert "Corpus Christi" in html and "BY only" in html
    assert "German Unity Day" in html
    assert '<option value="BY" selected>' in html


def test_country_page_lists_local_traditions(sales_client, dansk_retail):
    html = sales_client.get("/countries/DK", {"year": "2027"}).content.decode()
    assert "Autumn school holiday" in html
    assert "18–22 Oct 2027" in html
    assert "Dansk Retail" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "soon"}, "Parameter “year”: Enter a whole number."),
        ({"year": "99999"}, "Parameter “year”: Ensure this value is less than or equal to 2200."),
        ({"subdivision": "XX"}, "Parameter “subdivision”: Select a valid choice."),
    ],
)
def test_country_page_bad_parameters(sales_client, db, params, message):
    response = sales_client.get("/countries/DE", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_unknown_country_is_404_page(sales_client, db):
    response = sales_client.get("/countries/ZZ")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.content.decode()


def test_login_page_and_password_change(client, sales_manager):
    login = client.get("/accounts/login/")
    assert login.status_code == 200
    assert '<label for="id_username">Username</label>' in login.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "sam", "password": "wrong"}, follow=True
    )
    assert "Please enter a correct username and password" in response.content.decode()
    client.post("/accounts/login/", {"username": "sam", "password": "pw-for-tests-only"})
    change = client.get("/accounts/password/")
    assert change.status_code == 200
    assert "Change password" in change.content.decode()
    done = client.post(
        "/accounts/password/",
        {
            "old_password": "pw-for-tests-only",
            "new_password1": "a-long-new-passphrase-42",
            "new_password2": "a-long-new-passphrase-42",
        },
        follow=True,
    )
    assert "Password changed" in done.content.decode()


def test_server_error_page_stands_alone():
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "/static/css/app.css" in html


def test_my_plans_checks_only_plans_still_ahead(client, sales_manager, danes):
    import datetime

    today = datetime.date.today()
    past = factories.plan(
        kind="event",
        title="Old fair",
        start=today - datetime.timedelta(days=400),
        end=today - datetime.timedelta(days=399),
        owner=sales_manager,
        countries=["DK"],
    )
    factories.plan(
        kind="event",
        title="Coming fair",
        start=today + datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=31),
        owner=sales_manager,
        countries=["DK"],
    )
    client.force_login(sales_manager)
    page = client.get("/plans/").content.decode()
    assert past.title in page and "Coming fair" in page
    assert page.count("Past: not checked") == 1


def test_country_page_links_to_its_feed(admin_client):
    page = admin_client.get("/countries/DK").content.decode()
    assert "/feeds/?country=DK" in page
    assert "countries/DK.ics" in page


def test_a_lower_case_country_code_leads_to_the_country_page(sales_client, dansk_retail):
    response = sales_client.get("/countries/dk", {"year": "2027"})
    assert response.status_code == 301
    assert response["Location"] == "/countries/DK?year=2027"
    assert "Autumn school holiday" in sales_client.get(response["Location"]).content.decode()
    assert sales_client.get("/countries/zz").status_code == 301  # then the 404 page
