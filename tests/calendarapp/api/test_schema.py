"""The OpenAPI schema is the contract: a bounded, repeatable schemathesis run with every check.

Each operation gets a few examples, valid and invalid, derandomized so every run sends the same
requests, through the WSGI app in this process (no network), as a calendar admin with one
record of each kind present, so the operations answer more than 401 and 404.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from schemathesis.specs.openapi.checks import positive_data_acceptance

from calendarapp.accounts.tokens import api_token_create
from calendarapp.api.serializers import START_WITH_END
from calendarapp.connections import sync
from calendarapp.imports import ics
from calendarapp.lib.validation import END_BEFORE_START, ISO_DATE, MAX_ID, NOT_BLANK, SPAN_TOO_LONG
from calendarapp.models import CalendarConnection
from calendarapp.wsgi import application
from tests import factories

SERVED = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
schema = schemathesis.openapi.from_dict(SERVED)
schema.app = application

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def records(request, admin_client, calendar_admin, danes, settings, monkeypatch) -> dict[str, Any]:
    """One record of each kind, by the path prefix that serves it, and a calendar admin's token."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # An .ics URL is "downloaded" here, a connected calendar read as empty: the run never
    # leaves the machine.
    monkeypatch.setattr(ics, "fetch", lambda url: ICS)
    monkeypatch.setattr(sync, "events_between", lambda **kwargs: [])
    aarhus = danes[0]
    factories.contract(aarhus, datetime.date(2027, 6, 30))
    factories.interest(aarhus, "Cloud")
    plan = factories.plan(owner=calendar_admin, start=datetime.date(2027, 3, 1), customers=danes)
    made = {"customers": aarhus.pk, "plans": plan.pk, "contracts": aarhus.contracts.get().pk}
    made["customer-interests"] = aarhus.interest_evidence.get().pk
    made["traditions"] = factories.danish_autumn_school_holiday().pk
    for prefix, body in (
        ("people", {"name": "Mette"}),
        ("decision-factors", {"name": "Price", "weight": 3}),
        ("competitors", {"name": "Rival"}),
        ("strategies", {"title": "Cloud first", "noted_on": "2026-11-02"}),
        ("touchpoints", {"date": "2026-11-02", "channel": "email", "summary": "Hello"}),
        ("decision-steps", {"title": "Board", "date": "2027-01-12"}),
    ):
        answer = admin_client.post(
            f"/api/{prefix}", {"customer": aarhus.pk, **body}, content_type="application/json"
        )
        assert answer.status_code == 201, answer.json()
        made[prefix] = answer.json()["id"]
    made["calendar-connections"] = CalendarConnection.objects.create(
        owner=calendar_admin, name="Work", url="https://calendar.example.com/private-1/basic.ics"
    ).pk
    made["token"] = api_token_create(user=calendar_admin, name="fuzz")[1]
    # Requests run inside the test's transaction, as Django's test client runs them (after its
    # own requests above, which connect it again): the end of a request must not close the
    # connection (PostgreSQL would lose the transaction).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
        request.addfinalizer(lambda signal=signal: signal.connect(close_old_connections))
    return made


# Values naming another record: the schema says "an id", "a username", "an interest's name";
# which ones exist it cannot say, so well-formed ones are pointed at the records present (ids
# below 1 and other malformed values stay, and must be refused).
ONE_ID = {"customer": "customers", "contract": "contracts", "touchpoint": "touchpoints",
          "person": "people", "reports_to": "people"}  # fmt: skip
MANY_IDS = {"customers": "customers", "people": "people"}
NAMES = {"owner": "alice"}
MANY_NAMES = {"interests": "Cloud", "offers": "Cloud", "our_people": "alice"}


def _an_id(value: Any) -> bool:
    if isinstance(value, str) and value.isdecimal():
        value = int(value)
    return type(value) is int and 1 <= value <= MAX_ID


def _a_name(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 60 and bool(re.fullmatch(NOT_BLANK, value))


def _a_day(value: Any) -> bool:
    try:
        return bool(ISO_DATE.match(value)) and bool(datetime.date.fromisoformat(value))
    except (TypeError, ValueError):
        return False


def pointed_at_records(case: Any, made: dict[str, Any]) -> None:
    """Point the well-formed ids, usernames and interest names a case sends at real records."""
    prefix = case.path.split("/")[2]
    path = case.path_parameters or {}
    if _an_id(path.get("id")) and prefix in made:
        path["id"] = made[prefix]
    for container in (case.body, case.query):
        if not isinstance(container, dict):
            continue
        for name, value in container.items():
            if name in ONE_ID and _an_id(value):
                container[name] = made[ONE_ID[name]]
            elif name in MANY_IDS and isinstance(value, list) and value:
                if all(_an_id(item) for item in value):
                    container[name] = [made[MANY_IDS[name]]]
            elif name in NAMES and _a_name(value):
                container[name] = NAMES[name]
            elif name in MANY_NAMES and isinstance(value, list) and value:
                if all(_a_name(item) for item in value):
                    container[name] = [MANY_NAMES[name]]
    # An uploaded file's bytes are an .ics file (a spreadsheet of refusals has its own tests).
    if isinstance(case.body, dict) and isinstance(case.body.get("file"), str | bytes):
        case.body["file"] = ICS
    # A client sends a new Idempotency-Key with each new request; the examples would reuse one
    # for other bodies, which is the documented 422.
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    # An If-Match is a version read before; any other is the documented 412
    # (tests/calendarapp/api/test_conditional.py).
    if case.headers:
        case.headers.pop("If-Match", None)
    # A snooze lasts from tomorrow to a year ahead, and evidence (an interest, a strategy) is
    # noted today or earlier: relative to a today the schema cannot know.
    if case.path.endswith("/snooze") and isinstance(case.body, dict) and "until" in case.body:
        if _a_day(case.body["until"]):
            case.body["until"] = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    if isinstance(case.body, dict):
        for name in ("noted_on", "confirmed_on", "no_longer_on"):
            if _a_day(case.body.get(name)) and case.body[name] > timezone.localdate().isoformat():
                case.body[name] = timezone.localdate().isoformat()


@schema.parametrize()
@hypothesis.settings(
    max_examples=3,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_schema_says(case, records):
    pointed_at_records(case, records)
    headers = {"Authorization": f"Bearer {records['token']}"}
    response = case.call(headers=headers)
    # Rules across fields (an end before its start) are stated in words, not in JSON Schema:
    # a 400 for one of those alone is the API keeping its rules, not refusing valid data.
    excluded = [positive_data_acceptance] if only_cross_field_refusals(response) else []
    case.validate_response(response, headers=headers, excluded_checks=excluded)


# Each a rule README and the schema's descriptions state in words: across fields, or against
# what is stored (names unique per customer).
CROSS_FIELD_RULES = (
    END_BEFORE_START,
    "Only a follow-up or a not now takes a date.",
    "Choose a customer, or a country",
    "is not a date of the rule",
    "Give a date, or a recurrence",
    "cannot leave before they started",
    "Pre-shopping must start no later than the notice deadline.",
    "Choose an audience",
    "The plan is longer than the search range.",
    "Only a busy season can block events.",
    "is already recorded",
    "already has a",
    "is noted; confirm it",
    "after it was noted",
    "is not a subdivision of",
    "Send a file, or a url, but not both.",
    "takes its country from the customer",
    "Give duration_days, or the plan's start and end.",
    "A touch is today or earlier",
    "Give the date to follow up or to ask again.",
    START_WITH_END,
    SPAN_TOO_LONG,
    "The season ends fewer weeks before the budget close than it starts.",
    # A touch's `people_updates` name people of its customer by id with any of their fields, as
    # the field's description says: checked as /api/people checks them, not by the schema.
    "Each update needs the person's id.",
    "No person ",
    "unknown fields",
    # Which domains are free mail or ours is a list, not a pattern: the description says so.
    "is free mail anyone can use",
    "is our own domain",
    # RFC 5545's grammar is more than a pattern can say: the schema names the RFC.
    "is not a valid RFC 5545 rule",
    # A calendar's address: which hosts are private (and so which may take http) is said in
    # words, as is a password needing its username.
    "private or local address",
    "http:// sends the calendar unencrypted",
    "cannot be read as a web address",
    "A password needs its username",
)


def only_cross_field_refusals(response: Any) -> bool:
    if response.status_code != 400:
        return False
    messages = [m for ms in response.json()["errors"].values() for m in ms]
    return all(any(rule in message for rule in CROSS_FIELD_RULES) for message in messages)
