"""`GET /api/today` and done, snooze and undo: the Today page's list, for the requesting user."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
import yaml

from calendarapp.models import DigestItemState
from calendarapp.reminders.digest import build_digest
from customers.services import touchpoint_log
from tests import factories

FIELDS = ["key", "kind", "rank", "customer", "plan", "due", "title", "reason", "url"]

D = datetime.date
DAY = datetime.timedelta(days=1)
TODAY = D(2027, 9, 6)  # past the strategy season (22 Jul - 2 Sep) and the act-by day


@pytest.fixture
def frozen():
    moment = datetime.datetime(2027, 9, 6, 8, tzinfo=zoneinfo.ZoneInfo("Europe/Copenhagen"))
    with time_machine.travel(moment, tick=False):
        yield TODAY


@pytest.fixture
def acme(frozen, sales_manager):
    customer = factories.customer("Acme", "DK", owner=sales_manager, budget_close_month=9)
    touchpoint_log(customer=customer, date=TODAY - 60 * DAY, channel="phone")
    factories.tradition(customer=customer, kind="vacation", title="Offsite", start=D(2027, 9, 14))
    factories.plan(
        kind="event",
        title="Roadshow",
        start=D(2027, 9, 14),
        owner=sales_manager,
        customers=[customer],
    )
    return customer


def test_today_lists_the_users_items_in_the_pages_order(acme, sales_client, sales_manager):
    response = sales_client.get("/api/today")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["key"] for item in items] == [
        i.key for i in build_digest(sales_manager, TODAY).items
    ]
    assert [(item["kind"], item["rank"]) for item in items] == [
        ("touch_overdue", 1),
        ("act_by", 1),
        ("plan_conflicts", 5),
    ]
    touch, budget, plan = items
    assert list(touch) == FIELDS
    assert (touch["customer"], touch["plan"]) == (acme.pk, None)
    assert budget == {
        "key": f"budget-{acme.pk}-2027",
        "kind": "act_by",
        "rank": 1,
        "customer": acme.pk,
        "plan": None,
        "due": "2027-09-30",
        "title": "Acme's budget closes 30 Sep: get into next year's budget",
        "reason": "act-by date 1 Aug 2027 has passed (25 days left)",
        "url": f"/customers/{acme.pk}",
    }
    assert (plan["customer"], plan["plan"], plan["due"]) == (
        None,
        acme.plans.get().pk,
        "2027-09-14",
    )
    assert plan["title"] == "Roadshow, 14 Sep"


def test_another_users_list_is_their_own(acme, client):
    client.force_login(factories.user("kenji", "Sales managers"))
    assert client.get("/api/today").json() == {"items": []}


def test_done_snooze_and_undo_answer_the_items_state(acme, sales_client):
    key = sales_client.get("/api/today").json()["items"][0]["key"]

    done = sales_client.post(f"/api/today/{key}/done")
    assert done.status_code == 200
    assert done.json() == {"key": key, "status": "done", "snoozed_until": None}
    assert key not in [i["key"] for i in sales_client.get("/api/today").json()["items"]]

    snoozed = sales_client.post(
        f"/api/today/{key}/snooze", {"until": "2027-09-08"}, content_type="application/json"
    )
    assert snoozed.json() == {"key": key, "status": "snoozed", "snoozed_until": "2027-09-08"}

    undone = sales_client.post(f"/api/today/{key}/undo")
    assert undone.json() == {"key": key, "status": "open", "snoozed_until": None}
    assert not DigestItemState.objects.exists()
    assert key in [i["key"] for i in sales_client.get("/api/today").json()["items"]]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/today/" + "x" * 201 + "/done", None, "key"),
        ("/api/today/touch%001/done", None, "key"),
        ("/api/today/touch-1/snooze", {}, "until"),
        ("/api/today/touch-1/snooze", {"until": "08-09-2027"}, "until"),
        ("/api/today/touch-1/snooze", {"until": "2027-09-06"}, "until"),  # not after today
        ("/api/today/touch-1/snooze", {"until": "2028-10-01"}, "until"),  # over a year
    ],
)
def test_a_malformed_key_or_day_is_a_400_naming_it(frozen, sales_client, path, body, field):
    response = sales_client.post(path, body or {}, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not DigestItemState.objects.exists()


def test_today_needs_a_user_in_a_role(client, nobody):
    assert client.get("/api/today").status_code == 401
    client.force_login(nobody)
    assert client.get("/api/today").status_code == 403
    assert client.post("/api/today/touch-1/done").status_code == 403


def test_the_schema_documents_today_and_its_marks(sales_client):
    schema = yaml.safe_load(sales_client.get("/api/schema").content)

    assert "/api/today" in schema["paths"]
    for action in ("done", "snooze", "undo"):
        assert "post" in schema["paths"][f"/api/today/{{key}}/{action}"]
    item = schema["components"]["schemas"]["TodayItem"]
    assert list(item["properties"]) == FIELDS
    assert "plan_conflicts" in str(schema["components"]["schemas"])
