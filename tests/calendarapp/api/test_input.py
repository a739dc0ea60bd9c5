"""Input a caller can get wrong: dates only as YYYY-MM-DD, ids only as integers, audiences bounded."""

import pytest

from tests import factories

PLAN = {"kind": "event", "title": "Summit", "start": "2027-10-11", "end": "2027-10-12"}


@pytest.mark.parametrize("written", ["2026-1-1", "2026-01-1", "20260101", "1.1.2026"])
def test_a_date_not_written_yyyy_mm_dd_is_a_400_naming_the_field(sales_client, danes, written):
    body = {**PLAN, "start": written, "customers": [danes[0].pk]}
    response = sales_client.post("/api/plans/check", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["start"] == [
        "Give the date as YYYY-MM-DD, for example 2026-10-12."
    ]


def test_model_dates_in_the_api_are_strict_too(sales_client, danes):
    body = {**PLAN, "end": "2027-10-1", "customers": [danes[0].pk]}
    response = sales_client.post("/api/plans", body, content_type="application/json")
    assert response.status_code == 400
    assert "end" in response.json()["errors"]


def test_occurrence_window_parameters_are_strict(sales_client):
    response = sales_client.get("/api/occurrences?start=2026-1-1")
    assert response.status_code == 400
    assert "start" in response.json()["errors"]


def test_the_timeline_refuses_a_date_parameter_not_written_yyyy_mm_dd(sales_client):
    response = sales_client.get("/?range=quarter&start=2026-1-1")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


@pytest.mark.parametrize("customer_id", ["1.5", 1.5, "one", -3, 2**70])
def test_a_customer_id_that_is_not_a_whole_number_is_a_400_naming_customers(
    sales_client, customer_id
):
    body = {**PLAN, "customers": [customer_id]}
    response = sales_client.post("/api/plans/check", body, content_type="application/json")
    assert response.status_code == 400
    assert "customers" in response.json()["errors"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/people",
        "/api/touchpoints",
        "/api/decision-steps",
        "/api/decision-factors",
        "/api/competitors",
        "/api/contracts",
        "/api/customer-interests",
        "/api/strategies",
    ],
)
def test_a_customer_filter_past_the_largest_id_is_a_400_naming_customer(sales_client, path):
    response = sales_client.get(f"{path}?customer={2**70}")
    assert response.status_code == 400
    assert "customer" in response.json()["errors"]


def test_an_unknown_customer_id_is_named(sales_client, danes):
    body = {**PLAN, "customers": [danes[0].pk, 999_999]}
    response = sales_client.post("/api/plans/check", body, content_type="application/json")
    assert response.status_code == 400
    assert "999999" in str(response.json()["errors"]["customers"])


def test_many_customer_ids_are_resolved_in_one_query(
    sales_client, django_assert_max_num_queries, db
):
    ids = [factories.customer(f"Kunde {i}", "DK").pk for i in range(40)]
    body = {**PLAN, "customers": ids}
    with django_assert_max_num_queries(16):
        few = sales_client.post(
            "/api/plans/check", {**body, "customers": ids[:2]}, content_type="application/json"
        )
    with django_assert_max_num_queries(16):
        many = sales_client.post("/api/plans/check", body, content_type="application/json")
    assert few.status_code == many.status_code == 200


def test_an_audience_over_the_maximum_is_refused(sales_client, settings, danes):
    settings.MAX_AUDIENCE_CUSTOMERS = 3
    body = {**PLAN, "customers": [danes[0].pk] * 2 + [danes[1].pk] * 2}
    response = sales_client.post("/api/plans/check", body, content_type="application/json")
    assert response.status_code == 400
    assert "at most 3 customers" in response.json()["errors"]["customers"][0]


@pytest.mark.parametrize("path", ["/api/plans/check", "/api/plans"])
@pytest.mark.parametrize("opener, closer", [("[", "]"), ('{"a":', "}")])
def test_a_json_body_nested_a_thousand_levels_deep_is_a_400_not_a_crash(
    sales_client, path, opener, closer
):
    body = opener * 1000 + "1" + closer * 1000
    response = sales_client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["errors"]["detail"][0]


@pytest.mark.parametrize("path", ["/api/plans/check", "/api/plans"])
def test_countries_nested_in_a_list_are_a_400_naming_countries(sales_client, danes, path):
    body = {**PLAN, "customers": [danes[0].pk], "countries": [["DK"]]}
    response = sales_client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert "countries" in response.json()["errors"]
