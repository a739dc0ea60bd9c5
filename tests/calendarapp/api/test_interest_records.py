"""The API of interests as evidence, strategies, plans' offers and opportunities."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from calendarapp.kinds import STRATEGY_SEASON
from calendarapp.roles import SALES_MANAGERS
from customers.models import CustomerInterest, Interest
from tests import factories

DAY = datetime.timedelta(days=1)


@pytest.fixture
def havfrue(db, sales_manager):
    return factories.customer("Havfrue Shipping", "DK", owner=sales_manager, budget_close_month=2)


def test_the_owner_notes_an_interest_by_name_and_the_customer_shows_it(sales_client, havfrue):
    today = timezone.localdate()
    response = sales_client.post(
        "/api/customer-interests",
        {"customer": havfrue.pk, "interest": "IoT", "strength": "evaluating"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body == {
        "id": body["id"],
        "customer": havfrue.pk,
        "interest": "IoT",
        "strength": "evaluating",
        "noted_on": today.isoformat(),
        "confirmed_on": None,
        "touchpoint": None,
        "person": None,
        "no_longer_on": None,
        "stale": False,
    }
    assert Interest.objects.filter(name="IoT").exists(), "a new name creates the interest"
    customer = sales_client.get(f"/api/customers/{havfrue.pk}").json()
    assert customer["interests"] == [
        {
            "name": "IoT",
            "strength": "evaluating",
            "noted_on": today.isoformat(),
            "confirmed_on": None,
            "stale": False,
        }
    ]
    listed = sales_client.get(f"/api/customer-interests?customer={havfrue.pk}").json()["results"]
    assert [row["interest"] for row in listed] == ["IoT"]


def test_confirming_and_ending_an_interest_through_patch(sales_client, havfrue):
    today = timezone.localdate()
    evidence = factories.interest(havfrue, "IoT", noted_on=today - 300 * DAY)
    assert sales_client.get(f"/api/customer-interests/{evidence.pk}").json()["stale"] is True
    response = sales_client.patch(
        f"/api/customer-interests/{evidence.pk}",
        {"confirmed_on": today.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stale"] is False
    assert sales_client.delete(f"/api/customer-interests/{evidence.pk}").status_code == 204
    assert not CustomerInterest.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"interest": ""}, "interest"),
        ({"interest": "IoT", "strength": "obsessed"}, "strength"),
        ({"interest": "IoT", "noted_on": "2026-1-1"}, "noted_on"),
        ({"interest": "IoT", "noted_on": "2999-01-01"}, "noted_on"),
        ({"interest": "IoT", "customer": 999999}, "customer"),
    ],
)
def test_bad_evidence_is_a_400_naming_the_field(sales_client, havfrue, payload, field):
    response = sales_client.post(
        "/api/customer-interests",
        {"customer": havfrue.pk, **payload},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not CustomerInterest.objects.exists()


def test_another_owners_customer_is_read_only(sales_client, db):
    other = factories.customer(
        "Nordlys Retail", "NO", owner=factories.user("kenji", SALES_MANAGERS)
    )
    response = sales_client.post(
        "/api/customer-interests",
        {"customer": other.pk, "interest": "IoT"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert sales_client.get(f"/api/customer-interests?customer={other.pk}").status_code == 200


def test_strategies_crud(sales_client, havfrue):
    body = {
        "customer": havfrue.pk,
        "title": "Telemetry on every vessel",
        "noted_on": timezone.localdate().isoformat(),
        "touchpoint": None,
        "stage": "shaping",
        "how_we_help": "Our IoT gateway",
    }
    response = sales_client.post("/api/strategies", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created == {**body, "id": created["id"]}
    url = f"/api/strategies/{created['id']}"
    assert sales_client.get(url).json()["stage"] == "shaping"
    patched = sales_client.patch(url, {"stage": "decided"}, content_type="application/json")
    assert patched.json()["stage"] == "decided"
    bad = sales_client.patch(url, {"stage": "dreaming"}, content_type="application/json")
    assert bad.status_code == 400 and "stage" in bad.json()["errors"]
    assert sales_client.delete(url).status_code == 204


def test_plans_take_offers_by_name(sales_client, havfrue):
    Interest.objects.create(name="IoT")
    body = {
        "kind": "webinar",
        "title": "IoT at sea",
        "start": "2027-03-03",
        "end": "2027-03-03",
        "customers": [havfrue.pk],
        "offers": ["IoT"],
    }
    response = sales_client.post("/api/plans", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["offers"] == ["IoT"]
    check = sales_client.post("/api/plans/check", body, content_type="application/json").json()
    assert [g["message"] for g in check["groups"] if g["rule"] == "no_known_interest"] == [
        "Havfrue Shipping has not told us it cares about IoT: ask before you push."
    ]
    unknown = sales_client.post(
        "/api/plans", {**body, "offers": ["astrology"]}, content_type="application/json"
    )
    assert unknown.status_code == 400 and "offers" in unknown.json()["errors"]


def test_occurrences_of_kind_strategy_season(sales_client, havfrue):
    response = sales_client.get(
        f"/api/occurrences?start=2027-01-01&end=2027-03-31&kind={STRATEGY_SEASON}"
    )
    assert response.status_code == 200
    assert [(o["start"], o["end"], o["customer"]) for o in response.json()["results"]] == [
        ("2026-12-20", "2027-01-31", havfrue.pk)
    ]


def test_opportunities_of_an_owner_with_the_customers_interests(
    sales_client, havfrue, sales_manager, settings
):
    today = timezone.localdate()
    settings.BUDGET_CLOSE_LEAD_DAYS = 60
    factories.interest(havfrue, "IoT", noted_on=today)
    factories.contract(havfrue, today + 200 * DAY, name="Fleet support")
    other = factories.customer(
        "Nordlys Retail", "NO", owner=factories.user("kenji", SALES_MANAGERS)
    )
    mine = sales_client.get("/api/opportunities?owner=me&days=60").json()["results"]
    assert mine, "a pre-shopping window opens within 60 days"
    assert {item["customer"] for item in mine} == {havfrue.pk}
    first = mine[0]
    assert set(first) == {"kind", "customer", "customer_name", "owner", "start", "end"} | {
        "title",
        "message",
        "interests",
        "deadline",
    }
    assert (first["customer_name"], first["owner"]) == (havfrue.name, sales_manager.username)
    assert first["interests"] == ["IoT"]
    team = sales_client.get("/api/opportunities").json()["results"]
    assert {item["customer"] for item in team} >= {havfrue.pk, other.pk}
    kenji = sales_client.get("/api/opportunities?owner=kenji&kind=touch_due").json()["results"]
    assert {(i["customer"], i["kind"]) for i in kenji} == {(other.pk, "touch_due")}


@pytest.mark.parametrize(
    ("query", "field"),
    [("owner=nobody", "owner"), ("days=0", "days"), ("days=x", "days"), ("kind=party", "kind")],
)
def test_bad_opportunity_parameters_are_a_400_naming_them(sales_client, db, query, field):
    response = sales_client.get(f"/api/opportunities?{query}")
    assert response.status_code == 400
    assert field in response.json()["errors"]
