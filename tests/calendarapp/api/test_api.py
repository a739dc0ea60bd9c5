"""The JSON API contract, field by field, and every bad input as a 400 naming the field."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command

from calendarapp.accounts.tokens import api_token_create
from calendarapp.models import ApiToken, Plan
from customers.models import Customer
from tests import factories
from traditions.models import Tradition

D = datetime.date


@pytest.fixture
def dane(db, sales_manager):
    customer = factories.customer("Dansk Retail", "DK", owner=sales_manager, budget_close_month=9)
    customer.interests.create(name="cloud")
    return customer


@pytest.fixture
def week_42(db):
    return factories.danish_autumn_school_holiday()


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='tests')[1]}"}


def test_customer_fields(admin_client, dane, clock):
    response = admin_client.get(f"/api/customers/{dane.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "id": dane.pk,
        "name": "Dansk Retail",
        "country": "DK",
        "subdivision": "",
        "timezone": "Europe/Copenhagen",
        "owner": "sam",
        "budget_close_month": 9,
        "interests": [
            {
                "name": "cloud",
                "strength": "curious",
                "noted_on": dane.interest_evidence.get().noted_on.isoformat(),
                "confirmed_on": None,
                "stale": False,
            }
        ],
        "contact_every_days": 30,
        "strategy_weeks_before_start": 10,
        "strategy_weeks_before_end": 4,
        "email_domains": [],
        "notes": "",
        "active": True,
        "last_touch": None,
        "next_touch": "2026-06-15",  # never in touch: as soon as possible, a good day from today
        "touch_status": "never",
        "risk_level": "medium",
    }


def test_admin_creates_customer_with_defaults(admin_client, sales_manager):
    response = admin_client.post(
        "/api/customers",
        {
            "name": "Bayern Brau",
            "country": "DE",
            "subdivision": "BY",
            "owner": "sam",
            "budget_close_month": 3,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["timezone"] == "Europe/Berlin"
    assert body["interests"] == [], "interests are written through /api/customer-interests"
    assert Customer.objects.get(pk=body["id"]).owner == sales_manager


@pytest.mark.parametrize(
    ("payload", "field", "text"),
    [
        ({"country": "XX"}, "country", "not a country code"),
        ({"country": "DE", "subdivision": "ZZ"}, "subdivision", "not a subdivision of DE"),
        ({"budget_close_month": 13}, "budget_close_month", "13 is not a month 1–12"),
        ({"timezone": "Mars/Olympus"}, "timezone", "not an IANA time zone"),
        ({"owner": "ghost"}, "owner", "does not exist"),
    ],
)
def test_customer_bad_input_is_400_naming_the_field(admin_client, payload, field, text):
    body = {"name": "X", "country": "DK", **payload}
    response = admin_client.post("/api/customers", body, content_type="application/json")
    assert response.status_code == 400
    assert text in " ".join(response.json()["errors"][field])
    assert not Customer.objects.exists()


def test_tradition_round_trip_with_rrule(admin_client, dane):
    body = {
        "customer": dane.pk,
        "kind": "busy_season",
        "title": "Christmas rush",
        "start": "2026-11-15",
        "end": "2026-12-31",
        "recurrence": "RRULE:FREQ=YEARLY",
        "lead_time_days": 45,
    }
    response = admin_client.post("/api/traditions", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created == {
        **body,
        "id": created["id"],
        "country": "",
        "subdivision": "",
        "blocks_events": False,
    }
    response = admin_client.patch(
        f"/api/traditions/{created['id']}", {"title": "Peak"}, content_type="application/json"
    )
    assert response.json()["title"] == "Peak"
    assert admin_client.delete(f"/api/traditions/{created['id']}").status_code == 204


@pytest.mark.parametrize(
    "until",
    ["20301215", "20301215T000000", "20301214T230000Z"],
    ids=["a day", "local time", "utc"],
)
def test_a_tradition_repeating_until_a_day_is_saved_and_ends_on_that_day(admin_client, dane, until):
    body = {
        "customer": dane.pk,
        "kind": "customer_event",
        "title": "Winter party",
        "start": "2026-12-15",
        "end": "2026-12-15",
        "recurrence": f"RRULE:FREQ=YEARLY;UNTIL={until}",
    }
    response = admin_client.post("/api/traditions", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    # Stored, as django-recurrence does, as the UTC instant of Copenhagen's midnight.
    assert response.json()["recurrence"] == "RRULE:FREQ=YEARLY;UNTIL=20301214T230000Z"
    found = admin_client.get(
        "/api/occurrences", {"start": "2029-01-01", "end": "2031-12-31", "kind": "customer_event"}
    ).json()["results"]
    assert [o["start"] for o in found] == ["2029-12-15", "2030-12-15"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"end": "2026-01-01"}, "end"),
        ({"recurrence": "RRULE:FREQ=SOMETIMES"}, "recurrence"),
        ({"recurrence": "RRULE:FREQ=YEARLY", "end": "2027-06-01"}, "end"),
        ({"kind": "party"}, "kind"),
        ({"customer": 99999}, "customer"),
        ({"customer": None}, "customer"),
        ({"country": "DK"}, "country"),
        ({"start": "31/12/2026"}, "start"),
    ],
)
def test_tradition_bad_input_is_400_naming_the_field(admin_client, dane, payload, field):
    body = {
        "customer": dane.pk,
        "kind": "busy_season",
        "title": "Rush",
        "start": "2026-02-01",
        "end": "2026-02-28",
        **payload,
    }
    response = admin_client.post("/api/traditions", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Tradition.objects.exists()


def test_local_tradition_via_api(admin_client):
    body = {
        "customer": None,
        "country": "SE",
        "subdivision": "",
        "kind": "vacation",
        "title": "Industrisemester",
        "start": "2026-07-06",
        "end": "2026-08-02",
        "recurrence": None,
        "lead_time_days": 0,
    }
    response = admin_client.post("/api/traditions", body, content_type="application/json")
    assert response.status_code == 201, response.json()


def test_sales_manager_cannot_write_customers_or_traditions(sales_client, dane):
    assert sales_client.get("/api/customers").status_code == 200
    assert (
        sales_client.post(
            "/api/customers", {"name": "X", "country": "DK"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        sales_client.patch(
            f"/api/customers/{dane.pk}", {"name": "Y"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert sales_client.delete(f"/api/customers/{dane.pk}").status_code == 403
    # A country's local traditions stay the calendar admins' (owners keep their customers').
    body = {
        "country": "DK",
        "kind": "other",
        "title": "T",
        "start": "2026-01-01",
        "end": "2026-01-01",
    }
    response = sales_client.post("/api/traditions", body, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {
        "errors": {"detail": ["Only a calendar admin changes a country's local traditions."]}
    }
    assert Customer.objects.get().name == "Dansk Retail"


def test_bearer_token_and_unauthenticated(client, sales_manager, dane):
    assert client.get("/api/customers").status_code == 401
    assert client.get("/api/customers", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    response = client.get("/api/customers", **bearer(sales_manager))
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["results"]] == ["Dansk Retail"]


def test_create_api_token_command_prints_a_working_token(client, sales_manager, capsys):
    call_command("create_api_token", "sam")
    token = capsys.readouterr().out.strip()
    assert client.get("/api/plans", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert not ApiToken.objects.filter(token_hash=token).exists(), "only a hash is stored"


def test_plans_crud_and_ownership(sales_client, sales_manager, calendar_admin, dane, client):
    body = {
        "kind": "event",
        "title": "Roadshow",
        "start": "2026-05-05",
        "end": "2026-05-06",
        "customers": [dane.pk],
        "countries": ["SE"],
        "interests": ["cloud"],
    }
    response = sales_client.post("/api/plans", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created == {
        **body,
        "id": created["id"],
        "owner": "sam",
        "status": "draft",
        "offers": [],
    }
    other = factories.plan(
        kind="visit",
        title="Admin's",
        start=D(2026, 1, 5),
        end=D(2026, 1, 5),
        owner=calendar_admin,
        countries=["DK"],
    )
    assert (
        sales_client.patch(
            f"/api/plans/{other.pk}", {"title": "Mine now"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        sales_client.patch(
            f"/api/plans/{created['id']}", {"title": "Roadshow II"}, content_type="application/json"
        ).status_code
        == 200
    )
    client.force_login(calendar_admin)
    assert client.delete(f"/api/plans/{created['id']}").status_code == 204


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"customers": [99999]}, "customers"),
        ({"countries": ["XX"]}, "countries"),
        ({"interests": ["astrology"]}, "interests"),
        ({"kind": "party"}, "kind"),
        ({"end": "2026-05-01"}, "end"),
    ],
)
def test_plan_bad_input(sales_client, dane, payload, field):
    body = {
        "kind": "event",
        "title": "Roadshow",
        "start": "2026-05-05",
        "end": "2026-05-06",
        **payload,
    }
    response = sales_client.post("/api/plans", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Plan.objects.exists()


def test_occurrences_endpoint(sales_client, dane, week_42):
    response = sales_client.get(
        "/api/occurrences",
        {"start": "2026-10-01", "end": "2026-10-31", "customer": dane.pk, "kind": "vacation"},
    )
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["title"] == "Autumn school holiday"
    assert (item["start"], item["end"], item["country"], item["source"]) == (
        "2026-10-12",
        "2026-10-16",
        "DK",
        "tradition",
    )
    assert set(item) == {
        "id",
        "start",
        "end",
        "kind",
        "title",
        "customer",
        "country",
        "subdivision",
        "source",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-01-01", "end": "2030-01-01"}, "end"),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "end"),
        ({"start": "yesterday"}, "start"),
        ({"customer": 99999}, "customer"),
        ({"country": "XX"}, "country"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_occurrences_bad_parameters(sales_client, params, field):
    response = sales_client.get("/api/occurrences", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_check_finds_the_week_42_blocker(sales_client, dane, week_42):
    body = {
        "kind": "event",
        "title": "Inspiration day",
        "start": "2026-10-13",
        "end": "2026-10-14",
        "countries": ["DK"],
    }
    response = sales_client.post("/api/plans/check", body, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    # Its budget closed on 30 Sep, which does not keep people from an event.
    assert data["summary"] == {"blocker": 1, "warning": 0, "opportunity": 0}
    finding = data["findings"][0]
    assert finding["customer"] == dane.pk
    assert (finding["severity"], finding["kind"], finding["start"], finding["end"]) == (
        "blocker",
        "vacation",
        "2026-10-12",
        "2026-10-16",
    )
    assert "Dansk Retail: Autumn school holiday" in finding["message"]
    assert finding["rule"] == "people_away"
    assert data["groups"][0] == {
        "rule": "people_away",
        "severity": "blocker",
        "title": "Autumn school holiday",
        "start": "2026-10-12",
        "end": "2026-10-16",
        "customers": [dane.pk],
        "message": "Dansk Retail: Autumn school holiday (week 42, 12–16 Oct 2026),"
        " the people are not there for your event.",
    }
    assert [group["rule"] for group in data["groups"]] == ["people_away"]


def test_suggest_without_a_range_searches_around_the_plan(sales_client, week_42):
    # Its budget closes in December, so nothing but the school holiday is in the way.
    nordisk = factories.customer("Nordisk", "DK")
    body = {"kind": "event", "start": "2027-10-19", "end": "2027-10-20", "customers": [nordisk.pk]}
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0), tick=False):
        response = sales_client.post("/api/plans/suggest", body, content_type="application/json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["search_start"], data["search_end"]) == ("2027-09-07", "2027-12-01")
    first = data["suggestions"][0]
    assert datetime.date.fromisoformat(first["start"]).isocalendar().week in (41, 43)
    assert first["summary"]["blocker"] == 0
    assert (
        first["distance_days"]
        == (datetime.date.fromisoformat(first["start"]) - datetime.date(2027, 10, 19)).days
    )
    assert data["note"] == ""


def test_suggest_with_an_end_but_no_start_is_a_400_naming_start(sales_client, dane):
    # Found by the schema fuzz: the end alone could lie before the day the search centres on.
    body = {"kind": "campaign", "end": "1912-06-05", "duration_days": 1}
    response = sales_client.post("/api/plans/suggest", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "start": ["Give the start with the end, or leave both out."]
    }


def test_suggest_says_why_there_are_fewer_than_five(sales_client, dane, week_42):
    body = {
        "kind": "event",
        "start": "2026-10-13",
        "end": "2026-10-14",
        "countries": ["DK"],
        "search_start": "2026-10-12",
        "search_end": "2026-10-23",
    }
    data = sales_client.post("/api/plans/suggest", body, content_type="application/json").json()
    assert [s["start"] for s in data["suggestions"]] == ["2026-10-19", "2026-10-21"]
    assert data["note"] == "Only 2 dates without blockers in 12–23 Oct 2026; widen the range."


def test_a_tradition_can_block_events_through_the_api(admin_client, dane):
    body = {
        "customer": dane.pk,
        "kind": "busy_season",
        "title": "Inventory",
        "start": "2026-11-02",
        "end": "2026-11-13",
        "blocks_events": True,
    }
    response = admin_client.post("/api/traditions", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["blocks_events"] is True
    bad = {**body, "kind": "customer_event"}
    response = admin_client.post("/api/traditions", bad, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"blocks_events": ["Only a busy season can block events."]}
    }


def test_suggest_moves_out_of_week_42(sales_client, dane, week_42):
    body = {
        "kind": "event",
        "start": "2026-10-13",
        "end": "2026-10-14",
        "countries": ["DK"],
        "duration_days": 2,
        "search_start": "2026-10-05",
        "search_end": "2026-11-29",
    }
    response = sales_client.post("/api/plans/suggest", body, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert len(data["suggestions"]) == 5
    assert all(s["summary"]["blocker"] == 0 for s in data["suggestions"])
    week_42 = next(week for week in data["weeks"] if week["week"] == 42)
    assert week_42 == {
        "year": 2026,
        "week": 42,
        "blocker": 1,
        "warning": 0,
        "best_start": "2026-10-13",
    }
    assert all(week["blocker"] == 0 for week in data["weeks"] if week["week"] != 42)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"search_start": "2026-01-01", "search_end": "2030-01-01"}, "search_end"),
        ({"search_end": "2025-01-01"}, "search_end"),
        ({"duration_days": 0}, "duration_days"),
        ({"kind": "nap"}, "kind"),
    ],
)
def test_suggest_bad_input(sales_client, dane, payload, field):
    body = {
        "kind": "event",
        "countries": ["DK"],
        "duration_days": 2,
        "search_start": "2026-10-05",
        **payload,
    }
    response = sales_client.post("/api/plans/suggest", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_malformed_json_is_400(sales_client):
    response = sales_client.post("/api/plans/check", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "errors" in response.json()


def test_post_without_trailing_slash_is_not_redirected(sales_client):
    response = sales_client.post("/api/plans", {}, content_type="application/json")
    assert response.status_code == 400


def test_schema_and_docs(sales_client):
    schema = sales_client.get("/api/schema")
    assert schema.status_code == 200
    assert b"/api/plans/check" in schema.content
    docs = sales_client.get("/api/docs")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    # Served from our own static files: every script and stylesheet address is on the site.
    # (Not a search for "cdn": the page carries a random CSRF token that may spell it.)
    addresses = re.findall(r'(?:src|href)="([^"]*)"', docs.content.decode())
    assert addresses and all(address.startswith("/") for address in addresses), addresses


@pytest.mark.parametrize("count", [5, 50])
def test_customer_list_queries_constant(admin_client, count, django_assert_max_num_queries):
    for i in range(count):
        factories.customer(f"C{i}", "DK").interests.create(name=f"i{i}")
    # 1 for every customer's name (the order), 6 for the page's customers, 9 for their touch
    # states (last and next touch), 8 for their risk levels (with the change log's mark) and 3
    # for their strategy seasons.
    with django_assert_max_num_queries(27):
        assert len(admin_client.get("/api/customers").json()["results"]) == count


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("get", "/api/occurrences", {"start": "9999-12-01"}, "start"),
        (
            "post",
            "/api/plans/check",
            {"kind": "event", "start": "0001-01-01", "end": "0001-01-02", "countries": ["DK"]},
            "start",
        ),
        (
            "post",
            "/api/plans/suggest",
            {
                "kind": "event",
                "countries": ["DK"],
                "duration_days": 2,
                "search_start": "9999-12-01",
            },
            "search_start",
        ),
        (
            "post",
            "/api/plans",
            {
                "kind": "event",
                "title": "Far",
                "start": "9999-12-30",
                "end": "9999-12-31",
                "countries": ["DK"],
            },
            "start",
        ),
        (
            "post",
            "/api/plans",
            {
                "kind": "event",
                "title": "Long",
                "start": "2026-01-01",
                "end": "2036-01-01",
                "countries": ["DK"],
            },
            "end",
        ),
        (
            "post",
            "/api/plans",
            {"kind": "event", "title": "Nobody", "start": "2026-01-01", "end": "2026-01-02"},
            "customers",
        ),
        (
            "post",
            "/api/plans/suggest",
            {
                "kind": "event",
                "countries": ["DK"],
                "duration_days": 2,
                "start": "2026-02-01",
                "end": "2026-01-01",
            },
            "end",
        ),
    ],
)
def test_far_dates_long_plans_and_empty_audiences_are_400_not_500(
    sales_client, dane, method, path, body, field
):
    if method == "get":
        response = sales_client.get(path, body)
    else:
        response = sales_client.post(path, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Plan.objects.exists()


def test_a_huge_lead_time_is_refused(admin_client, dane):
    body = {
        "customer": dane.pk,
        "kind": "other",
        "title": "T",
        "start": "2026-01-01",
        "end": "2026-01-01",
        "lead_time_days": 10**12,
    }
    response = admin_client.post("/api/traditions", body, content_type="application/json")
    assert response.status_code == 400
    assert "lead_time_days" in response.json()["errors"]


def test_unknown_interest_is_a_flat_list_of_messages(sales_client, dane):
    body = {
        "kind": "event",
        "title": "T",
        "start": "2026-05-05",
        "end": "2026-05-05",
        "interests": ["astrology"],
    }
    response = sales_client.post("/api/plans", body, content_type="application/json")
    assert response.json()["errors"]["interests"] == ["Unknown interest: astrology."]


def test_patching_a_plan_keeps_its_audience(sales_client, dane):
    body = {
        "kind": "event",
        "title": "Roadshow",
        "start": "2026-05-05",
        "end": "2026-05-06",
        "customers": [dane.pk],
    }
    created = sales_client.post("/api/plans", body, content_type="application/json").json()
    response = sales_client.patch(
        f"/api/plans/{created['id']}", {"end": "2026-05-07"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["customers"] == [dane.pk]
    assert Plan.objects.get().end == D(2026, 5, 7)


def test_patching_away_a_plans_whole_audience_is_400_naming_customers(sales_client, dane):
    body = {"kind": "event", "title": "Roadshow", "start": "2026-05-05", "end": "2026-05-06"}
    created = sales_client.post(
        "/api/plans", {**body, "customers": [dane.pk]}, content_type="application/json"
    ).json()
    response = sales_client.patch(
        f"/api/plans/{created['id']}", {"customers": []}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "audience" in response.json()["errors"]["customers"][0]
    assert list(Plan.objects.get().customers.all()) == [dane]


def test_a_user_outside_both_roles_is_refused(client, nobody, dane):
    client.force_login(nobody)
    assert client.get("/api/customers").status_code == 403
    assert client.get("/api/occurrences").status_code == 403
    body = {"kind": "event", "start": "2026-10-13", "end": "2026-10-14", "countries": ["DK"]}
    assert client.post("/api/plans/check", body, content_type="application/json").status_code == 403


def test_a_username_with_a_nul_byte_is_a_400_naming_the_field(admin_client):
    # Found by the schema fuzz on PostgreSQL, which refuses NUL in the lookup (it was a 500).
    body = {"name": "Nul A/S", "country": "DK", "owner": "sam\x00"}
    response = admin_client.post("/api/customers", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"owner": ["Remove the NUL character (\\x00)."]}
