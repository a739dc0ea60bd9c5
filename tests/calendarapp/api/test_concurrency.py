"""Two people writing one record at the same moment, through the API on PostgreSQL: both
changes kept, a deleted record stays deleted, crossing locks answer success or 409.

Real threads, each with its own client and database connection, released together by a
`threading.Barrier`, as the probe that found 149 of 160 pairs losing a change did; each race
runs several rounds so a regression is caught. PostgreSQL only: CI's PostgreSQL run
(REQUIRE_SERVICES=1) runs it, elsewhere it skips.
"""

from __future__ import annotations

import datetime
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from calendarapp import lib
from calendarapp.connections import sync
from calendarapp.models import CalendarConnection, CalendarMeeting, Plan
from calendarapp.planning.services import plan_save
from customers import services
from customers.decisions import (
    competitor_save,
    contract_save,
    decision_factor_save,
    decision_step_save,
)
from customers.facts import customer_facts_save
from customers.interests import strategy_save
from customers.models import (
    Competitor,
    Contract,
    Customer,
    CustomerChange,
    DecisionFactor,
    DecisionStep,
    Person,
    Strategy,
    Touchpoint,
)
from tests import factories
from tests.calendar_servers import wrap
from tests.support import skip_or_fail
from traditions.models import Tradition
from traditions.services import tradition_save

D = datetime.date
ROUNDS = 6
# Names a customer has once (a competitor, a factor) get a number each round.
NUMBERS = itertools.count()
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        skip_or_fail("the concurrency suite needs PostgreSQL (DATABASE_URL=postgres://…)")


@dataclass(frozen=True)
class Race:
    """A record type as the API writes it: its path, a fresh record, two different-field edits."""

    path: str
    model: type
    make: Callable[[Customer, Any], Any]
    first: dict[str, Any]
    second: dict[str, Any]


RACES = [
    Race(
        "people",
        Person,
        lambda customer, owner: services.person_save(customer=customer, name="Mette"),
        {"job_title": "CFO"},
        {"email": "mette@aarhus.dk"},
    ),
    Race(
        "competitors",
        Competitor,
        lambda customer, owner: competitor_save(customer=customer, name=f"Rival {next(NUMBERS)}"),
        {"incumbent": True},
        {"strengths": "Cheap"},
    ),
    Race(
        "contracts",
        Contract,
        lambda customer, owner: contract_save(
            customer=customer, name="Licence", end_date=D(2028, 3, 31), pre_shopping_days=180
        ),
        {"notice_period_days": 60},
        {"notes": "Auto-renews"},
    ),
    Race(
        "decision-factors",
        DecisionFactor,
        lambda customer, owner: decision_factor_save(
            customer=customer, name=f"Price {next(NUMBERS)}", weight=3
        ),
        {"weight": 5},
        {"note": "Said twice"},
    ),
    Race(
        "strategies",
        Strategy,
        lambda customer, owner: strategy_save(
            customer=customer, title="Cloud first", noted_on=D(2026, 1, 5)
        ),
        {"stage": "shaping"},
        {"how_we_help": "Migration"},
    ),
    Race(
        "touchpoints",
        Touchpoint,
        lambda customer, owner: services.touchpoint_log(
            customer=customer, date=D(2026, 1, 5), channel="phone"
        ),
        {"summary": "Budget moved"},
        {"channel": "visit"},
    ),
    Race(
        "plans",
        Plan,
        lambda customer, owner: plan_save(
            owner=owner,
            kind="event",
            title="Roadshow",
            start=D(2027, 9, 1),
            end=D(2027, 9, 1),
            customers=[customer],
        ),  # fmt: skip
        {"title": "Autumn roadshow"},
        {"status": "confirmed"},
    ),
    Race(
        "traditions",
        Tradition,
        lambda customer, owner: tradition_save(
            customer=customer,
            kind="busy_season",
            title="Rush",
            start=D(2026, 11, 1),
            end=D(2026, 12, 20),
            recurrence="RRULE:FREQ=YEARLY",
        ),  # fmt: skip
        {"title": "Christmas rush"},
        {"lead_time_days": 30},
    ),
    Race(
        "customers",
        Customer,
        lambda customer, owner: customer_facts_save(
            customer=Customer(name="Race A/S", country="DK", owner=owner), by=None
        ),
        {"budget_close_month": 3},
        {"contact_every_days": 14},
    ),
]


def together(*requests: Callable[[APIClient], Any], user: Any) -> list[Any]:
    """Run each request in its own thread with its own client, released at the same moment."""
    barrier = threading.Barrier(len(requests))
    answers: list[Any] = [None] * len(requests)

    def run(index: int, request: Callable[[APIClient], Any]) -> None:
        client = APIClient()
        client.force_authenticate(user=user)
        try:
            barrier.wait(timeout=10)
            answers[index] = request(client)
        except BaseException as error:  # an exception is an answer the test reports
            answers[index] = error
        finally:
            connections.close_all()  # the thread's own connection

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def patch(path: str, body: dict[str, Any]) -> Callable[[APIClient], Any]:
    return lambda client: client.patch(path, body, format="json")


def delete(path: str) -> Callable[[APIClient], Any]:
    return lambda client: client.delete(path)


def status(answer: Any) -> Any:
    return getattr(answer, "status_code", answer)


@pytest.fixture
def customer(calendar_admin):
    return factories.customer("Aarhus A/S", "DK", owner=calendar_admin)


@pytest.mark.parametrize("race", RACES, ids=[race.path for race in RACES])
def test_two_patches_of_different_fields_at_the_same_moment_both_keep_their_change(
    race, customer, calendar_admin
):
    for _ in range(ROUNDS):
        record = race.make(customer, calendar_admin)
        path = f"/api/{race.path}/{record.pk}"
        answers = together(patch(path, race.first), patch(path, race.second), user=calendar_admin)
        assert [status(a) for a in answers] == [200, 200], answers
        stored = race.model.objects.get(pk=record.pk)
        for name, value in {**race.first, **race.second}.items():
            assert getattr(stored, name) == value, f"{race.path}: the change of {name} was lost"


def test_two_fact_changes_at_once_each_have_their_history_line(customer, calendar_admin):
    for month in range(1, ROUNDS + 1):
        path = f"/api/customers/{customer.pk}"
        answers = together(
            patch(path, {"budget_close_month": month}),
            patch(path, {"notes": f"Round {month}"}),
            user=calendar_admin,
        )
        assert [status(a) for a in answers] == [200, 200], answers
    fields = list(CustomerChange.objects.values_list("field", flat=True))
    assert sorted(set(fields)) == ["budget_close_month", "notes"]
    assert fields.count("notes") == ROUNDS


@pytest.mark.parametrize("race", RACES, ids=[race.path for race in RACES])
def test_a_patch_racing_a_delete_never_brings_the_record_back(race, customer, calendar_admin):
    for _ in range(ROUNDS):
        record = race.make(customer, calendar_admin)
        path = f"/api/{race.path}/{record.pk}"
        patched, deleted = together(patch(path, race.first), delete(path), user=calendar_admin)
        assert status(deleted) == 204, deleted
        # The PATCH came first (200) or found the record gone (404); never a resurrection.
        assert status(patched) in (200, 404), patched
        assert not race.model.objects.filter(pk=record.pk).exists(), f"{race.path} came back"


def test_a_decision_step_racing_its_delete_never_comes_back_without_its_people(
    customer, calendar_admin
):
    mette = services.person_save(customer=customer, name="Mette")
    for _ in range(ROUNDS):
        step = decision_step_save(
            customer=customer, title="Board", date=D(2027, 6, 1), people=[mette]
        )
        path = f"/api/decision-steps/{step.pk}"
        body = {"title": "Board meeting", "people": [mette.pk]}
        patched, deleted = together(patch(path, body), delete(path), user=calendar_admin)
        assert (status(patched) in (200, 404), status(deleted)) == (True, 204)
    assert not DecisionStep.objects.exists()
    assert not DecisionStep.people.through.objects.exists()


def test_an_edit_and_a_delete_crossing_locks_answer_success_or_409_never_5xx(
    customer, calendar_admin, monkeypatch
):
    """Each locks its own record, then the other's: PostgreSQL finds the deadlock and cancels
    one; that write runs again (the second time without crossing) instead of answering 503."""
    real_locked = lib.writes.locked
    for _ in range(ROUNDS):
        edited = services.person_save(customer=customer, name="Mette")
        removed = services.person_save(customer=customer, name="Jens")
        other = {edited.pk: removed.pk, removed.pk: edited.pk}
        crossing = threading.Barrier(2)
        crossed: set[int] = set()
        calls: list[int] = []

        def locked(
            instance, *related, other=other, crossing=crossing, crossed=crossed, calls=calls
        ):
            calls.append(instance.pk)
            row = real_locked(instance, *related)
            if isinstance(row, Person) and row.pk in other and row.pk not in crossed:
                crossed.add(row.pk)  # the first attempt only: the retry goes straight through
                crossing.wait(timeout=10)
                list(Person.objects.select_for_update().filter(pk=other[row.pk]))
            return row

        monkeypatch.setattr(services, "locked", locked)
        monkeypatch.setattr(lib.writes, "locked", locked)
        patched, deleted = together(
            patch(f"/api/people/{edited.pk}", {"job_title": "CFO"}),
            delete(f"/api/people/{removed.pk}"),
            user=calendar_admin,
        )
        monkeypatch.undo()
        assert len(calls) > 2, "PostgreSQL found the deadlock and one write ran again"
        assert status(patched) in (200, 409), patched
        assert status(deleted) in (204, 409), deleted
        if status(patched) == 200:
            assert Person.objects.get(pk=edited.pk).job_title == "CFO"
        if status(deleted) == 204:
            assert not Person.objects.filter(pk=removed.pk).exists()


@pytest.fixture
def meeting_calendar(site, customer, settings) -> str:
    """The admin's calendar on the loopback site: a past meeting with Jens of Aarhus A/S."""
    settings.OUR_EMAIL_DOMAINS = ["example.com"]
    Person.objects.create(customer=customer, name="Jens Holm", email="jens@aarhus.dk")
    start = datetime.datetime.now(datetime.UTC).replace(microsecond=0) - datetime.timedelta(days=3)
    stamp = "%Y%m%dT%H%M%SZ"
    event = (
        f"UID:review-1@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART:{start.strftime(stamp)}\r\n"
        f"DTEND:{(start + datetime.timedelta(hours=1)).strftime(stamp)}\r\n"
        "SUMMARY:Quarterly review\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:jens@aarhus.dk"
    )
    return site.put("/private-1/basic.ics", wrap(event).encode())


def test_a_calendar_deleted_while_its_sync_reads_it_is_a_404_and_writes_nothing(
    meeting_calendar, calendar_admin, monkeypatch
):
    """The delete lands between the read (outside any transaction) and the write: the sync
    finds its connection gone (404), not its meetings' links pointing at no connection (500)."""
    real_events_between = sync.events_between
    read, removed = threading.Event(), threading.Event()

    def events_between(**kwargs):
        events = real_events_between(**kwargs)
        read.set()
        removed.wait(timeout=10)
        return events

    def delete_once_read(client):
        read.wait(timeout=10)
        try:
            return client.delete(path)
        finally:
            removed.set()

    monkeypatch.setattr(sync, "events_between", events_between)
    for _ in range(ROUNDS):
        read.clear()
        removed.clear()
        connection = CalendarConnection.objects.create(
            owner=calendar_admin, name="Work", url=meeting_calendar
        )
        path = f"/api/calendar-connections/{connection.pk}"
        synced, deleted = together(
            lambda client, path=path: client.post(f"{path}/sync"),
            delete_once_read,
            user=calendar_admin,
        )
        assert (status(synced), status(deleted)) == (404, 204), (synced, deleted)
        assert not CalendarConnection.objects.filter(pk=connection.pk).exists()
    assert not Touchpoint.objects.exists()
    assert not CalendarMeeting.objects.exists()


def test_a_sync_racing_its_calendars_delete_answers_200_or_404_never_5xx(
    meeting_calendar, calendar_admin
):
    for _ in range(ROUNDS):
        connection = CalendarConnection.objects.create(
            owner=calendar_admin, name="Work", url=meeting_calendar
        )
        path = f"/api/calendar-connections/{connection.pk}"
        synced, deleted = together(
            lambda client, path=path: client.post(f"{path}/sync"),
            delete(path),
            user=calendar_admin,
        )
        assert status(synced) in (200, 404), synced
        assert status(deleted) == 204, deleted
        assert not CalendarConnection.objects.filter(pk=connection.pk).exists()
        # A meeting written before the delete lost its last calendar with it: no link is left.
        assert not CalendarMeeting.connections.through.objects.exists()
