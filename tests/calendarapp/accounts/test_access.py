"""Access and secrets across interfaces: plans stay their owner's, the schema tells the errors."""

from __future__ import annotations

import pytest
from django.test import Client

from calendarapp.models import Plan
from tests import factories


@pytest.fixture
def schema(sales_client) -> dict:
    response = sales_client.get("/api/schema?format=json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_declares_the_bearer_scheme_on_every_operation(schema):
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"bearerAuth": []} in operation["security"], (method, path)


def test_the_schema_declares_the_error_answers_in_their_one_shape(schema):
    errors = schema["components"]["schemas"]["Errors"]
    assert errors["required"] == ["errors"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            expected = {"400", "401", "403", "503"} | ({"404"} if "{" in path else set())
            assert expected <= set(operation["responses"]), (method, path)
            for status in expected:
                answer = operation["responses"][status]["content"]["application/json"]
                assert answer["schema"] == {"$ref": "#/components/schemas/Errors"}


def test_the_answers_have_the_declared_shape(sales_client):
    assert set(Client().get("/api/plans").json()) == {"errors"}
    assert list(sales_client.get("/api/plans/-1").json()["errors"]) == ["detail"]
    bad = sales_client.get("/api/occurrences?start=2026-1-1&end=2026-02-01").json()
    assert "start" in bad["errors"]


def test_a_sales_manager_cannot_plan_in_anothers_name_through_the_api(
    sales_client, sales_manager, calendar_admin
):
    customer = factories.customer("Dansk Retail", "DK")
    body = {
        "kind": "visit",
        "title": "Mine",
        "start": "2026-05-05",
        "end": "2026-05-05",
        "customers": [customer.pk],
        "owner": "alice",
    }
    created = sales_client.post("/api/plans", body, content_type="application/json").json()
    assert created["owner"] == "sam"
    sales_client.patch(
        f"/api/plans/{created['id']}", {"owner": "alice"}, content_type="application/json"
    )
    assert Plan.objects.get(pk=created["id"]).owner == sales_manager
