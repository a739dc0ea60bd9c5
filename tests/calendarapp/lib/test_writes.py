"""Writes change only what they were given, never bring a deleted row back, and run a conflict
again once before answering 409 (calendarapp/lib/writes.py through the write functions)."""

import datetime

import pytest
from django.db import OperationalError, transaction

from calendarapp.lib.writes import RecordGone, WriteConflict, is_conflict, retried_once
from calendarapp.planning.services import plan_delete, plan_save
from customers.decisions import (
    competitor_save,
    contract_save,
    decision_factor_save,
    decision_record_delete,
    decision_step_save,
)
from customers.facts import customer_facts_save
from customers.interests import strategy_delete, strategy_save
from customers.models import (
    Competitor,
    Contract,
    Customer,
    CustomerChange,
    DecisionFactor,
    DecisionStep,
    Person,
    PersonChange,
    Strategy,
    Touchpoint,
)
from customers.services import person_delete, person_save, touchpoint_delete, touchpoint_log
from tests import factories
from traditions.models import Tradition
from traditions.services import tradition_delete, tradition_save

D = datetime.date
pytestmark = pytest.mark.django_db
# Outside any transaction, as a request runs (only there is a write run again); serialized, as
# every transactional test of the suite, so the next one finds the data it left.
OUTSIDE_A_TRANSACTION = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def customer(sales_manager):
    return factories.customer("Aarhus A/S", "DK", owner=sales_manager)


def _records(customer, owner):
    """One record of each type, its write and delete, and two fields two people change."""
    person = person_save(customer=customer, name="Mette")
    return [
        (
            person,
            person_save,
            "person",
            lambda p: person_delete(person=p),
            {"job_title": "CFO"},
            {"email": "m@a.dk"},
        ),
        (
            decision_factor_save(customer=customer, name="Price", weight=3),
            decision_factor_save,
            "factor",
            lambda factor: decision_record_delete(record=factor),
            {"weight": 5},
            {"note": "Said twice"},
        ),
        (
            competitor_save(customer=customer, name="Rival"),
            competitor_save,
            "competitor",
            lambda competitor: decision_record_delete(record=competitor),
            {"incumbent": True},
            {"strengths": "Cheap"},
        ),
        (
            contract_save(customer=customer, name="Licence", end_date=D(2028, 3, 31)),
            contract_save,
            "contract",
            lambda contract: decision_record_delete(record=contract),
            {"notice_period_days": 60},
            {"notes": "Auto-renews"},
        ),
        (
            strategy_save(customer=customer, title="Cloud first", noted_on=D(2026, 1, 5)),
            strategy_save,
            "strategy",
            lambda strategy: strategy_delete(strategy=strategy),
            {"stage": "shaping"},
            {"how_we_help": "Migration"},
        ),
        (
            touchpoint_log(customer=customer, date=D(2026, 1, 5), channel="phone"),
            touchpoint_log,
            "touchpoint",
            lambda touch: touchpoint_delete(touchpoint=touch),
            {"summary": "Budget moved"},
            {"channel": "visit"},
        ),
        (
            tradition_save(
                customer=customer,
                kind="busy_season",
                title="Rush",
                start=D(2026, 11, 1),
                end=D(2026, 12, 20),
                recurrence="RRULE:FREQ=YEARLY",
            ),  # fmt: skip
            tradition_save,
            "tradition",
            lambda tradition: tradition_delete(tradition=tradition),
            {"title": "Christmas rush"},
            {"lead_time_days": 30},
        ),
    ]


def _save(write, argument, record, customer, fields):
    return write(**{argument: record}, customer=customer, **fields)


def test_two_people_changing_different_fields_of_one_record_both_keep_their_change(
    customer, sales_manager
):
    for record, write, argument, _, first, second in _records(customer, sales_manager):
        stale_a = type(record).objects.get(pk=record.pk)  # each as their page loaded it
        stale_b = type(record).objects.get(pk=record.pk)
        _save(write, argument, stale_a, customer, first)
        _save(write, argument, stale_b, customer, second)
        stored = type(record).objects.get(pk=record.pk)
        for name, value in {**first, **second}.items():
            assert getattr(stored, name) == value, f"{argument}: {name} was lost"


def test_a_write_to_a_record_deleted_meanwhile_is_refused_and_brings_nothing_back(
    customer, sales_manager
):
    for record, write, argument, delete, first, _ in _records(customer, sales_manager):
        model = type(record)
        stale = model.objects.get(pk=record.pk)
        delete(record)
        with pytest.raises(RecordGone, match="was deleted meanwhile"):
            _save(write, argument, stale, customer, first)
        assert not model.objects.filter(pk=record.pk).exists(), f"{argument} came back"
        with pytest.raises(RecordGone):
            delete(stale)  # deleting it again is a 404 too


def test_a_step_deleted_meanwhile_does_not_come_back_without_its_people(customer):
    mette = person_save(customer=customer, name="Mette")
    step = decision_step_save(customer=customer, title="Board", date=D(2026, 6, 1), people=[mette])
    stale = DecisionStep.objects.get(pk=step.pk)
    decision_record_delete(record=step)
    with pytest.raises(RecordGone):
        decision_step_save(step=stale, customer=customer, title="Board meeting", people=[mette])
    assert not DecisionStep.objects.exists()
    assert not DecisionStep.people.through.objects.exists()


def test_a_plan_edit_keeps_a_concurrent_change_and_a_deleted_plan_stays_deleted(
    customer, sales_manager
):
    plan = factories.plan(owner=sales_manager, start=D(2026, 9, 1), customers=[customer])
    stale = type(plan).objects.get(pk=plan.pk)
    plan_save(plan=plan, owner=sales_manager, title="Autumn roadshow")
    plan_save(plan=stale, owner=sales_manager, notes="Bring the demo")
    stored = type(plan).objects.get(pk=plan.pk)
    assert (stored.title, stored.notes, list(stored.customers.all())) == (
        "Autumn roadshow",
        "Bring the demo",
        [customer],
    )
    plan_delete(plan=plan)
    with pytest.raises(RecordGone):
        plan_save(plan=stale, owner=sales_manager, title="Back?")
    assert not type(plan).objects.exists()


def test_a_person_edit_s_history_has_only_what_really_changed_against_the_stored_row(customer):
    person = person_save(customer=customer, name="Mette", stance="supporter")
    stale = Person.objects.get(pk=person.pk)
    person_save(person=person, customer=customer, stance="sceptic")
    person_save(person=stale, customer=customer, influence="high")
    history = list(
        PersonChange.objects.order_by("id").values_list("field", "old_value", "new_value")
    )
    assert history == [
        ("stance", "", "supporter"),
        ("stance", "supporter", "sceptic"),
        ("influence", "medium", "high"),
    ]
    assert Person.objects.get().stance == "sceptic"


def test_facts_of_a_customer_changed_by_two_keep_both_and_a_history_line_each(customer):
    stale = Customer.objects.get(pk=customer.pk)
    customer_facts_save(customer=customer, by=None, budget_close_month=3)
    customer_facts_save(customer=stale, by=None, contact_every_days=14)
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.budget_close_month, stored.contact_every_days) == (3, 14)
    assert sorted(CustomerChange.objects.values_list("field", flat=True)) == [
        "budget_close_month",
        "contact_every_days",
    ]


def test_a_customer_deleted_meanwhile_is_not_inserted_again_by_a_facts_edit(customer):
    stale = Customer.objects.get(pk=customer.pk)
    Customer.objects.filter(pk=customer.pk).delete()
    with pytest.raises(RecordGone, match="customer was deleted meanwhile"):
        customer_facts_save(customer=stale, by=None, notes="New CFO")
    assert not Customer.objects.exists()


def conflict() -> OperationalError:
    return OperationalError("database is locked")


@OUTSIDE_A_TRANSACTION
def test_a_write_that_conflicts_once_is_run_again_and_succeeds():
    calls = []

    @retried_once("competitor")
    def write():
        calls.append(1)
        if len(calls) == 1:
            raise conflict()
        return "saved"

    assert write() == "saved"
    assert len(calls) == 2


@OUTSIDE_A_TRANSACTION
def test_a_write_that_conflicts_twice_is_a_write_conflict_naming_the_record():
    @retried_once("competitor")
    def write():
        raise conflict()

    with pytest.raises(WriteConflict, match="This competitor was changed by someone else"):
        write()


@OUTSIDE_A_TRANSACTION
def test_other_database_errors_are_not_run_again():
    calls = []

    @retried_once("competitor")
    def write():
        calls.append(1)
        raise OperationalError("too many SQL variables")

    with pytest.raises(OperationalError, match="too many SQL variables"):
        write()
    assert len(calls) == 1
    assert not is_conflict(OperationalError("too many SQL variables"))


def test_inside_a_caller_s_transaction_the_conflict_goes_up_to_it():
    """PostgreSQL aborts the whole transaction, so only its opener can run it again."""
    calls = []

    @retried_once("competitor")
    def write():
        calls.append(1)
        raise conflict()

    with pytest.raises(OperationalError), transaction.atomic():
        write()
    assert len(calls) == 1


def test_the_api_answers_a_conflict_with_409_naming_the_record(
    client, sales_manager, customer, monkeypatch
):
    competitor = competitor_save(customer=customer, name="Rival")

    def crossing(self, *args, **kwargs):
        raise conflict()

    client.force_login(sales_manager)
    monkeypatch.setattr(Competitor, "save", crossing)
    response = client.patch(
        f"/api/competitors/{competitor.pk}", {"strengths": "Cheap"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json() == {
        "errors": {
            "detail": ["This competitor was changed by someone else at the same time; try again."]
        }
    }


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/api/people/{}", Person),
        ("/api/decision-factors/{}", DecisionFactor),
        ("/api/competitors/{}", Competitor),
        ("/api/contracts/{}", Contract),
        ("/api/strategies/{}", Strategy),
        ("/api/touchpoints/{}", Touchpoint),
        ("/api/traditions/{}", Tradition),
    ],
)
def test_the_api_answers_404_to_a_write_racing_a_delete(
    client, sales_manager, customer, path, model, monkeypatch
):
    """The PATCH loaded the record, then someone deleted it before the PATCH's write."""
    records = {type(r[0]): r for r in _records(customer, sales_manager)}
    record, *_, first, _second = records[model]
    real_locked = __import__("calendarapp.lib.writes", fromlist=["locked"]).locked

    def deleted_first(instance, *related):
        model.objects.filter(pk=instance.pk).delete()
        return real_locked(instance, *related)

    for module in ("customers.services", "customers.decisions", "customers.interests",
                   "traditions.services"):  # fmt: skip
        monkeypatch.setattr(f"{module}.locked", deleted_first)
    client.force_login(sales_manager)
    count = model.objects.count()
    response = client.patch(path.format(record.pk), first, content_type="application/json")
    assert response.status_code == 404
    noun = model._meta.verbose_name
    assert response.json() == {
        "errors": {"detail": [f"This {noun} was deleted meanwhile; nothing was saved."]}
    }
    # The delete here ran in the write's own transaction, so it is undone with it; nothing new.
    assert model.objects.count() == count
