"""The customer page: its year, what is coming up, contracts, traditions and feed."""

from __future__ import annotations

import datetime

import pytest
import time_machine

D = datetime.date


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 8, 1, 10, 0), tick=False):
        yield


def test_customer_page_shows_year_upcoming_contracts_and_traditions(sales_client, dansk_retail):
    response = sales_client.get(f"/customers/{dansk_retail.pk}")
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


def test_customer_page_year_at_a_glance_lists_each_month(sales_client, dansk_retail):
    html = sales_client.get(f"/customers/{dansk_retail.pk}", {"year": "2027"}).content.decode()
    assert "2027 at a glance" in html
    # A season across New Year shows in both months it touches, once as a whole.
    assert html.count("Peak season") >= 2
    assert "15 Nov 2027 – 10 Jan 2028" in html
    assert 'href="?year=2026"' in html and 'href="?year=2028"' in html


def test_admins_get_edit_links_on_the_site(admin_client, dansk_retail):
    html = admin_client.get(f"/customers/{dansk_retail.pk}").content.decode()
    assert f"/customers/{dansk_retail.pk}/facts" in html
    assert f"/customers/{dansk_retail.pk}/traditions/new" in html
    assert "/admin/" not in html.split("<main", 1)[1]


def test_customer_page_bad_year_and_unknown_customer(sales_client, dansk_retail):
    response = sales_client.get(f"/customers/{dansk_retail.pk}", {"year": "next"})
    assert response.status_code == 400
    assert "Parameter “year”: Enter a whole number." in response.content.decode()
    assert sales_client.get("/customers/999999").status_code == 404


def test_customer_page_feed_area_is_present(sales_client, dansk_retail):
    html = sales_client.get(f"/customers/{dansk_retail.pk}").content.decode()
    assert 'id="feed-title"' in html
