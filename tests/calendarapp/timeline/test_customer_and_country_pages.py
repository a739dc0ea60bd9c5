"""The customer page, the country page, the account pages and the error pages."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.template.loader import render_to_string

from customers.models import Interest
from tests import factories

D = datetime.date


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 8, 1, 10, 0), tick=False):
        yield


@pytest.fixture
def dane(db):
    customer = factories.customer("Dansk Retail", "DK", budget_close_month=9)
    customer.interests.add(Interest.objects.create(name="cloud"))
    factories.danish_autumn_school_holiday()
    factories.tradition(
        title="Peak season",
        kind="busy_season",
        customer=customer,
        start=D(2025, 11, 15),
        end=D(2026, 1, 10),
        rule="RRULE:FREQ=YEARLY",
        lead_time_days=30,
    )
    factories.contract(
        customer, D(2027, 3, 31), name="Support", notice_period_days=90, pre_shopping_days=240
    )
    return customer


def test_pages_need_a_login(client, dane):
    for url in ["/", f"/customers/{dane.pk}", "/countries/DK", "/plans/", "/plans/new"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_customer_page_shows_year_upcoming_contracts_and_traditions(sales_client, dane):
    response = sales_client.get(f"/customers/{dane.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2026 at a glance" in html
    # Upcoming, with lead-time hints: budget closes 30 Sep, 60 days' lead by default.
    assert 'Budget closes</strong> 30 Sep 2026: <span class="hint">act by 1 Aug 2026</span>' in html
    assert "Autumn school holiday</strong> 12–16 Oct 2026" in html
    # The contract and its renewal window.
    assert "Support" in html
    assert "3 Aug 2026" in html  # pre-shopping opens 240 days before 31 Mar 2027
    assert "31 Dec 2026" in html  # notice deadline, 90 days before
    # The tradition, without edit links for a sales manager.
    assert "Peak season" in html and "repeats annually" in html
    assert "/admin/" not in html
    assert "Denmark" in html and "cloud" in html


def test_customer_page_year_at_a_glance_lists_each_month(sales_client, dane):
    html = sales_client.get(f"/customers/{dane.pk}", {"year": "2027"}).content.decode()
    assert "2027 at a glance" in html
    # A season across New Year shows in both months it touches, once as a whole.
    assert html.count("Peak season") >= 2
    assert "15 Nov 2027 – 10 Jan 2028" in html
    assert 'href="?year=2026"' in html and 'href="?year=2028"' in html


def test_admins_get_edit_links(admin_client, dane):
    html = admin_client.get(f"/customers/{dane.pk}").content.decode()
    assert f"/admin/customers/customer/{dane.pk}/change/" in html
    assert "#traditions-group" in html


def test_customer_page_bad_year_and_unknown_customer(sales_client, dane):
    response = sales_client.get(f"/customers/{dane.pk}", {"year": "next"})
    assert response.status_code == 400
    assert "Parameter “year”: Enter a whole number." in response.content.decode()
    assert sales_client.get("/customers/999999").status_code == 404


def test_customer_page_feed_area_is_present(sales_client, dane):
    html = sales_client.get(f"/customers/{dane.pk}").content.decode()
    assert 'id="feed-title"' in html


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


def test_country_page_lists_local_traditions(sales_client, dane):
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


def test_a_lower_case_country_code_leads_to_the_country_page(sales_client, dane):
    response = sales_client.get("/countries/dk", {"year": "2027"})
    assert response.status_code == 301
    assert response["Location"] == "/countries/DK?year=2027"
    assert "Autumn school holiday" in sales_client.get(response["Location"]).content.decode()
    assert sales_client.get("/countries/zz").status_code == 301  # then the 404 page
